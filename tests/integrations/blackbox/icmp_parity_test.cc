// Parity of the icmp prober with Debian's blackbox_exporter 0.23
// (dns_icmp_parity.h): echo probes of loopback, IPv4 and IPv6, with the
// icmp settings below; the same series and non-timing values
// (probe_icmp_reply_hop_limit, probe_ip_addr_hash, probe_ip_protocol,
// probe_success) on both sides. The tests run as root, so the exporter
// has its raw-socket fallback as outpost has.
#include <string>

#include "gtest/gtest.h"
#include "integrations/blackbox/icmp_prober.h"
#include "tests/integrations/blackbox/dns_icmp_parity.h"
#include "tests/integrations/blackbox/dns_icmp_util.h"

namespace outpost::integrations::blackbox {
namespace {

struct Case {
  const char* module;
  const char* icmp;  // the `icmp:` block, flow style
  const char* target;
  bool success;
};

const Case kCases[] = {
    {"icmp", "{}", "127.0.0.1", true},
    {"icmp_ttl5", "{ttl: 5}", "127.0.0.1", true},
    {"icmp_payload", "{payload_size: 700, preferred_ip_protocol: ip4}", "127.0.0.1", true},
    {"icmp_small_payload", "{payload_size: 4}", "127.0.0.1", true},
    {"icmp_df", "{dont_fragment: true}", "127.0.0.1", true},
    {"icmp_source", "{source_ip_address: 127.0.0.1}", "127.0.0.1", true},
    {"icmp_v6", "{preferred_ip_protocol: ip6}", "::1", true},
    {"icmp_v6_payload", "{payload_size: 100, ttl: 2}", "::1", true},
    {"icmp_no_v4", "{preferred_ip_protocol: ip4, ip_protocol_fallback: false}", "::1", false},
};

TEST(IcmpParity, ParityWithBlackboxExporter) {
  std::string modules;
  for (const auto& c : kCases) modules += testutil::ModuleYaml("icmp", c.module, c.icmp);
  testutil::BlackboxExporter exporter(modules);
  ASSERT_TRUE(exporter.ready());
  for (const Case& c : kCases) {
    std::unique_ptr<ProberSettings> s = testutil::MustParse(IcmpProber(), c.icmp);
    ASSERT_NE(s, nullptr) << c.module;
    const std::string what = std::string(c.module) + " " + c.target;
    const std::string theirs = exporter.Probe(c.module, c.target);
    testutil::Outcome ours = testutil::RunProbe(IcmpProber(), *s, c.target);
    testutil::ExpectParity(theirs, ours, what);
    EXPECT_EQ(ours.success, c.success) << what << ": " << ours.reason;
  }
}

}  // namespace
}  // namespace outpost::integrations::blackbox
