// query_path files: Debian's example queries.yaml parses and maps, errors
// name file:line:col and key, and the load-error gauge.
#include "integrations/postgres/user_queries.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integrations/postgres/fake_querier.h"

namespace outpost::integrations::postgres {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
constexpr const char* kDebianExample =
    "/usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml";

std::vector<std::string> Errors(std::string_view yaml) {
  std::vector<NamespaceSpec> specs;
  std::vector<std::string> errors;
  EXPECT_FALSE(ParseUserQueries(yaml, "q.yaml", &specs, &errors));
  EXPECT_TRUE(specs.empty());
  return errors;
}

TEST(UserQueriesTest, DebianExampleParsesAndMaps) {
  if (access(kDebianExample, R_OK) != 0) GTEST_SKIP() << kDebianExample << " not installed";
  UserQueries uq = LoadUserQueries(kDebianExample);
  ASSERT_TRUE(uq.ok()) << uq.errors[0];
  EXPECT_EQ(uq.hashsum.size(), 64u);
  std::vector<std::string> names;
  for (const NamespaceSpec& s : uq.namespaces) names.push_back(s.name);
  EXPECT_THAT(names, ElementsAre("pg_replication", "pg_postmaster", "pg_stat_user_tables",
                                 "pg_statio_user_tables", "pg_stat_statements",
                                 "pg_process_idle"));
  const NamespaceSpec& tables = uq.namespaces[2];
  EXPECT_FALSE(tables.master);
  ASSERT_EQ(tables.columns.size(), 22u);
  EXPECT_EQ(tables.columns[0].name, "datname");
  EXPECT_EQ(tables.columns[0].usage, ColumnUsage::kLabel);
  EXPECT_EQ(tables.columns[3].usage, ColumnUsage::kCounter);
  EXPECT_EQ(tables.columns[3].description, "Number of sequential scans initiated on this table");
  EXPECT_TRUE(uq.namespaces[0].master);
  EXPECT_EQ(uq.namespaces[5].columns[1].usage, ColumnUsage::kHistogram);

  FakeQuerier q;
  ResultSet postmaster = ResultSet::Make({"start_time_seconds"}, {{"2024-01-02 03:04:05.5+00"}});
  postmaster.SetColumnType(0, kTimestampTzOid);
  q.Set(uq.namespaces[1].queries[0].sql, postmaster);
  q.Set(uq.namespaces[0].queries[0].sql, ResultSet::Make({"lag"}, {{"0"}}));
  ResultSet idle = ResultSet::Make(
      {"application_name", "seconds_sum", "seconds_count", "seconds", "seconds_bucket"},
      {{"psql", "12", "2", "{1,2,5,15,30,60,90,120,300}", "{0,0,1,2,2,2,2,2,2}"}});
  q.Set(uq.namespaces[5].queries[0].sql, idle);
  ResultSet user_tables = ResultSet::Make(
      {"datname", "schemaname", "relname", "seq_scan", "last_vacuum"},
      {{"app", "public", "t1", "3", "1970-01-01 00:00:00+00"}});
  user_tables.SetColumnType(4, kTimestampTzOid);
  q.Set(uq.namespaces[2].queries[0].sql, user_tables);

  NamespacesOptions o;
  o.builtin_enabled = false;
  o.settings_enabled = false;
  o.user = uq.namespaces;
  Namespaces ns(o);
  MemoryAppender app;
  CollectErrors errors;
  ns.Collect(q, {15, 4, 0}, true, "db:5432", app, absl::UnixEpoch(), &errors);
  const std::string text = app.Render();
  EXPECT_THAT(text, HasSubstr("# HELP pg_postmaster_start_time_seconds Time at which postmaster "
                              "started\n# TYPE pg_postmaster_start_time_seconds gauge\n"
                              "pg_postmaster_start_time_seconds{server=\"db:5432\"} "
                              "1704164645\n"));
  EXPECT_THAT(text, HasSubstr("pg_replication_lag{server=\"db:5432\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE pg_process_idle_seconds histogram\n"
                              "pg_process_idle_seconds_bucket{application_name=\"psql\",le=\"1\","
                              "server=\"db:5432\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("pg_process_idle_seconds_bucket{application_name=\"psql\","
                              "le=\"+Inf\",server=\"db:5432\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("pg_process_idle_seconds_sum{application_name=\"psql\","
                              "server=\"db:5432\"} 12\n"));
  EXPECT_THAT(text, HasSubstr("pg_stat_user_tables_seq_scan{datname=\"app\",relname=\"t1\","
                              "schemaname=\"public\",server=\"db:5432\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("pg_stat_user_tables_last_vacuum{datname=\"app\",relname=\"t1\","
                              "schemaname=\"public\",server=\"db:5432\"} 0\n"));
  // pg_statio_user_tables and pg_stat_statements were not registered.
  EXPECT_EQ(errors.errors.size(), 2u);
}

TEST(UserQueriesTest, ReadsEveryKey) {
  std::vector<NamespaceSpec> specs;
  std::vector<std::string> errors;
  ASSERT_TRUE(ParseUserQueries(R"(pg_x:
  query: "SELECT 1"
  master: true
  cache_seconds: 30
  runonserver: ">=12.0.0"
  metrics:
    - mode:
        usage: "MAPPEDMETRIC"
        description: "Mode"
        metric_mapping:
          "on": 1
          "off": 0.5
    - wait:
        usage: DURATION
        description: "Waited"
    - junk:
        usage: "DISCARD"
)",
                               "q.yaml", &specs, &errors))
      << errors[0];
  ASSERT_EQ(specs.size(), 1u);
  const NamespaceSpec& s = specs[0];
  EXPECT_EQ(s.name, "pg_x");
  ASSERT_EQ(s.queries.size(), 1u);
  EXPECT_EQ(s.queries[0].sql, "SELECT 1");
  EXPECT_TRUE(s.queries[0].versions.Contains({9, 1, 0}));
  EXPECT_TRUE(s.master);
  EXPECT_EQ(s.cache_seconds, 30u);
  ASSERT_EQ(s.columns.size(), 3u);
  EXPECT_EQ(s.columns[0].usage, ColumnUsage::kMappedMetric);
  EXPECT_EQ(s.columns[0].mapping,
            (std::vector<std::pair<std::string, double>>{{"on", 1}, {"off", 0.5}}));
  EXPECT_EQ(s.columns[1].usage, ColumnUsage::kDuration);
  EXPECT_EQ(s.columns[2].usage, ColumnUsage::kDiscard);
  // An empty file has no queries.
  ASSERT_TRUE(ParseUserQueries("", "q.yaml", &specs, &errors));
  EXPECT_TRUE(specs.empty());
}

TEST(UserQueriesTest, ErrorsNameFileLineAndKey) {
  EXPECT_THAT(Errors("pg_x:\n  query: [\n"), ElementsAre(HasSubstr("q.yaml:3:1: yaml: ")));
  EXPECT_THAT(Errors("pg_x:\n  query: x\n  metrics:\n    - c:\n        usage: GAUGES\n"),
              ElementsAre("q.yaml:5:16: pg_x.metrics[0].c.usage: unknown usage \"GAUGES\" "
                          "(LABEL, COUNTER, GAUGE, MAPPEDMETRIC, DURATION, HISTOGRAM or "
                          "DISCARD)"));
  EXPECT_THAT(Errors("pg_x:\n  query: x\n  metrics:\n    - c:\n        description: d\n"),
              ElementsAre(HasSubstr("pg_x.metrics[0].c.usage: missing")));
  EXPECT_THAT(Errors("pg_x:\n  query: x\n  masterr: true\n"),
              ElementsAre("q.yaml:3:3: pg_x.masterr: unknown key"));
  EXPECT_THAT(Errors("pg_x:\n  metrics: []\n"), ElementsAre(HasSubstr("pg_x.query: missing")));
  EXPECT_THAT(Errors("pg_x:\n  query: x\n  cache_seconds: soon\n"),
              ElementsAre(HasSubstr("q.yaml:3:18: pg_x.cache_seconds: ")));
  EXPECT_THAT(Errors("pg-x:\n  query: x\n"), ElementsAre(HasSubstr("q.yaml:2:3: pg-x: ")));
  EXPECT_THAT(Errors("- a\n"), ElementsAre(HasSubstr("q.yaml:1:1: ")));
  EXPECT_THAT(Errors("pg_x:\n  query: x\n  metrics:\n    - c:\n        usage: GAUGE\n"
                     "        metric_mapping:\n          a: b\n"),
              ElementsAre(HasSubstr("q.yaml:7:14: pg_x.metrics[0].c.metric_mapping.a: ")));
}

TEST(UserQueriesTest, LoadErrorGaugeAndHashsum) {
  char path[] = "/tmp/outpost_pgns_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  UserQueries empty = LoadUserQueries(path);
  EXPECT_TRUE(empty.ok());
  EXPECT_EQ(empty.hashsum, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  {
    std::ofstream f(path);
    f << "pg_x:\n  query: x\n  bogus: 1\n";
  }
  UserQueries bad = LoadUserQueries(path);
  EXPECT_THAT(bad.errors, ElementsAre(std::string(path) + ":3:3: pg_x.bogus: unknown key"));
  EXPECT_EQ(bad.hashsum.size(), 64u);
  std::remove(path);
  UserQueries missing = LoadUserQueries(path);
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.hashsum, "");

  MemoryAppender app;
  SeriesCache series;
  series.Begin(app);
  AddUserQueriesLoadError(empty, series);
  EXPECT_EQ(app.Render(),
            "# HELP pg_exporter_user_queries_load_error Whether the user queries file was loaded "
            "and parsed successfully (1 for error, 0 for success).\n"
            "# TYPE pg_exporter_user_queries_load_error gauge\n"
            "pg_exporter_user_queries_load_error{filename=\"" + std::string(path) +
                "\",hashsum=\"" + empty.hashsum + "\"} 0\n");
  app.Clear();
  AddUserQueriesLoadError(missing, series);
  EXPECT_EQ(*app.Find("pg_exporter_user_queries_load_error", {{"filename", path}}), 1);
}

}  // namespace
}  // namespace outpost::integrations::postgres
