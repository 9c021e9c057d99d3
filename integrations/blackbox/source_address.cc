#include "integrations/blackbox/source_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {

absl::StatusOr<IpAddress> ParseSourceIp(std::string_view text) {
  const std::string s(text);
  IpAddress ip;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1 && IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], 4);
  } else if (inet_pton(AF_INET, s.c_str(), &v4) != 1) {
    if (inet_pton(AF_INET6, s.c_str(), &v6) != 1)
      return absl::InvalidArgumentError(Cat("error parsing source ip address ", text));
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ip.addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = v6;
    ip.family = AF_INET6;
    ip.len = sizeof(sockaddr_in6);
    ip.text = s;
    return ip;
  }
  auto* in = reinterpret_cast<sockaddr_in*>(&ip.addr);
  in->sin_family = AF_INET;
  in->sin_addr = v4;
  ip.family = AF_INET;
  ip.len = sizeof(sockaddr_in);
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &v4, buf, sizeof(buf));
  ip.text = buf;
  return ip;
}

}  // namespace outpost::integrations::blackbox
