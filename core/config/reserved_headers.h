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

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_RESERVED_HEADERS_H_
