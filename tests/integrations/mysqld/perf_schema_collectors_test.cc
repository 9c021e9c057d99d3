// The optional performance_schema collectors on canned query results, as
// mysqld_exporter 0.14.0 maps them (timers are picoseconds).
#include <memory>
#include <string>

#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/mysqld/collectors.h"
#include "tests/integrations/mysqld/fake_querier.h"

namespace outpost::integrations::mysqld {
namespace {

using ::testing::HasSubstr;
using Rows = ResultSet;
constexpr auto kNull = std::nullopt;

std::unique_ptr<Collector> Make(CollectorFactory f, const Options& o = {}) {
  CollectorOr c = f(o);
  EXPECT_TRUE(c.ok()) << c.status();
  return std::move(*c);
}

// A result with `n` columns named c0..c(n-1) and the given rows.
ResultSet Wide(size_t n, std::initializer_list<std::vector<ResultSet::Cell>> rows) {
  ResultSet rs;
  rs.Reset(n);
  for (size_t i = 0; i < n; ++i) rs.SetColumn(i, Cat("c", i));
  for (const auto& row : rows) {
    for (const ResultSet::Cell& c : row) rs.AddCell(c);
  }
  return rs;
}

TEST(PerfTableLocksTest, SqlAndExternalLocks) {
  std::vector<std::string> text;                                           // owns the cells' bytes
  for (int i = 1; i <= 10; ++i) text.push_back(Cat(i));                    // counts 1..10
  for (int i = 1; i <= 10; ++i) text.push_back(Cat(i * 1000000000000LL));  // i seconds
  std::vector<ResultSet::Cell> row = {"shop", "orders"};
  for (const std::string& t : text) row.push_back(t);
  FakeQuerier q;
  q.SetContaining("table_lock_waits_summary_by_table", Wide(22, {row}));
  MemoryAppender app;
  auto c = Make(&NewPerfTableLockWaitsCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  auto l = [](std::string_view op) {
    return Labels{{"name", "orders"}, {"operation", std::string(op)}, {"schema", "shop"}};
  };
  // Column order: read_normal, read_with_shared_locks, read_high_priority,
  // read_no_insert, read_external, write_allow_write, write_concurrent_insert,
  // write_low_priority, write_normal, write_external.
  EXPECT_EQ(*app.Find("mysql_perf_schema_sql_lock_waits_total", l("read_normal")), 1);
  EXPECT_EQ(*app.Find("mysql_perf_schema_sql_lock_waits_total", l("write_normal")), 9);
  EXPECT_EQ(*app.Find("mysql_perf_schema_sql_lock_waits_total", l("write_low_priority")), 8);
  EXPECT_EQ(*app.Find("mysql_perf_schema_external_lock_waits_total", l("read")), 5);
  EXPECT_EQ(*app.Find("mysql_perf_schema_external_lock_waits_total", l("write")), 10);
  EXPECT_EQ(*app.Find("mysql_perf_schema_sql_lock_waits_seconds_total", l("write_allow_write")), 6);
  EXPECT_EQ(*app.Find("mysql_perf_schema_external_lock_waits_seconds_total", l("write")), 10);
  EXPECT_EQ(app.Samples().size(), 20u);
}

TEST(PerfEventsStatementsTest, DigestsWithOptionsInTheQuery) {
  Options o;
  o.perf_schema_eventsstatements_limit = 7;
  o.perf_schema_eventsstatements_time_limit = 60;
  o.perf_schema_eventsstatements_digtext_text_limit = 30;
  FakeQuerier q;
  q.SetContaining("events_statements_summary_by_digest",
                  Wide(15, {{"shop", "abc", "SELECT * FROM `orders`", "4", "2000000000000", "1",
                             "2", "3", "4", "5", "6", "7", "8", "9", "10"}}));
  MemoryAppender app;
  auto c = Make(&NewPerfEventsStatementsCollector, o);
  ASSERT_TRUE(c->Collect(q, app).ok());
  const std::string& sql = q.queries().front();
  EXPECT_THAT(sql, HasSubstr("LEFT(DIGEST_TEXT, 30)"));
  EXPECT_THAT(sql, HasSubstr("INTERVAL 60 SECOND"));
  EXPECT_THAT(sql, HasSubstr("LIMIT 7"));
  const Labels l{{"digest", "abc"}, {"digest_text", "SELECT * FROM `orders`"}, {"schema", "shop"}};
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_total", l), 4);
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_seconds_total", l), 2);
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_rows_examined_total", l), 5);
  // Upstream's swap: tmp_tables_total is SUM_CREATED_TMP_DISK_TABLES.
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_tmp_tables_total", l), 6);
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_tmp_disk_tables_total", l), 7);
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_no_index_used_total", l), 10);
  EXPECT_EQ(app.Samples().size(), 12u);
}

TEST(PerfEventsStatementsSumTest, GrandSumsAndEmptyTable) {
  std::vector<std::string> text;  // owns the cells' bytes
  for (int i = 1; i <= 21; ++i) text.push_back(Cat(i));
  std::vector<ResultSet::Cell> row(text.begin(), text.end());
  row[19] = "3000000000000";  // SUM_TIMER_WAIT
  FakeQuerier q;
  q.SetContaining("SUM(COUNT_STAR)", Wide(21, {row}));
  MemoryAppender app;
  auto c = Make(&NewPerfEventsStatementsSumCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_sum_total", {}), 1);
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_sum_lock_time", {}), 5);
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_sum_timer_wait", {}), 3);
  EXPECT_EQ(*app.Find("mysql_perf_schema_events_statements_sum_warnings", {}), 21);
  EXPECT_THAT(app.Render(),
              HasSubstr("# HELP mysql_perf_schema_events_statements_sum_select_range_check "
                        "Number of joins without keys performed by statements that check for key "
                        "usage after each row.\n"));
  // SUM over no rows is NULL: a scan error, as upstream.
  std::vector<ResultSet::Cell> nulls(21, kNull);
  FakeQuerier empty;
  empty.SetContaining("SUM(COUNT_STAR)", Wide(21, {nulls}));
  MemoryAppender app2;
  EXPECT_FALSE(c->Collect(empty, app2).ok());
}

TEST(PerfEventsWaitsTest, CountAndSeconds) {
  FakeQuerier q;
  q.SetContaining("events_waits_summary_global_by_event_name",
                  Rows::Make({"EVENT_NAME", "COUNT_STAR", "SUM_TIMER_WAIT"},
                             {{"wait/io/file/innodb/innodb_data_file", "12", "500000000000"}}));
  MemoryAppender app;
  auto c = Make(&NewPerfEventsWaitsCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP mysql_perf_schema_events_waits_seconds_total The total seconds of events "
            "waits by event name.\n"
            "# TYPE mysql_perf_schema_events_waits_seconds_total counter\n"
            "mysql_perf_schema_events_waits_seconds_total{event_name=\"wait/io/file/innodb/"
            "innodb_data_file\"} 0.5\n"
            "# HELP mysql_perf_schema_events_waits_total The total events waits by event name.\n"
            "# TYPE mysql_perf_schema_events_waits_total counter\n"
            "mysql_perf_schema_events_waits_total{event_name=\"wait/io/file/innodb/"
            "innodb_data_file\"} 12\n");
}

TEST(PerfFileTest, EventsAndInstancesWithPrefixAndFilter) {
  FakeQuerier q;
  q.SetContaining("file_summary_by_event_name",
                  Wide(9, {{"wait/io/file/sql/binlog", "1", "2000000000000", "3", "4",
                            "5000000000000", "6", "7", "8000000000000"}}));
  q.SetContaining("file_summary_by_instance",
                  Wide(6, {{"/var/lib/mysql/ib_logfile0", "wait/io/file/innodb/innodb_log_file",
                            "1", "2", "3", "4"},
                           {"/tmp/other", "wait/io/file/sql/x", "0", "0", "0", "0"}}));
  Options o;
  o.perf_schema_file_instances_filter = R"(.*\.ibd|it's)";
  o.perf_schema_file_instances_remove_prefix = "/var/lib/mysql/";
  MemoryAppender app;
  auto events = Make(&NewPerfFileEventsCollector);
  auto instances = Make(&NewPerfFileInstancesCollector, o);
  ASSERT_TRUE(events->Collect(q, app).ok());
  ASSERT_TRUE(instances->Collect(q, app).ok());
  EXPECT_THAT(q.queries().back(), HasSubstr(R"(FILE_NAME REGEXP '.*\\.ibd|it''s')"));
  auto ev = [](std::string_view mode) {
    return Labels{{"event_name", "wait/io/file/sql/binlog"}, {"mode", std::string(mode)}};
  };
  EXPECT_EQ(*app.Find("mysql_perf_schema_file_events_total", ev("misc")), 7);
  EXPECT_EQ(*app.Find("mysql_perf_schema_file_events_seconds_total", ev("write")), 5);
  EXPECT_EQ(*app.Find("mysql_perf_schema_file_events_bytes_total", ev("read")), 3);
  EXPECT_EQ(app.Find("mysql_perf_schema_file_events_bytes_total", ev("misc")), nullptr);
  const Labels inst{{"event_name", "wait/io/file/innodb/innodb_log_file"},
                    {"file_name", "ib_logfile0"},
                    {"mode", "write"}};
  EXPECT_EQ(*app.Find("mysql_perf_schema_file_instances_total", inst), 2);
  EXPECT_EQ(*app.Find("mysql_perf_schema_file_instances_bytes", inst), 4);
  EXPECT_NE(
      app.Find(
          "mysql_perf_schema_file_instances_bytes",
          {{"event_name", "wait/io/file/sql/x"}, {"file_name", "/tmp/other"}, {"mode", "read"}}),
      nullptr);
}

TEST(PerfReplicationGroupTest, MembersAsLabelsAndMemberStats) {
  FakeQuerier q;
  q.Set("SELECT * FROM performance_schema.replication_group_members",
        Rows::Make(
            {"CHANNEL_NAME", "MEMBER_ID", "MEMBER_HOST", "MEMBER_PORT", "MEMBER_STATE",
             "MEMBER_ROLE"},
            {{"group_replication_applier", "uuid-1", "db1", "3306", "ONLINE", "PRIMARY"},
             {"group_replication_applier", "uuid-2", "db2", kNull, "RECOVERING", "SECONDARY"}}));
  q.SetContaining(
      "replication_group_member_stats",
      Rows::Make({"CHANNEL_NAME", "VIEW_ID", "MEMBER_ID", "COUNT_TRANSACTIONS_IN_QUEUE",
                  "COUNT_TRANSACTIONS_CHECKED", "COUNT_CONFLICTS_DETECTED",
                  "COUNT_TRANSACTIONS_ROWS_VALIDATING", "TRANSACTIONS_COMMITTED_ALL_MEMBERS",
                  "LAST_CONFLICT_FREE_TRANSACTION", "COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE",
                  "COUNT_TRANSACTIONS_REMOTE_APPLIED", "COUNT_TRANSACTIONS_LOCAL_PROPOSED",
                  "COUNT_TRANSACTIONS_LOCAL_ROLLBACK"},
                 {{"group_replication_applier", "1:2", "uuid-1", "0", "7", "1", "3", "aaa:1-10",
                   "aaa:10", "2", "11", "12", "13"}}));
  MemoryAppender app;
  auto members = Make(&NewPerfReplicationGroupMembersCollector);
  auto stats = Make(&NewPerfReplicationGroupMemberStatsCollector);
  ASSERT_TRUE(members->Collect(q, app).ok());
  ASSERT_TRUE(stats->Collect(q, app).ok());
  EXPECT_EQ(*app.Find("mysql_perf_schema_replication_group_member_info",
                      {{"channel_name", "group_replication_applier"},
                       {"member_host", "db1"},
                       {"member_id", "uuid-1"},
                       {"member_port", "3306"},
                       {"member_role", "PRIMARY"},
                       {"member_state", "ONLINE"}}),
            1);
  // NULL reads as "" (RawBytes): the label is absent.
  EXPECT_EQ(*app.Find("mysql_perf_schema_replication_group_member_info",
                      {{"channel_name", "group_replication_applier"},
                       {"member_host", "db2"},
                       {"member_id", "uuid-2"},
                       {"member_role", "SECONDARY"},
                       {"member_state", "RECOVERING"}}),
            1);
  EXPECT_EQ(*app.Find("mysql_perf_schema_transactions_checked_total", {}), 7);
  EXPECT_EQ(*app.Find("mysql_perf_schema_transactions_remote_in_applier_queue", {}), 2);
  EXPECT_EQ(*app.Find("mysql_perf_schema_transactions_local_rollback_total", {}), 13);
  EXPECT_THAT(app.Render(), HasSubstr("# TYPE mysql_perf_schema_transactions_in_queue gauge\n"
                                      "mysql_perf_schema_transactions_in_queue 0\n"));
  EXPECT_EQ(app.Samples().size(), 2u + 8u);
}

TEST(PerfReplicationApplierTest, TimestampsPerWorker) {
  FakeQuerier q;
  q.SetContaining("replication_applier_status_by_worker",
                  Wide(9, {{"", "1", "2019-03-14 10:00:00.000000", "2019-03-14 10:00:00.500000",
                            "0000-00-00 00:00:00.000000", "2019-03-14 10:00:01", "garbage",
                            "0001-01-01 00:00:00.000000", "2019-02-30 00:00:00.000000"}}));
  MemoryAppender app;
  auto c = Make(&NewPerfReplicationApplierStatusByWorkerCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  const Labels l{{"member_id", "1"}};  // channel_name "" is absent
  EXPECT_EQ(
      *app.Find("mysql_perf_schema_last_applied_transaction_original_commit_timestamp_seconds", l),
      1552557600);
  EXPECT_EQ(
      *app.Find("mysql_perf_schema_last_applied_transaction_immediate_commit_timestamp_seconds", l),
      1552557600.5);
  EXPECT_EQ(*app.Find("mysql_perf_schema_last_applied_transaction_end_apply_timestamp_seconds", l),
            0);  // no fraction: does not parse
  EXPECT_EQ(app.Samples().size(), 7u);
  EXPECT_EQ(ParseApplierTimestamp("2019-02-30 00:00:00.000000"), 0);
  EXPECT_EQ(ParseApplierTimestamp("0001-01-01 00:00:00.000000"), 0);
  EXPECT_EQ(ParseApplierTimestamp("1970-01-01 00:00:01.000001"), 1.000001);
}

}  // namespace
}  // namespace outpost::integrations::mysqld
