#include "integrations/blackbox/probers.h"

#include "integrations/blackbox/dns_prober.h"
#include "integrations/blackbox/http_prober.h"
#include "integrations/blackbox/icmp_prober.h"
#include "integrations/blackbox/tcp_prober.h"

namespace outpost::integrations::blackbox {

const Prober* FindProber(std::string_view name) {
  // blackbox_exporter's prober/handler.go Probers map.
  static const Prober* const kProbers[] = {&HttpProber(), &TcpProber(), &IcmpProber(),
                                             &DnsProber()};
  for (const Prober* p : kProbers) {
    if (p->name == name) return p;
  }
  return nullptr;
}

}  // namespace outpost::integrations::blackbox
