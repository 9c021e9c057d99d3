// Headers a remote_write `headers:` block may not set, because the
// remote-write protocol or HTTP owns them (Prometheus config/config.go,
// reservedHeaders). The loader rejects them; the HTTP client never lets a
// user header replace them.
#ifndef OUTPOST_CORE_CONFIG_RESERVED_HEADERS_H_
#define OUTPOST_CORE_CONFIG_RESERVED_HEADERS_H_

#include <string_view>

namespace outpost::config {

// Case-insensitive.
bool IsReservedRemoteWriteHeader(std::string_view name);

// Headers a Loki client's `headers:` may not set: those Promtail sets itself
// (Content-Type, Content-Encoding, User-Agent, X-Scope-OrgID from tenant_id;
// client/client.go) and those HTTP owns (Host, Content-Length).
// Case-insensitive.
bool IsReservedLokiHeader(std::string_view name);

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_RESERVED_HEADERS_H_
