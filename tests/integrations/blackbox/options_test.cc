// The blackbox integration's config: config_file / blackbox_config,
// strict blackbox.yml modules (errors with file:line and key), targets.
#include "integrations/blackbox/options.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/blackbox.h"
#include "tests/integrations/options_test_util.h"

namespace outpost::integrations::blackbox {
namespace {

using ::testing::HasSubstr;

using Parsed = options_test::Parsed<Options>;

Parsed Parse(const std::string& yaml) { return options_test::Parse<Options>(Spec(), yaml); }

std::string Dump(const Options& o) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  DumpOptions(o, out);
  out << YAML::EndMap;
  return out.c_str();
}

constexpr char kInline[] = R"yaml(
blackbox_config:
  modules:
    http_2xx:
      prober: http
      timeout: 5s
      http:
        valid_status_codes: [200, 204]
        method: POST
        headers:
          Authorization: Bearer xyz
        basic_auth:
          username: u
          password: hunter2
        fail_if_body_not_matches_regexp: ["ok"]
        fail_if_header_matches:
          - header: Server
            regexp: "^nginx"
            allow_missing: true
    tcp_connect:
      prober: tcp
      tcp:
        query_response:
          - expect: "^\\+OK (\\w+)"
          - send: "QUIT ${1}"
blackbox_targets:
  - name: site
    address: http://example.com
  - name: db
    address: 127.0.0.1:6379
    module: tcp_connect
probe_timeout_offset: 0.25
)yaml";

TEST(BlackboxOptions, InlineConfigAndTargets) {
  Parsed p = Parse(kInline);
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_TRUE(o.inline_config);
  ASSERT_EQ(o.modules->size(), 2u);
  const Module& http = o.modules->at("http_2xx");
  EXPECT_EQ(http.prober->name, "http");
  EXPECT_EQ(http.timeout, absl::Seconds(5));
  EXPECT_EQ(o.modules->at("tcp_connect").timeout, absl::ZeroDuration());
  ASSERT_EQ(o.targets.size(), 2u);
  EXPECT_EQ(TargetModule(o.targets[0]), "http_2xx");
  EXPECT_EQ(o.probe_timeout_offset, 0.25);

  EXPECT_TRUE(Spec().has_targets());
  EXPECT_EQ(Spec().name(), "blackbox");
  config::HostInfo host;
  host.agent_key = "box:12345";
  EXPECT_EQ(Spec().InstanceKey(o, host), "box:12345");
  const std::vector<config::IntegrationTarget> t = Spec().Targets(o);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].name, "site");
  // An empty module is left out of the params, as the Agent does.
  ASSERT_EQ(t[0].params.size(), 1u);
  EXPECT_EQ(t[0].params[0], (std::pair<std::string, std::string>{"target", "http://example.com"}));
  ASSERT_EQ(t[1].params.size(), 2u);
  EXPECT_EQ(t[1].params[1], (std::pair<std::string, std::string>{"module", "tcp_connect"}));
  config::IntegrationConfig cfg;
  cfg.options = p.opts;
  EXPECT_FALSE(Spec().Create(cfg, host).ok());
  EXPECT_TRUE(Spec().CreateTarget(cfg, host, 1).ok());
  EXPECT_FALSE(Spec().CreateTarget(cfg, host, 2).ok());
}

