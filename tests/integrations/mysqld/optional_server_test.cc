// The optional collectors against the real throwaway MariaDB server (binary
// logs on, userstat on, a pt-heartbeat table and a small schema): each one
// that MariaDB supports runs without error and reports its data; the
// MySQL-only ones (group replication, TokuDB) fail as they do upstream.
#include <string>
#include <vector>

#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/mysqld/collector.h"
#include "integrations/mysqld/mysqld.h"
#include "tests/integrations/mysqld/shared_server.h"

namespace outpost::integrations::mysqld {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MysqldOptionalCollectorsTest, EveryCollectorOnMariadb) {
  outpost::testing::MariadbServer* db = SharedServer();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(PrepareOptionalCollectorData(db));
  Options o;
  o.data_source_name = config::Secret(db->Dsn());
  for (const CollectorInfo& c : AllCollectors()) o.set_collectors.emplace_back(c.name);
  o.mysql_user_privileges = true;
  absl::StatusOr<std::unique_ptr<Integration>> integ = NewMysqldIntegration(o, absl::Seconds(10));
  ASSERT_TRUE(integ.ok()) << integ.status();
  MemoryAppender app;
  ASSERT_TRUE((*integ)->Collect(app, absl::Now() + absl::Seconds(30)).ok());
  const std::string text = app.Render();
  ASSERT_NE(app.Find("mysql_up", {}), nullptr);
  EXPECT_EQ(*app.Find("mysql_up", {}), 1);

  // Exactly the collectors MariaDB has no tables, columns or engine for fail
  // (MariaDB's INNODB_SYS_TABLESPACES has no SPACE_TYPE column).
  std::vector<std::string> failed;
  for (const CollectedSample& s : app.Samples()) {
    if (s.name == "mysql_exporter_scrape_errors_total") {
      failed.push_back(std::string(s.labels.Get("collector")));
    }
  }
  EXPECT_THAT(failed, ::testing::UnorderedElementsAre(
                          "collect.engine_tokudb_status", "collect.info_schema.innodb_tablespaces",
                          "collect.perf_schema.replication_applier_status_by_worker",
                          "collect.perf_schema.replication_group_member_stats",
                          "collect.perf_schema.replication_group_members"))
      << text;

  auto has = [&](std::string_view name, const Labels& l) { return app.Find(name, l) != nullptr; };
  EXPECT_TRUE(has("mysql_binlog_files", {}));
  EXPECT_GE(*app.Find("mysql_binlog_file_number", {}), 1);
  EXPECT_GT(*app.Find("mysql_binlog_size_bytes", {}), 0);
  EXPECT_TRUE(has("mysql_heartbeat_stored_timestamp_seconds", {{"server_id", "1"}}));
  EXPECT_GT(*app.Find("mysql_heartbeat_now_timestamp_seconds", {{"server_id", "1"}}), 1.6e9);
  EXPECT_EQ(
      *app.Find("mysql_info_schema_auto_increment_column",
                {{"column", "id"}, {"schema", "shop"}, {"table", "orders"}}),
      *app.Find("mysql_info_schema_table_rows", {{"schema", "shop"}, {"table", "orders"}}) + 1);
  EXPECT_THAT(text,
              HasSubstr("mysql_info_schema_table_size{component=\"data_length\",schema=\"shop\""));
  EXPECT_THAT(text, HasSubstr("mysql_info_schema_table_statistics_rows_read_total{schema=\"shop\","
                              "table=\"orders\"}"));
  EXPECT_THAT(text,
              HasSubstr("mysql_info_schema_schema_statistics_rows_changed_total{schema=\"shop\"}"));
  EXPECT_THAT(text,
              HasSubstr("mysql_info_schema_user_statistics_total_connections{user=\"exporter\"}"));
  EXPECT_THAT(text, HasSubstr("mysql_info_schema_client_statistics_rows_sent_total{client="));
  EXPECT_THAT(
      text,
      HasSubstr("mysql_mysql_max_questions{hostmask=\"127.0.0.1\",mysql_user=\"exporter\"} 0"));
  EXPECT_THAT(
      text, HasSubstr("mysql_mysql_select_priv{hostmask=\"127.0.0.1\",mysql_user=\"exporter\"} 1"));
  EXPECT_THAT(text, HasSubstr("mysql_perf_schema_events_statements_total{digest=\""));
  EXPECT_THAT(text, HasSubstr("mysql_perf_schema_events_statements_sum_total "));
  EXPECT_THAT(text, HasSubstr("mysql_perf_schema_events_waits_total{event_name=\"wait/"));
  EXPECT_THAT(text, HasSubstr("mysql_perf_schema_file_events_bytes_total{event_name=\""));
  EXPECT_THAT(text, HasSubstr("mysql_perf_schema_file_instances_total{event_name=\""));
  EXPECT_THAT(text, HasSubstr("mysql_perf_schema_sql_lock_waits_total{name=\"orders\""));
  EXPECT_THAT(text, Not(HasSubstr("mysql_heartbeat_mysql_slave_hosts_info")));  // no replicas

  // A second collection reuses the session and the series handles.
  const size_t series = app.series_count();
  app.Clear();
  ASSERT_TRUE((*integ)->Collect(app, absl::Now() + absl::Seconds(30)).ok());
  EXPECT_EQ(*app.Find("mysql_up", {}), 1);
  EXPECT_NEAR(static_cast<double>(app.series_count()), static_cast<double>(series), 40);
}

}  // namespace
}  // namespace outpost::integrations::mysqld
