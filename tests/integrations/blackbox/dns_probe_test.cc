// The dns prober against a real DNS server: dnsmasq on a free loopback
// port (tests/support/dnsmasq_server.h) with the records of
// TestZoneRecords(), over udp and tcp: section counts, the SOA serial,
// rcode validation, each validate_*_rrs regex kind, and the failures that
// end a probe early.
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/dns_prober.h"
#include "tests/integrations/blackbox/dns_icmp_util.h"
#include "tests/support/dnsmasq_server.h"

namespace outpost::integrations::blackbox {
namespace {

using testutil::MustParse;
using testutil::Outcome;
using ::testing::HasSubstr;

class DnsProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::DnsmasqServer(testutil::TestZoneRecords()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(server_->ready()) << server_->Log(); }

  static Outcome RunDns(const std::string& yaml, absl::Duration timeout = absl::Seconds(5)) {
    std::unique_ptr<ProberSettings> s = MustParse(DnsProber(), yaml);
    if (s == nullptr) return {};
    return testutil::RunProbe(DnsProber(), *s, server_->address(), timeout);
  }

  static testing::DnsmasqServer* server_;
};

testing::DnsmasqServer* DnsProbeTest::server_ = nullptr;

const std::set<std::string> kAlways = {
    "probe_dns_lookup_time_seconds", "probe_ip_protocol",        "probe_ip_addr_hash",
    "probe_dns_duration_seconds",    "probe_dns_answer_rrs",     "probe_dns_authority_rrs",
    "probe_dns_additional_rrs",      "probe_dns_query_succeeded"};

TEST_F(DnsProbeTest, UdpMxCountsAnswerAndAdditional) {
  Outcome o = RunDns("query_name: local.test\nquery_type: MX\n");
  EXPECT_TRUE(o.success) << o.reason;
  EXPECT_EQ(o.Names(), kAlways);
  EXPECT_EQ(o.Value("probe_dns_answer_rrs"), 1);
  EXPECT_EQ(o.Value("probe_dns_authority_rrs"), 0);
  EXPECT_EQ(o.Value("probe_dns_additional_rrs"), 1);
  EXPECT_EQ(o.Value("probe_dns_query_succeeded"), 1);
  EXPECT_EQ(o.Value("probe_ip_protocol"), 4);
  EXPECT_EQ(o.Value("probe_ip_addr_hash"), 3668918509.0);  // 127.0.0.1
  for (const char* phase : {"resolve", "connect", "request"}) {
    std::optional<double> v = o.Value("probe_dns_duration_seconds", {{"phase", phase}});
    ASSERT_TRUE(v.has_value()) << phase;
    EXPECT_GE(*v, 0) << phase;
  }
  EXPECT_GT(*o.Value("probe_dns_duration_seconds", {{"phase", "request"}}), 0);
}

TEST_F(DnsProbeTest, TcpSrvAndSoaSerial) {
  Outcome srv = RunDns("query_name: _x._tcp.local.test\nquery_type: SRV\ntransport_protocol: tcp\n");
  EXPECT_TRUE(srv.success) << srv.reason;
  EXPECT_EQ(srv.Value("probe_dns_answer_rrs"), 1);
  EXPECT_EQ(srv.Value("probe_dns_additional_rrs"), 2);
  Outcome soa = RunDns("query_name: outpost.test\nquery_type: SOA\ntransport_protocol: tcp\n");
  EXPECT_TRUE(soa.success) << soa.reason;
  EXPECT_EQ(soa.Value("probe_dns_serial"), 2026120701);
  EXPECT_EQ(soa.Value("probe_dns_answer_rrs"), 1);
  EXPECT_EQ(soa.Value("probe_dns_authority_rrs"), 1);
  // An SOA query whose answer has no SOA still registers the serial, as 0.
  Outcome none = RunDns("query_name: www.local.test\nquery_type: SOA\n");
  EXPECT_EQ(none.Value("probe_dns_serial"), 0);
  EXPECT_EQ(none.Value("probe_dns_answer_rrs"), 0);
}

TEST_F(DnsProbeTest, DefaultQueryTypeIsAny) {
  Outcome o = RunDns("query_name: www.local.test\n");
  EXPECT_TRUE(o.success) << o.reason;
  EXPECT_EQ(o.Value("probe_dns_answer_rrs"), 2);  // A and AAAA
}

TEST_F(DnsProbeTest, RcodeValidation) {
  Outcome nx = RunDns("query_name: nope.local.test\nquery_type: A\n");
  EXPECT_FALSE(nx.success);
  EXPECT_THAT(nx.reason, HasSubstr("rcode 3"));
  EXPECT_EQ(nx.Value("probe_dns_query_succeeded"), 1);
  Outcome ok = RunDns("query_name: nope.local.test\nquery_type: A\nvalid_rcodes: [NOERROR, NXDOMAIN]\n");
  EXPECT_TRUE(ok.success) << ok.reason;
  // An unknown rcode name fails the probe (upstream checks names per probe).
  Outcome bad = RunDns("query_name: www.local.test\nvalid_rcodes: [NOERROR, FOO]\n");
  EXPECT_FALSE(bad.success);
  EXPECT_THAT(bad.reason, HasSubstr("FOO"));
}

TEST_F(DnsProbeTest, RrTextIsWhatRegexesSee) {
  // The whole RR text, anchored: no trailing newline, tabs between fields.
  Outcome o = RunDns(
      "query_name: local.test\nquery_type: MX\nvalidate_answer_rrs:\n"
      "  fail_if_not_matches_regexp: ['^local\\.test\\.\\t0\\tIN\\tMX\\t10 mail\\.local\\.test\\.$']\n"
      "validate_additional_rrs:\n"
      "  fail_if_not_matches_regexp: ['^mail\\.local\\.test\\.\\t0\\tIN\\tA\\t127\\.0\\.0\\.25$']\n");
  EXPECT_TRUE(o.success) << o.reason;
  Outcome txt = RunDns(
      "query_name: txt.local.test\nquery_type: TXT\nvalidate_answer_rrs:\n"
      "  fail_if_not_matches_regexp: ['\\tTXT\\t\"v=spf1 -all\" \"second\"$']\n");
  EXPECT_TRUE(txt.success) << txt.reason;
}

struct RegexCase {
  const char* name;
  const char* yaml;
  bool success;
};

TEST_F(DnsProbeTest, EachRegexKind) {
  // SRV: answer "..SRV\t0 0 80 www.local.test.", additional www's A and AAAA.
  const std::string srv = "query_name: _x._tcp.local.test\nquery_type: SRV\n";
  const RegexCase cases[] = {
      {"matches: hit", "validate_answer_rrs: {fail_if_matches_regexp: ['SRV']}", false},
      {"matches: miss", "validate_answer_rrs: {fail_if_matches_regexp: ['MX']}", true},
      // Despite its name, upstream's fail_if_all_match_regexp fails the
      // probe when NOT every RR matches (dns.go validRRs: allMatch).
      {"all match: all", "validate_additional_rrs: {fail_if_all_match_regexp: ['www']}", true},
      {"all match: some", "validate_additional_rrs: {fail_if_all_match_regexp: ['\\tA\\t']}",
       false},
      {"not matches: one misses",
       "validate_additional_rrs: {fail_if_not_matches_regexp: ['\\tA\\t']}", false},
      {"not matches: all hit", "validate_additional_rrs: {fail_if_not_matches_regexp: ['www']}",
       true},
      {"none matches: none", "validate_additional_rrs: {fail_if_none_matches_regexp: ['::99']}",
       false},
      {"none matches: one", "validate_additional_rrs: {fail_if_none_matches_regexp: ['::10$']}",
       true},
      {"not matches on an empty section",
       "validate_authority_rrs: {fail_if_not_matches_regexp: ['.*']}", false},
      {"none matches on an empty section",
       "validate_authority_rrs: {fail_if_none_matches_regexp: ['.*']}", false},
      {"matches on an empty section", "validate_authority_rrs: {fail_if_matches_regexp: ['.*']}",
       true},
  };
  for (const RegexCase& c : cases) {
    Outcome o = RunDns(srv + c.yaml + "\n");
    EXPECT_EQ(o.success, c.success) << c.name << ": " << o.reason;
    EXPECT_EQ(o.Value("probe_dns_query_succeeded"), 1) << c.name;
  }
  // The authority section of the authoritative zone.
  Outcome soa = RunDns(
      "query_name: outpost.test\nquery_type: SOA\nvalidate_authority_rrs:\n"
      "  fail_if_none_matches_regexp: ['^outpost\\.test\\.\\t\\d+\\tIN\\tNS\\tns\\.outpost\\.test\\.$']\n");
  EXPECT_TRUE(soa.success) << soa.reason;
}

TEST_F(DnsProbeTest, InvalidRegexWarnsAndFailsTheProbe) {
  testutil::Parsed p = testutil::ParseBlock(
      DnsProber(), "query_name: local.test\nvalidate_answer_rrs: {fail_if_matches_regexp: ['(']}\n");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  EXPECT_THAT(p.AllWarnings(), HasSubstr("validate_answer_rrs.fail_if_matches_regexp"));
  Outcome o = testutil::RunProbe(DnsProber(), *p.settings, server_->address());
  EXPECT_FALSE(o.success);
  EXPECT_THAT(o.reason, HasSubstr("regexp"));
}

TEST_F(DnsProbeTest, RecursionDesiredAndClass) {
  Outcome o = RunDns("query_name: www.local.test\nquery_type: A\nrecursion_desired: false\n");
  EXPECT_TRUE(o.success) << o.reason;
  EXPECT_EQ(o.Value("probe_dns_answer_rrs"), 1);
  // The same name in class CHAOS has no address.
  Outcome ch = RunDns("query_name: www.local.test\nquery_type: A\nquery_class: CH\n");
  EXPECT_EQ(ch.Value("probe_dns_query_succeeded"), 1);
  EXPECT_EQ(ch.Value("probe_dns_answer_rrs"), 0);
}

TEST_F(DnsProbeTest, SourceAddress) {
  Outcome o = RunDns("query_name: www.local.test\nsource_ip_address: 127.0.0.1\n");
  EXPECT_TRUE(o.success) << o.reason;
  Outcome tcp = RunDns(
      "query_name: www.local.test\nsource_ip_address: 127.0.0.1\ntransport_protocol: tcp\n");
  EXPECT_TRUE(tcp.success) << tcp.reason;
  Outcome bad = RunDns("query_name: www.local.test\nsource_ip_address: not-an-ip\n");
  EXPECT_FALSE(bad.success);
  EXPECT_EQ(bad.Value("probe_dns_query_succeeded"), 0);
}

TEST_F(DnsProbeTest, ConfigurationErrorsFailEachProbe) {
  Outcome quic = RunDns("query_name: local.test\ntransport_protocol: quic\n");
  EXPECT_FALSE(quic.success);
  EXPECT_THAT(quic.reason, HasSubstr("transport protocol"));
  // Every gauge upstream registers first is there, at 0.
  EXPECT_EQ(quic.Value("probe_dns_query_succeeded"), 0);
  EXPECT_EQ(quic.Value("probe_dns_answer_rrs"), 0);
  Outcome dot_udp = RunDns("query_name: local.test\ndns_over_tls: true\n");
  EXPECT_FALSE(dot_udp.success);
  EXPECT_THAT(dot_udp.reason, HasSubstr("DoT"));
}

TEST_F(DnsProbeTest, TlsAgainstAPlainServerFailsInTime) {
  Outcome o = RunDns(
      "query_name: local.test\ndns_over_tls: true\ntransport_protocol: tcp\n"
      "tls_config: {insecure_skip_verify: true}\n",
      absl::Seconds(2));
  EXPECT_FALSE(o.success);
  EXPECT_EQ(o.Value("probe_dns_query_succeeded"), 0);
  EXPECT_LT(o.took, absl::Seconds(4));
}

TEST_F(DnsProbeTest, UnresolvableTargetRegistersEverythingAtZero) {
  // 127.0.0.1 has no IPv6 address and fallback is off.
  Outcome o = RunDns(
      "query_name: local.test\npreferred_ip_protocol: ip6\nip_protocol_fallback: false\n");
  EXPECT_FALSE(o.success);
  EXPECT_EQ(o.Names(), kAlways);
  EXPECT_EQ(o.Value("probe_ip_protocol"), 0);
  EXPECT_EQ(o.Value("probe_dns_duration_seconds", {{"phase", "request"}}), 0);
}

}  // namespace
}  // namespace outpost::integrations::blackbox
