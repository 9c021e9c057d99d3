// Remote write 1.0 as an http::HttpProtocol: the headers every request
// carries (Prometheus storage/remote/client.go), the headers a user may not
// set, 429 retried per queue_config.retry_on_http_429, Retry-Attempt on
// retries.
#ifndef OUTPOST_REMOTE_WRITE_HTTP_PROTOCOL_H_
#define OUTPOST_REMOTE_WRITE_HTTP_PROTOCOL_H_

#include <string_view>

#include "core/config/http_config.h"
#include "core/http/http_client.h"

namespace outpost::remote_write {

// True for header names a user may not set (case-insensitive): Prometheus'
// reserved headers plus the Retry-Attempt this client sets.
bool IsReservedHeader(std::string_view name);

http::HttpProtocol RemoteWriteProtocol(const config::RemoteWriteConfig& config);

}  // namespace outpost::remote_write

#endif  // OUTPOST_REMOTE_WRITE_HTTP_PROTOCOL_H_