TEST(BlackboxOptions, DumpMasksSecretsAndKeepsModules) {
  Parsed p = Parse(kInline);
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const std::string d = Dump(p.o());
  EXPECT_THAT(d, HasSubstr("http_2xx"));
  EXPECT_THAT(d, HasSubstr("QUIT ${1}"));
  EXPECT_THAT(d, HasSubstr("probe_timeout_offset: 0.25"));
  EXPECT_THAT(d, ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(d, ::testing::Not(HasSubstr("xyz")));
  // The dump loads again to the same options.
  Parsed again = Parse(d);
  ASSERT_TRUE(again.errors.ok()) << again.AllErrors() << d;
  EXPECT_EQ(Dump(again.o()), d);
}

TEST(BlackboxOptions, ConfigFileErrorsNameTheFileAndLine) {
  const std::string path = ::testing::TempDir() + "/blackbox-test-" + std::to_string(getpid()) + ".yml";
  std::ofstream(path) << "modules:\n"
                         "  ok:\n"
                         "    prober: tcp\n"
                         "  bad:\n"
                         "    prober: http\n"
                         "    http:\n"
                         "      valid_status_code: [200]\n";
  Parsed p = Parse("config_file: " + path + "\nblackbox_targets: [{name: a, address: x:1, module: ok}]\n");
  std::filesystem::remove(path);
  ASSERT_EQ(p.errors.errors.size(), 1u) << p.AllErrors();
  EXPECT_THAT(p.errors.errors[0],
              HasSubstr(path + ":7:7: modules.bad.http.valid_status_code: unknown key"));
}

TEST(BlackboxOptions, MissingConfigFileIsAnError) {
  Parsed p = Parse("config_file: /nonexistent/blackbox.yml\n");
  EXPECT_THAT(p.AllErrors(), HasSubstr("integrations.blackbox.config_file"));
  EXPECT_THAT(p.AllErrors(), HasSubstr("/nonexistent/blackbox.yml"));
}

TEST(BlackboxOptions, OneOfConfigFileOrBlackboxConfigIsRequired) {
  Parsed p = Parse("blackbox_targets: []\n");
  EXPECT_THAT(p.AllErrors(), HasSubstr("no config file or config block provided"));
}

struct ErrorCase {
  const char* yaml;
  const char* error;
};

TEST(BlackboxOptions, Errors) {
  const ErrorCase cases[] = {
      {"blackbox_config: {modules: {m: {prober: grpc}}}", "grpc prober is not supported yet"},
      {"blackbox_config: {modules: {m: {prober: http, grpc: {}}}}",
       "m.grpc: grpc prober is not supported yet"},
      {"blackbox_config: {modules: {m: {prober: smtp}}}", "m.prober: unknown prober \"smtp\""},
      {"blackbox_config: {modules: {m: {prober: http, smtp: {}}}}", "modules.m.smtp: unknown key"},
      {"blackbox_config: {modules: {m: {timeout: 5s}}}", "m.prober: missing prober"},
      {"blackbox_config: {modules: {m: {prober: http, colour: red}}}", "m.colour: unknown key"},
      {"blackbox_config: {modules: {m: {prober: http, http: {fail_if_body_matches_regexp: ['(']}}}}",
       "Could not compile regular expression"},
      {"blackbox_config: {modules: {m: {prober: http, http: {fail_if_header_matches: [{regexp: x}]}}}}",
       "header name must be set"},
      {"blackbox_config: {modules: {m: {prober: http, http: {compression: gzip, headers: "
       "{Accept-Encoding: br}}}}}",
       "invalid configuration \"Accept-Encoding: br\""},
      {"blackbox_config: {modules: {m: {prober: tcp, tcp: {query_response: [{expect: '('}]}}}}",
       "m.tcp.query_response[0].expect"},
      {"blackbox_config: {modules: {m: {prober: tcp, tcp: {source_ip_address: nope}}}}",
       "not an IP address"},
      {"blackbox_config: {modules: {m: {prober: tcp}}}\n"
       "blackbox_targets: [{name: a, address: 'x:1', module: other}]",
       "blackbox_targets[0].module: unknown module \"other\""},
      {"blackbox_config: {modules: {m: {prober: tcp}}}\nblackbox_targets: [{name: a, address: 'x:1'}]",
       "default module \"http_2xx\" is not in the blackbox config"},
      {"blackbox_config: {modules: {m: {prober: tcp}}}\n"
       "blackbox_targets: [{name: a, address: 'x:1', module: m, labels: {a: b}}]",
       "blackbox_targets[0].labels: not supported"},
      {"blackbox_config: {modules: {m: {prober: tcp}}}\nblackbox_targets: [{address: 'x:1', module: m}]",
       "the `name` and `address` fields are mandatory"},
      {"blackbox_config: {modules: {m: {prober: tcp}}}\n"
       "blackbox_targets: [{name: a, address: 'x:1', module: m}, {name: a, address: 'y:1', module: m}]",
       "blackbox_targets[1].name: duplicate target name \"a\""},
  };
  for (const ErrorCase& c : cases) {
    Parsed p = Parse(c.yaml);
    EXPECT_THAT(p.AllErrors(), HasSubstr(c.error)) << c.yaml;
    EXPECT_THAT(p.AllErrors(), HasSubstr("agent.yaml:")) << c.yaml;
  }
}

TEST(BlackboxOptions, NoFollowRedirectsIsADeprecatedInverse) {
  Parsed p = Parse("blackbox_config: {modules: {m: {prober: http, http: {no_follow_redirects: true}}}}");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  EXPECT_THAT(Dump(p.o()), HasSubstr("follow_redirects: false"));
  EXPECT_EQ(p.errors.warnings.size(), 1u);
}

TEST(BlackboxOptions, ProbeTimeoutIsUpstreamsGetTimeout) {
  // Scrape timeout minus the offset, or the module's when smaller.
  EXPECT_EQ(ProbeTimeout(absl::Seconds(10), absl::ZeroDuration(), 0.5), absl::Milliseconds(9500));
  EXPECT_EQ(ProbeTimeout(absl::Seconds(10), absl::Seconds(3), 0.5), absl::Seconds(3));
  EXPECT_EQ(ProbeTimeout(absl::Seconds(10), absl::Seconds(20), 0.5), absl::Milliseconds(9500));
  // A negative difference falls back to the module's timeout.
  EXPECT_EQ(ProbeTimeout(absl::Milliseconds(200), absl::Seconds(1), 0.5), absl::Seconds(1));
}

}  // namespace
}  // namespace outpost::integrations::blackbox
