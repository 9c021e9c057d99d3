// One resource record of a DNS reply read from the wire and written as
// miekg/dns v1.1.50's RR.String(), the text blackbox_exporter's
// validate_*_rrs regexes match (prober/dns.go validRRs):
//   "<owner>\t<ttl>\t<class>\t<type>\t<rdata>"  (no trailing newline)
// ldns decodes the rdata; where ldns_rr2str's text differs from miekg's,
// this writes miekg's:
//   - no trailing "\n" (ldns ends every RR with one);
//   - names escape . space ' @ ; ( ) " \ with a backslash and bytes
//     outside ' '..'~' as \DDD (ldns: \032 for a space, ' @ " bare);
//   - class ANY is "CLASS255" (miekg avoids a mnemonic that is also a
//     type name);
//   - AAAA as Go's net.IP.String(): an IPv4-mapped address is
//     "1.2.3.4", an IPv4-compatible one "::102:304" (ldns/glibc:
//     "::ffff:1.2.3.4", "::1.2.3.4");
//   - character strings escape a tab as \009 (ldns keeps it bare);
//   - empty rdata is nothing after the type's tab (ldns: "\# 0");
//   - a type miekg has no struct for (unknown ones, and e.g. ATMA, NXT,
//     MAILA) is RFC 3597 text with a "CLASS<n>\tTYPE<n>" header;
//   - DS/CDS/DLV/TA digests, SSHFP fingerprints, EID, NIMLOC and NSEC3
//     salts in upper-case hex (ldns: lower case);
//   - an OPT record's text starts with ';' (miekg's OPT.String() is a
//     pseudo-section; its rdata text here is ldns's).
// Other types' rdata is ldns's presentation text, with names as above.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_DNS_RR_TEXT_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_DNS_RR_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace outpost::integrations::blackbox::dns {

struct RrText {
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::string text;                    // RR.String()
  std::optional<uint32_t> soa_serial;  // an SOA's serial
};

// Reads the RR at *pos of the `n`-byte message `wire` and moves *pos past
// it; an error for what miekg's UnpackRR rejects.
absl::StatusOr<RrText> ReadRr(const uint8_t* wire, size_t n, size_t* pos);

// miekg's TypeToString / ClassToString entries ("" when it has none);
// dns_message.cc holds the tables.
std::string_view TypeName(uint16_t type);
std::string_view ClassName(uint16_t klass);

}  // namespace outpost::integrations::blackbox::dns

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_DNS_RR_TEXT_H_
