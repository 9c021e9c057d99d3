// The snmp integration's keys (Grafana Agent v0.44 snmp_exporter.go): the
// snmp.yml sources, both snmp.yml formats, targets and their jobs' params,
// config errors, secrets masked in the dump.
#include "integrations/snmp/options.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/snmp/snmp.h"
#include "tests/integrations/options_test_util.h"

namespace outpost::integrations::snmp {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Parsed = options_test::Parsed<Options>;

Parsed Parse(const std::string& yaml) { return options_test::Parse<Options>(Spec(), yaml); }

const std::string kFixture = std::string(OUTPOST_SOURCE_DIR "/tests/integrations/snmp/testdata/if_test.yml");

std::string Dump(const Parsed& p) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  Spec().Dump(*p.opts, out);
  out << YAML::EndMap;
  return out.c_str();
}

TEST(SnmpOptions, DefaultsAreAgents) {
  Parsed p = Parse("{}");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.source, ConfigSource::kBuiltin);
  EXPECT_EQ(o.snmp, BuiltinSnmpConfig());
  EXPECT_TRUE(o.snmp->auths.contains("public_v1"));
  EXPECT_TRUE(o.snmp->auths.contains("public_v2"));
  EXPECT_TRUE(o.snmp_targets.empty());
  EXPECT_EQ(Spec().name(), "snmp");
  EXPECT_TRUE(Spec().has_targets());
  EXPECT_FALSE(Spec().allows_list());
  config::HostInfo host;
  host.agent_key = "box:12345";
  EXPECT_EQ(Spec().InstanceKey(o, host), "box:12345");
  config::IntegrationConfig cfg;
  cfg.options = p.opts;
  absl::StatusOr<std::unique_ptr<Integration>> made = Spec().Create(cfg, host);
  EXPECT_EQ(made.status().code(), absl::StatusCode::kInternal);
}

TEST(SnmpOptions, ConfigFileTargetsAndParams) {
  Parsed p = Parse(R"(
config_file: )" + kFixture + R"(
walk_params:
  slow:
    retries: 0
    timeout: 30s
  big:
    max_repetitions: 50
snmp_targets:
- name: sw1
  address: 192.0.2.1
  module: if_test
  auth: test_v2
  walk_params: slow
  snmp_context: vlan-10
- name: sw2
  address: udp6://[2001:db8::1]:1161
  module: if_test
  auth: test_v2
  walk_params: big
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.source, ConfigSource::kFile);
  ASSERT_TRUE(o.snmp->modules.contains("if_test"));
  const ModuleConfig& m = o.snmp->modules.at("if_test");
  EXPECT_EQ(m.walk_params.max_repetitions, 10u);
  EXPECT_EQ(m.walk_params.retries, 2);
  EXPECT_EQ(m.walk_params.timeout, absl::Seconds(2));
  EXPECT_EQ(m.walk.size(), 2u);
  EXPECT_EQ(m.get.size(), 2u);
  ASSERT_NE(m.engine, nullptr);
  // Agent's Handler: set fields of walk_params override the module's.
  WalkParams w = TargetWalkParams(o, o.snmp_targets[0], m);
  EXPECT_EQ(w.max_repetitions, 10u);
  EXPECT_EQ(w.retries, 0);
  EXPECT_EQ(w.timeout, absl::Seconds(30));
  w = TargetWalkParams(o, o.snmp_targets[1], m);
  EXPECT_EQ(w.max_repetitions, 50u);
  EXPECT_EQ(w.retries, 2);
  EXPECT_EQ(w.timeout, absl::Seconds(2));

  std::vector<config::IntegrationTarget> targets = Spec().Targets(o);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].name, "sw1");
  using Params = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(targets[0].params, (Params{{"target", "192.0.2.1"},
                                       {"module", "if_test"},
                                       {"auth", "test_v2"},
                                       {"walk_params", "slow"},
                                       {"snmp_context", "vlan-10"}}));
  config::IntegrationConfig cfg;
  cfg.options = p.opts;
  for (size_t i = 0; i < 2; ++i) {
    absl::StatusOr<std::unique_ptr<Integration>> t = Spec().CreateTarget(cfg, {}, i);
    EXPECT_TRUE(t.ok()) << t.status();
  }
  EXPECT_FALSE(Spec().CreateTarget(cfg, {}, 2).ok());
}

TEST(SnmpOptions, TargetDefaults) {
  // The defaults are Agent's handler's, found in the built-in config.
  Parsed p = Parse("snmp_targets: [{name: a, address: 192.0.2.1}]");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  ASSERT_EQ(o.snmp_targets.size(), 1u);
  EXPECT_EQ(o.snmp_targets[0].ModuleName(), "if_mib");
  EXPECT_EQ(o.snmp_targets[0].AuthName(), "public_v2");
  std::vector<config::IntegrationTarget> targets = Spec().Targets(o);
  ASSERT_EQ(targets.size(), 1u);
  using Params = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(targets[0].params, (Params{{"target", "192.0.2.1"}}));
  config::IntegrationConfig cfg;
  cfg.options = p.opts;
  absl::StatusOr<std::unique_ptr<Integration>> t = Spec().CreateTarget(cfg, {}, 0);
  EXPECT_TRUE(t.ok()) << t.status();
}

