// DNS messages for the blackbox dns prober: the query it sends and the
// reply it reads, as blackbox_exporter v0.23 does through miekg/dns
// v1.1.50. ldns (Debian libldns-dev) decodes names and rdata; the section
// loop is miekg's (lenient about header counts that overstate a message
// which ends cleanly), and each RR's text is miekg's RR.String(), which
// the validate_*_rrs regexes are written against (dns_rr_text.cc).
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_DNS_MESSAGE_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_DNS_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace outpost::integrations::blackbox::dns {

// miekg/dns's name tables (StringToType, StringToClass, StringToRcode):
// exact, case-sensitive names.
std::optional<uint16_t> TypeByName(std::string_view name);
std::optional<uint16_t> ClassByName(std::string_view name);
std::optional<int> RcodeByName(std::string_view name);

constexpr uint16_t kTypeSoa = 6;
constexpr uint16_t kTypeAny = 255;
constexpr uint16_t kClassIn = 1;

// A query for `name` (presentation form; a final '.' is added when
// missing, as dns.Fqdn), one question, no EDNS, as miekg's dns.Msg.
absl::StatusOr<std::string> BuildQuery(uint16_t id, std::string_view name, uint16_t qtype,
                                       uint16_t qclass, bool recursion_desired);

struct Reply {
  uint16_t id = 0;
  int rcode = 0;  // extended by an OPT record, as miekg
  std::vector<std::string> answer, authority, additional;  // RR.String() each
  std::optional<uint32_t> soa_serial;  // the last SOA of the answer section
};

// Parses a whole reply (UDP datagram or TCP message); an error is what
// miekg's Msg.Unpack (or its TSIG check, as the prober has no secret)
// rejects.
absl::StatusOr<Reply> ParseReply(std::string_view wire);

}  // namespace outpost::integrations::blackbox::dns

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_DNS_MESSAGE_H_
