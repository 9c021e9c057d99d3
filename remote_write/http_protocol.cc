#include "remote_write/http_protocol.h"

#include "absl/strings/match.h"
#include "core/base/absl_compat.h"
#include "core/config/reserved_headers.h"

namespace outpost::remote_write {

bool IsReservedHeader(std::string_view name) {
  return config::IsReservedRemoteWriteHeader(name) ||
         absl::EqualsIgnoreCase(ToAbsl(name), "retry-attempt");
}

http::HttpProtocol RemoteWriteProtocol(const config::RemoteWriteConfig& config) {
  http::HttpProtocol p;
  p.name = "remote_write";
  p.headers = {{"Content-Encoding", "snappy"},
               {"Content-Type", "application/x-protobuf"},
               {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
  p.reserved = &IsReservedHeader;
  p.retry_429 = config.queue_config.retry_on_http_429;
  p.retry_attempt_header = true;
  return p;
}

}  // namespace outpost::remote_write
