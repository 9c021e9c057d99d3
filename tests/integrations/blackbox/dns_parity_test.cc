// Parity of the dns prober with Debian's blackbox_exporter 0.23 against
// the same dnsmasq (dns_icmp_parity.h): the same series and non-timing
// values (RR counts, serial, query_succeeded, probe_ip_addr_hash,
// probe_success) for each module below. The modules with exact
// validate_*_rrs regexes check that the RR text both sides match is the
// same (miekg/dns's RR.String()): a difference fails one side only.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "integrations/blackbox/dns_prober.h"
#include "tests/integrations/blackbox/dns_icmp_parity.h"
#include "tests/integrations/blackbox/dns_icmp_util.h"
#include "tests/support/dnsmasq_server.h"

namespace outpost::integrations::blackbox {
namespace {

struct Module {
  const char* name;
  const char* dns;  // the `dns:` block, flow style
  bool success;     // what both sides must report
};

// `\\t` etc.: the YAML is single-quoted, so the regex sees \t.
const Module kModules[] = {
    {"mx_udp", "{query_name: local.test, query_type: MX}", true},
    {"srv_tcp", "{query_name: _x._tcp.local.test, query_type: SRV, transport_protocol: tcp}", true},
    {"soa", "{query_name: outpost.test, query_type: SOA}", true},
    {"soa_none", "{query_name: www.local.test, query_type: SOA}", true},
    {"any", "{query_name: www.local.test}", true},
    {"ip4", "{query_name: www.local.test, query_type: A, preferred_ip_protocol: ip4}", true},
    {"no_rd", "{query_name: www.local.test, query_type: AAAA, recursion_desired: false}", true},
    {"nxdomain", "{query_name: nope.local.test, query_type: A}", false},
    {"nxdomain_ok",
     "{query_name: nope.local.test, query_type: A, valid_rcodes: [NOERROR, NXDOMAIN]}", true},
    {"bad_rcode_name", "{query_name: www.local.test, valid_rcodes: [FOO]}", false},
    {"unresolvable",
     "{query_name: local.test, preferred_ip_protocol: ip6, ip_protocol_fallback: false}", false},
    {"bad_transport", "{query_name: local.test, transport_protocol: quic}", false},
    {"regex_matches",
     "{query_name: local.test, query_type: MX, validate_answer_rrs: "
     "{fail_if_matches_regexp: ['MX']}}",
     false},
    {"regex_all",
     "{query_name: _x._tcp.local.test, query_type: SRV, validate_additional_rrs: "
     "{fail_if_all_match_regexp: ['\\tA\\t']}}",
     false},
    {"regex_empty_section",
     "{query_name: local.test, query_type: MX, validate_authority_rrs: "
     "{fail_if_none_matches_regexp: ['.']}}",
     false},
    // Exact RR texts.
    {"text_mx",
     "{query_name: local.test, query_type: MX, validate_answer_rrs: {fail_if_not_matches_regexp: "
     "['^local\\.test\\.\\t0\\tIN\\tMX\\t10 mail\\.local\\.test\\.$']}, validate_additional_rrs: "
     "{fail_if_not_matches_regexp: ['^mail\\.local\\.test\\.\\t0\\tIN\\tA\\t127\\.0\\.0\\.25$']}}",
     true},
    {"text_srv",
     "{query_name: _x._tcp.local.test, query_type: SRV, validate_answer_rrs: "
     "{fail_if_not_matches_regexp: "
     "['^_x\\._tcp\\.local\\.test\\.\\t0\\tIN\\tSRV\\t0 0 80 www\\.local\\.test\\.$']}, "
     "validate_additional_rrs: {fail_if_not_matches_regexp: "
     "['^www\\.local\\.test\\.\\t0\\tIN\\t(A\\t127\\.0\\.0\\.10|AAAA\\t::10)$']}}",
     true},
    {"text_txt",
     "{query_name: txt.local.test, query_type: TXT, validate_answer_rrs: "
     "{fail_if_not_matches_regexp: ['^txt\\.local\\.test\\.\\t0\\tIN\\tTXT\\t\"v=spf1 -all\" "
     "\"second\"$']}}",
     true},
    {"text_soa",
     "{query_name: outpost.test, query_type: SOA, validate_answer_rrs: "
     "{fail_if_not_matches_regexp: ['^outpost\\.test\\.\\t\\d+\\tIN\\tSOA\\tns\\.outpost\\.test\\. "
     "hostmaster\\.outpost\\.test\\. 2026120701 1200 120 604800 \\d+$']}, "
     "validate_authority_rrs: {fail_if_not_matches_regexp: "
     "['^outpost\\.test\\.\\t\\d+\\tIN\\tNS\\tns\\.outpost\\.test\\.$']}}",
     true},
};

TEST(DnsParity, ParityWithBlackboxExporter) {
  testing::DnsmasqServer dns(testutil::TestZoneRecords());
  ASSERT_TRUE(dns.ready()) << dns.Log();
  std::string modules;
  for (const auto& m : kModules) modules += testutil::ModuleYaml("dns", m.name, m.dns);
  testutil::BlackboxExporter exporter(modules);
  ASSERT_TRUE(exporter.ready());
  for (const Module& m : kModules) {
    std::unique_ptr<ProberSettings> s = testutil::MustParse(DnsProber(), m.dns);
    ASSERT_NE(s, nullptr) << m.name;
    const std::string theirs = exporter.Probe(m.name, dns.address());
    testutil::Outcome ours = testutil::RunProbe(DnsProber(), *s, dns.address());
    testutil::ExpectParity(theirs, ours, m.name);
    EXPECT_EQ(ours.success, m.success) << m.name << ": " << ours.reason;
  }
}

}  // namespace
}  // namespace outpost::integrations::blackbox
