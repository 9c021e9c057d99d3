// The memcached_exporter integration's config keys (Grafana Agent's names
// and defaults), memcached_address parsing, tls_config.
#include "integrations/memcached/options.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/memcached/memcached.h"
#include "tests/integrations/options_test_util.h"

namespace outpost::integrations::memcached {
namespace {

using ::testing::HasSubstr;

using Parsed = options_test::Parsed<Options>;

Parsed Parse(const std::string& yaml) { return options_test::Parse<Options>(Spec(), yaml); }

TEST(MemcachedOptions, DefaultsAreGrafanaAgents) {
  Parsed p = Parse("{}");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.memcached_address, "localhost:11211");
  EXPECT_EQ(o.timeout, absl::Seconds(1));
  EXPECT_FALSE(o.tls_config.has_value());
  EXPECT_TRUE(Spec().allows_list());
  EXPECT_EQ(Spec().name(), "memcached_exporter");
  EXPECT_EQ(Spec().InstanceKey(o, {}), "localhost:11211");
}

TEST(MemcachedOptions, AllKeys) {
  Parsed p = Parse(R"(
memcached_address: cache.example:11311
timeout: 250ms
tls_config:
  ca_file: /etc/ca.pem
  cert_file: /etc/c.pem
  key_file: /etc/k.pem
  server_name: cache.internal
  insecure_skip_verify: true
  min_version: TLS13
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.memcached_address, "cache.example:11311");
  EXPECT_EQ(o.timeout, absl::Milliseconds(250));
  ASSERT_TRUE(o.tls_config.has_value());
  EXPECT_EQ(o.tls_config->files.ca_file, "/etc/ca.pem");
  EXPECT_EQ(o.tls_config->files.server_name, "cache.internal");
  EXPECT_TRUE(o.tls_config->files.insecure_skip_verify);
  EXPECT_EQ(o.tls_config->min_version, "TLS13");
  EXPECT_EQ(Spec().InstanceKey(o, {}), "cache.example:11311");
  absl::StatusOr<TlsSettings> ts = ToTlsSettings(*o.tls_config);
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->server_name, "cache.internal");
  EXPECT_TRUE(ts->skip_verify);
  EXPECT_NE(ts->min_version, 0);

  YAML::Emitter out;
  out << YAML::BeginMap;
  Spec().Dump(o, out);
  out << YAML::EndMap;
  EXPECT_THAT(out.c_str(), HasSubstr("timeout: 250ms"));
  EXPECT_THAT(out.c_str(), HasSubstr("min_version: TLS13"));
}

TEST(MemcachedOptions, ErrorsNameFileLineAndKey) {
  Parsed p = Parse("memcached_address: localhost:11211\nbogus: 1\n");
  EXPECT_THAT(p.AllErrors(), HasSubstr("agent.yaml:2"));
  EXPECT_THAT(p.AllErrors(), HasSubstr("bogus"));

  p = Parse("memcached_address: localhost\n");
  EXPECT_THAT(p.AllErrors(), HasSubstr("integrations.memcached_exporter.memcached_address"));
  EXPECT_THAT(p.AllErrors(), HasSubstr("missing port"));

  p = Parse("tls_config:\n  min_version: TLS14\n");
  EXPECT_THAT(p.AllErrors(), HasSubstr("min_version"));

  p = Parse("tls_config:\n  max_version: TLS13\n");
  EXPECT_THAT(p.AllErrors(), HasSubstr("max_version"));

  p = Parse("tls_config:\n  cert_file: /x\n");
  EXPECT_THAT(p.AllErrors(), HasSubstr("cert_file and key_file"));

  p = Parse("timeout: soon\n");
  EXPECT_THAT(p.AllErrors(), HasSubstr("timeout"));
}

TEST(MemcachedOptions, ParseAddress) {
  absl::StatusOr<StreamEndpoint> ep = ParseAddress("127.0.0.1:11211");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 11211);
  ep = ParseAddress("[::1]:5");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host, "::1");
  ep = ParseAddress("/run/memcached/memcached.sock");
  ASSERT_TRUE(ep.ok());
  EXPECT_TRUE(ep->unix_socket);
  EXPECT_EQ(ep->path, "/run/memcached/memcached.sock");
  EXPECT_FALSE(ParseAddress("::1:5").ok());
  EXPECT_FALSE(ParseAddress("host:99999").ok());
  EXPECT_FALSE(ParseAddress("host:").ok());
}

TEST(MemcachedOptions, BadTlsFilesFailCreate) {
  Options o;
  o.tls_config = TlsOptions{};
  o.tls_config->files.ca_file = "/nonexistent/ca.pem";
  auto i = NewMemcachedIntegration(o);
  ASSERT_FALSE(i.ok());
  EXPECT_THAT(std::string(i.status().message()), HasSubstr("/nonexistent/ca.pem"));
}

}  // namespace
}  // namespace outpost::integrations::memcached
