// blackbox_exporter's dns prober (v0.23 prober/dns.go, config/config.go
// DNSProbe): one query to the target server ("host[:port]", port 53, or
// 853 with dns_over_tls) over udp, tcp or TLS, then the rcode and the RRs
// of each section checked against the module's rules.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_DNS_PROBER_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_DNS_PROBER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "integrations/blackbox/prober.h"
#include "integrations/common/tls_options.h"
#include "re2/re2.h"

namespace outpost::integrations::blackbox {

// DNSRRValidator: each list's regexes (RE2, unanchored like Go's
// regexp.MatchString); a regex that does not compile is kept as null and
// fails the probe when used, as upstream's MatchString error does.
struct DnsRrValidator {
  struct Regex {
    std::string text;
    std::shared_ptr<const RE2> re;  // null: does not compile
  };
  std::vector<Regex> fail_if_matches_regexp;
  std::vector<Regex> fail_if_all_match_regexp;
  std::vector<Regex> fail_if_not_matches_regexp;
  std::vector<Regex> fail_if_none_matches_regexp;
};

struct DnsSettings : ProberSettings {
  std::string preferred_ip_protocol;  // "" means ip6
  bool ip_protocol_fallback = true;
  bool dns_over_tls = false;
  std::optional<TlsOptions> tls_config;
  std::string source_ip_address;
  std::string transport_protocol;  // "" means udp; checked per probe, as upstream
  std::string query_class;         // "" means IN
  std::string query_name;
  std::string query_type;  // "" means ANY
  bool recursion_desired = true;
  std::optional<std::vector<std::string>> valid_rcodes;  // unset: NOERROR
  DnsRrValidator validate_answer_rrs;
  DnsRrValidator validate_authority_rrs;
  DnsRrValidator validate_additional_rrs;

  void Dump(YAML::Emitter& out) const override;
};

const Prober& DnsProber();

// Go's net.SplitHostPort, as the prober splits its target: false when
// `hostport` has no port (the whole target is then the host).
bool SplitHostPort(std::string_view hostport, std::string* host, std::string* port);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_DNS_PROBER_H_
