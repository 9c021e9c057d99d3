// blackbox_exporter's icmp prober (v0.23 prober/icmp.go, config/config.go
// ICMPProbe): one echo request to the target, answered by the matching
// echo reply before the deadline. An unprivileged ICMP datagram socket
// (SOCK_DGRAM, IPPROTO_ICMP / IPPROTO_ICMPV6; Linux's net.ipv4.
// ping_group_range must include the process's group) is tried first, then
// a raw socket (CAP_NET_RAW); IPv4 with dont_fragment always takes a raw
// socket with the DF bit set.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_ICMP_PROBER_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_ICMP_PROBER_H_

#include <string>

#include "integrations/blackbox/prober.h"

namespace outpost::integrations::blackbox {

struct IcmpSettings : ProberSettings {
  std::string preferred_ip_protocol;  // "" means ip6
  bool ip_protocol_fallback = true;
  std::string source_ip_address;
  int payload_size = 0;  // 0: the 28 bytes "Prometheus Blackbox Exporter"
  bool dont_fragment = false;
  int ttl = 64;  // DefaultICMPTTL; 0 leaves the system's

  void Dump(YAML::Emitter& out) const override;
};

const Prober& IcmpProber();

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_ICMP_PROBER_H_