TEST(SnmpOptions, InlineCurrentFormatAndDumpMasksSecrets) {
  Parsed p = Parse(R"(
snmp_config:
  auths:
    v3:
      version: 3
      security_level: authPriv
      username: admin
      password: auth-s3cret
      priv_password: priv-s3cret
      auth_protocol: SHA256
      priv_protocol: AES
    v2:
      community: c0mmunity
  modules:
    sys:
      get: [1.3.6.1.2.1.1.3.0]
      metrics:
      - {name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge, help: Uptime.}
snmp_targets:
- {name: r1, address: 192.0.2.9, module: sys, auth: v3}
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  EXPECT_EQ(p.o().source, ConfigSource::kInline);
  EXPECT_FALSE(p.o().snmp->auths.contains("public_v2"));  // as Agent: no built-ins mixed in
  const std::string dump = Dump(p);
  EXPECT_THAT(dump, HasSubstr("password: <secret>"));
  EXPECT_THAT(dump, HasSubstr("priv_password: <secret>"));
  EXPECT_THAT(dump, HasSubstr("community: <secret>"));
  EXPECT_THAT(dump, HasSubstr("username: admin"));
  EXPECT_THAT(dump, HasSubstr("sysUpTime"));
  for (const char* s : {"auth-s3cret", "priv-s3cret", "c0mmunity"}) EXPECT_THAT(dump, Not(HasSubstr(s)));
  // The dump reads back.
  Parsed again = Parse(dump);
  EXPECT_TRUE(again.errors.ok()) << again.AllErrors();
}

TEST(SnmpOptions, OldFormatIsConverted) {
  Parsed p = Parse(R"(
snmp_config:
  legacy:
    version: 1
    auth:
      community: old-secret
    max_repetitions: 5
    walk: [1.3.6.1.2.1.2.2.1.2]
    metrics:
    - name: ifDescr
      oid: 1.3.6.1.2.1.2.2.1.2
      type: DisplayString
      help: Interface description.
      indexes: [{labelname: ifIndex, type: gauge}]
snmp_targets:
- {name: old, address: 192.0.2.3, module: legacy}
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  ASSERT_EQ(p.errors.warnings.size(), 1u);
  EXPECT_THAT(p.errors.warnings[0], HasSubstr("agent.yaml:3:3: integrations.snmp.snmp_config: "));
  EXPECT_THAT(p.errors.warnings[0], HasSubstr("before 0.23"));
  const Options& o = p.o();
  EXPECT_TRUE(o.snmp->converted);
  ASSERT_TRUE(o.snmp->auths.contains("legacy"));
  EXPECT_EQ(o.snmp->auths.at("legacy").version, 1);
  EXPECT_EQ(o.snmp->auths.at("legacy").community.reveal(), "old-secret");
  EXPECT_EQ(o.snmp->modules.at("legacy").walk_params.max_repetitions, 5u);
  EXPECT_EQ(o.snmp_targets[0].AuthName(), "legacy");
  EXPECT_THAT(Dump(p), Not(HasSubstr("old-secret")));
}

TEST(SnmpOptions, Errors) {
  const struct {
    std::string yaml;
    std::string error;
  } cases[] = {
      {"snmp_targets: [{name: a}]",
       "agent.yaml:1:16: integrations.snmp.snmp_targets[0]: failed to load snmp_targets; the `name` "
       "and `address` fields are mandatory"},
      {"snmp_targets: [{name: a, address: h, module: nope}]",
       "integrations.snmp.snmp_targets[0].module: unknown module \"nope\""},
      {"snmp_targets: [{name: a, address: h, module: if_test, auth: nope}]",
       "integrations.snmp.snmp_targets[0].auth: unknown auth \"nope\""},
      {"snmp_targets: [{name: a, address: h, module: if_test, auth: test_v2, walk_params: nope}]",
       "integrations.snmp.snmp_targets[0].walk_params: unknown walk_params \"nope\""},
      {"snmp_targets: [{name: a, address: h, module: if_test, auth: test_v2}, "
       "{name: a, address: g, module: if_test, auth: test_v2}]",
       "integrations.snmp.snmp_targets[1].name: duplicate target name \"a\""},
      {"snmp_targets: [{name: a, address: h, modul: x}]",
       "integrations.snmp.snmp_targets[0].modul: unknown key"},
      {"walk_params: {w: {retries: x}}", "integrations.snmp.walk_params.w.retries"},
      {"snmp_config: {auths: {bad: {version: 7}}}",
       "integrations.snmp.snmp_config.auths.bad: SNMP version must be 1, 2 or 3. Got: 7"},
      {"snmp_config: {modules: {m: {walk: [1.3.x]}}}", "integrations.snmp.snmp_config.modules.m"},
      {"config_file: /nonexistent/snmp.yml", "failed to load snmp config from file /nonexistent/snmp.yml"},
  };
  for (const auto& c : cases) {
    std::string yaml = c.yaml;
    if (yaml.find("if_test") != std::string::npos) yaml = "config_file: " + kFixture + "\n" + yaml;
    Parsed p = Parse(yaml);
    EXPECT_THAT(p.AllErrors(), HasSubstr(c.error)) << yaml;
  }
}

TEST(SnmpOptions, ErrorsInsideConfigFileNameIt) {
  const std::string path = ::testing::TempDir() + "/snmp_bad.yml";
  {
    std::ofstream f(path);
    f << "auths:\n  x:\n    version: 3\n";
  }
  Parsed p = Parse("config_file: " + path);
  EXPECT_THAT(p.AllErrors(), HasSubstr(path + ":3:5: auths.x: auth username is missing, required for SNMPv3"));
}

}  // namespace
}  // namespace outpost::integrations::snmp
