// `source_ip_address` of the dns and icmp probers: an IP literal read as
// Go's net.ParseIP (an IPv4-mapped IPv6 literal is the IPv4 address).
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_SOURCE_ADDRESS_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_SOURCE_ADDRESS_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "integrations/blackbox/prober.h"

namespace outpost::integrations::blackbox {

// The address (port 0), or InvalidArgument naming it.
absl::StatusOr<IpAddress> ParseSourceIp(std::string_view text);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_SOURCE_ADDRESS_H_
