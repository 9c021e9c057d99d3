// The `dns:` block of a blackbox module: upstream's defaults and
// validation errors (config/config.go DNSProbe), strict keys, Dump, and
// the target's host[:port] split (Go's net.SplitHostPort).
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/dns_prober.h"
#include "tests/integrations/blackbox/dns_icmp_util.h"

namespace outpost::integrations::blackbox {
namespace {

using testutil::ParseBlock;
using testutil::Parsed;
using ::testing::HasSubstr;

const DnsSettings& Dns(const Parsed& p) { return static_cast<const DnsSettings&>(*p.settings); }

TEST(DnsParse, Defaults) {
  Parsed p = ParseBlock(DnsProber(), "query_name: example.com\n");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const DnsSettings& s = Dns(p);
  EXPECT_EQ(s.query_name, "example.com");
  EXPECT_TRUE(s.ip_protocol_fallback);
  EXPECT_TRUE(s.recursion_desired);
  EXPECT_EQ(s.preferred_ip_protocol, "");
  EXPECT_EQ(s.query_type, "");
  EXPECT_EQ(s.transport_protocol, "");
  EXPECT_FALSE(s.valid_rcodes.has_value());
  EXPECT_FALSE(s.dns_over_tls);
  EXPECT_FALSE(s.tls_config.has_value());
}

TEST(DnsParse, AllKeys) {
  Parsed p = ParseBlock(DnsProber(), R"(
preferred_ip_protocol: ip4
ip_protocol_fallback: false
dns_over_tls: true
tls_config: {server_name: dns.example, insecure_skip_verify: true, min_version: TLS13}
source_ip_address: 127.0.0.1
transport_protocol: tcp
query_class: CH
query_name: version.bind
query_type: TXT
recursion_desired: false
valid_rcodes: [NOERROR, SERVFAIL]
validate_answer_rrs:
  fail_if_matches_regexp: [a]
  fail_if_all_match_regexp: [b]
  fail_if_not_matches_regexp: [c]
  fail_if_none_matches_regexp: [d, e]
validate_authority_rrs: {fail_if_matches_regexp: [f]}
validate_additional_rrs: {fail_if_none_matches_regexp: [g]}
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const DnsSettings& s = Dns(p);
  EXPECT_FALSE(s.ip_protocol_fallback);
  EXPECT_TRUE(s.dns_over_tls);
  ASSERT_TRUE(s.tls_config.has_value());
  EXPECT_EQ(s.tls_config->files.server_name, "dns.example");
  EXPECT_EQ(s.tls_config->min_version, "TLS13");
  EXPECT_FALSE(s.recursion_desired);
  EXPECT_EQ(*s.valid_rcodes, (std::vector<std::string>{"NOERROR", "SERVFAIL"}));
  ASSERT_EQ(s.validate_answer_rrs.fail_if_none_matches_regexp.size(), 2u);
  EXPECT_EQ(s.validate_answer_rrs.fail_if_none_matches_regexp[1].text, "e");
  EXPECT_EQ(s.validate_additional_rrs.fail_if_none_matches_regexp[0].text, "g");

  YAML::Emitter out;
  out << YAML::BeginMap;
  s.Dump(out);
  out << YAML::EndMap;
  const std::string dumped = out.c_str();
  for (const char* want : {"query_name: version.bind", "query_class: CH", "transport_protocol: tcp",
                           "recursion_desired: false", "server_name: dns.example",
                           "fail_if_all_match_regexp:", "- SERVFAIL"}) {
    EXPECT_THAT(dumped, HasSubstr(want));
  }
  // The dump reads back to the same settings.
  Parsed again = ParseBlock(DnsProber(), dumped);
  EXPECT_TRUE(again.errors.ok()) << again.AllErrors();
}

TEST(DnsParse, UpstreamValidationErrors) {
  struct Case {
    const char* yaml;
    const char* error;
  } cases[] = {
      {"query_type: A\n", "blackbox.yml:1:1: modules.m.dns: query name must be set for DNS module"},
      {"{}\n", "query name must be set for DNS module"},
      {"query_name: x\nquery_type: a\n",
       "blackbox.yml:2:13: modules.m.dns.query_type: query type 'a' is not valid"},
      {"query_name: x\nquery_type: TYPE1\n", "query type 'TYPE1' is not valid"},
      {"query_name: x\nquery_class: INET\n",
       "blackbox.yml:2:14: modules.m.dns.query_class: query class 'INET' is not valid"},
      {"query_name: x\nquery_nme: y\n", "blackbox.yml:2:1: modules.m.dns.query_nme: unknown key"},
      {"query_name: x\nvalidate_answer_rrs: {fail_if_match_regexp: [a]}\n",
       "modules.m.dns.validate_answer_rrs.fail_if_match_regexp: unknown key"},
      {"query_name: x\nrecursion_desired: maybe\n", "modules.m.dns.recursion_desired"},
      {"query_name: x\ntls_config: {min_version: TLS9}\n", "unknown TLS version: TLS9"},
  };
  for (const Case& c : cases) {
    Parsed p = ParseBlock(DnsProber(), c.yaml);
    EXPECT_THAT(p.AllErrors(), HasSubstr(c.error)) << c.yaml;
  }
}

TEST(DnsParse, NoBlockKeepsUpstreamsUnvalidatedDefaults) {
  // Upstream validates a `dns:` block only when there is one; a module
  // without it probes "." with the defaults.
  Parsed p = ParseBlock(DnsProber(), "");
  EXPECT_TRUE(p.errors.ok()) << p.AllErrors();
  EXPECT_EQ(Dns(p).query_name, "");
  EXPECT_TRUE(Dns(p).recursion_desired);
}

TEST(DnsParse, SplitHostPortIsGos) {
  struct Case {
    const char* in;
    bool ok;
    const char* host;
    const char* port;
  } cases[] = {
      {"127.0.0.1:53", true, "127.0.0.1", "53"},
      {"dns.example:5353", true, "dns.example", "5353"},
      {"[::1]:53", true, "::1", "53"},
      {"host:", true, "host", ""},
      {"127.0.0.1", false, "", ""},
      {"::1", false, "", ""},
      {"[::1]", false, "", ""},
      {"[::1]x:53", false, "", ""},
      {"a:b:53", false, "", ""},
      {"a]:53", false, "", ""},
  };
  for (const Case& c : cases) {
    std::string host, port;
    EXPECT_EQ(SplitHostPort(c.in, &host, &port), c.ok) << c.in;
    if (c.ok) {
      EXPECT_EQ(host, c.host) << c.in;
      EXPECT_EQ(port, c.port) << c.in;
    }
  }
}

}  // namespace
}  // namespace outpost::integrations::blackbox
