// The postgres_exporter integration's config: Grafana Agent's keys and
// defaults, the environment fallback, DSN and instance errors with
// file:line and the password masked, Dump and InstanceKey.
#include "integrations/postgres/options.h"

#include <stdlib.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/postgres/postgres.h"
#include "integrations/registry.h"
#include "tests/integrations/options_test_util.h"

namespace outpost::integrations::postgres {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using Parsed = options_test::Parsed<Options>;

Parsed Parse(const std::string& yaml) {
  return options_test::Parse<Options>(Spec(), yaml, /*consume_instance=*/true);
}

// Sets or clears $POSTGRES_EXPORTER_DATA_SOURCE_NAME for one test.
class EnvDsn {
 public:
  explicit EnvDsn(const char* v) {
    if (v == nullptr) {
      unsetenv(kDsnEnv);
    } else {
      setenv(kDsnEnv, v, 1);
    }
  }
  ~EnvDsn() { unsetenv(kDsnEnv); }
};

TEST(PostgresOptions, DefaultsAreGrafanaAgents) {
  EnvDsn env(nullptr);
  Parsed p = Parse("{}");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_THAT(o.data_source_names, IsEmpty());
  EXPECT_FALSE(o.disable_settings_metrics);
  EXPECT_FALSE(o.autodiscover_databases);
  EXPECT_THAT(o.exclude_databases, IsEmpty());
  EXPECT_THAT(o.include_databases, IsEmpty());
  EXPECT_FALSE(o.disable_default_metrics);
  EXPECT_EQ(o.query_path, "");
  EXPECT_EQ(Spec().name(), "postgres_exporter");
  EXPECT_TRUE(Spec().allows_list());
  EXPECT_EQ(Builtin().Find("postgres_exporter"), &Spec());
  // No DSN anywhere: an error when the integration is created.
  absl::StatusOr<std::vector<std::string>> dsns = o.EffectiveDsns();
  ASSERT_FALSE(dsns.ok());
  EXPECT_THAT(dsns.status().message(),
              HasSubstr("neither postgres_exporter.data_source_name or "
                        "$POSTGRES_EXPORTER_DATA_SOURCE_NAME is set"));
  EXPECT_FALSE(NewPostgresIntegration(o).ok());
}

TEST(PostgresOptions, ReadsKeys) {
  Parsed p = Parse(R"(
data_source_names: ["postgresql://u:pw@db:5432/app?sslmode=disable"]
disable_settings_metrics: true
autodiscover_databases: true
exclude_databases: [template1, rdsadmin]
include_databases: ["a,b", c]
disable_default_metrics: true
query_path: /etc/outpost/queries.yaml
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  ASSERT_EQ(o.data_source_names.size(), 1u);
  EXPECT_EQ(o.data_source_names[0].reveal(), "postgresql://u:pw@db:5432/app?sslmode=disable");
  EXPECT_TRUE(o.disable_settings_metrics);
  EXPECT_TRUE(o.autodiscover_databases);
  EXPECT_THAT(o.exclude_databases, ElementsAre("template1", "rdsadmin"));
  EXPECT_THAT(o.include_databases, ElementsAre("a,b", "c"));
  // Joined with ',' by the agent, split by the exporter.
  EXPECT_THAT(o.IncludeDatabases(), ElementsAre("a", "b", "c"));
  EXPECT_TRUE(o.disable_default_metrics);
  EXPECT_EQ(o.query_path, "/etc/outpost/queries.yaml");
  EXPECT_EQ(Spec().InstanceKey(o, {}), "postgresql://db:5432/app");
}

TEST(PostgresOptions, UnknownKeyAndWrongTypesFail) {
  Parsed p = Parse("data_source_name: x\nautodiscover_databases: maybe\n");
  EXPECT_THAT(p.AllErrors(),
              HasSubstr("agent.yaml:1:1: integrations.postgres_exporter.data_source_name: "
                        "unknown key"));
  EXPECT_THAT(p.AllErrors(), HasSubstr("agent.yaml:2:"));
  EXPECT_THAT(p.AllErrors(), HasSubstr("autodiscover_databases"));
}

TEST(PostgresOptions, EnvironmentFallbackSplitsOnComma) {
  EnvDsn env("postgresql://a:pw@h1/x,postgresql://b:pw@h2/y");
  Parsed p = Parse("instance: two-servers\n");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  absl::StatusOr<std::vector<std::string>> dsns = p.o().EffectiveDsns();
  ASSERT_TRUE(dsns.ok());
  EXPECT_THAT(*dsns, ElementsAre("postgresql://a:pw@h1/x", "postgresql://b:pw@h2/y"));
  // The list wins over the environment.
  Parsed listed = Parse("data_source_names: ['postgresql://c@h3/z']\n");
  ASSERT_TRUE(listed.errors.ok()) << listed.AllErrors();
  EXPECT_THAT(*listed.o().EffectiveDsns(), ElementsAre("postgresql://c@h3/z"));
}

TEST(PostgresOptions, BadDsnIsAnErrorWithFileLineAndNoPassword) {
  EnvDsn env(nullptr);
  Parsed p = Parse("data_source_names:\n  - 'postgresql://u:hunter2@h/db?bogus=1'\n");
  ASSERT_EQ(p.errors.errors.size(), 1u) << p.AllErrors();
  EXPECT_EQ(p.errors.errors[0],
            "agent.yaml:2:3: integrations.postgres_exporter.data_source_names: [0]: invalid DSN "
            "\"postgresql://u:***@h/db?bogus=1\": invalid URI query parameter: \"bogus\"");
  Parsed conninfo = Parse("data_source_names: ['host=h password=hunter2 frob=1']\n");
  EXPECT_THAT(conninfo.AllErrors(), HasSubstr("password=***"));
  EXPECT_THAT(conninfo.AllErrors(), Not(HasSubstr("hunter2")));
}

TEST(PostgresOptions, InstanceKeyErrorsNeedInstance) {
  EnvDsn env(nullptr);
  // Several DSNs, or a key=value DSN, without `instance`.
  Parsed two = Parse("data_source_names: ['postgresql://a/x', 'postgresql://b/x']\n");
  EXPECT_THAT(two.AllErrors(),
              HasSubstr("agent.yaml:1:20: integrations.postgres_exporter.data_source_names: "
                        "can't automatically determine a value for `instance` with 2 DSN"));
  Parsed kv = Parse("data_source_names: ['user=prometheus host=/run/postgresql']\n");
  EXPECT_THAT(kv.AllErrors(), HasSubstr("cannot parse DSN"));
  // With `instance` both are fine.
  EXPECT_TRUE(Parse("instance: pg\ndata_source_names: ['postgresql://a/x', 'postgresql://b/x']\n")
                  .errors.ok());
  EXPECT_TRUE(Parse("instance: pg\ndata_source_names: ['user=prometheus host=/run/postgresql']\n")
                  .errors.ok());
  // Create checks the same when the block sets no instance.
  Parsed p = Parse("instance: pg\ndata_source_names: ['postgresql://a/x', 'postgresql://b/x']\n");
  config::IntegrationConfig cfg;
  cfg.name = "postgres_exporter";
  cfg.options = p.opts;
  absl::StatusOr<std::unique_ptr<Integration>> without = Spec().Create(cfg, {});
  ASSERT_FALSE(without.ok());
  EXPECT_THAT(without.status().message(), HasSubstr("`instance`"));
  cfg.common.instance = "pg";
  EXPECT_TRUE(Spec().Create(cfg, {}).ok());
}

TEST(PostgresOptions, DumpMasksEveryDsn) {
  Parsed p = Parse(R"(
instance: pg
data_source_names: ['postgresql://u:hunter2@db/app', 'host=h password=hunter3']
exclude_databases: [x]
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  YAML::Emitter out;
  out << YAML::BeginMap;
  Spec().Dump(p.o(), out);
  out << YAML::EndMap;
  const std::string text = out.c_str();
  EXPECT_THAT(text, Not(HasSubstr("hunter")));
  EXPECT_THAT(text, HasSubstr("data_source_names: [<secret>, <secret>]"));
  EXPECT_THAT(text, HasSubstr("disable_settings_metrics: false"));
  EXPECT_THAT(text, HasSubstr("autodiscover_databases: false"));
  EXPECT_THAT(text, HasSubstr("exclude_databases: [x]"));
  EXPECT_THAT(text, HasSubstr("include_databases: []"));
  EXPECT_THAT(text, HasSubstr("disable_default_metrics: false"));
  EXPECT_THAT(text, HasSubstr("query_path: \"\""));
}

}  // namespace
}  // namespace outpost::integrations::postgres
