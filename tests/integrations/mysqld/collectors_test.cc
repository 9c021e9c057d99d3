// Each mysqld collector on canned query results: names, types, HELP,
// labels and values as mysqld_exporter 0.14.0 maps them.
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
using ::testing::Not;
using Rows = ResultSet;
constexpr auto kNull = std::nullopt;

std::unique_ptr<Collector> Make(CollectorFactory f, const Options& o = {}) {
  CollectorOr c = f(o);
  EXPECT_TRUE(c.ok()) << c.status();
  return std::move(*c);
}

TEST(GlobalStatusTest, FoldsPrefixFamiliesAndSkipsUnparsable) {
  FakeQuerier q;
  q.Set("SHOW GLOBAL STATUS",
        Rows::Make({"Variable_name", "Value"},
                   {{"Com_select", "12"},
                    {"Com_stmt_execute", "3"},
                    {"Handler_read_rnd_next", "40"},
                    {"Connection_errors_internal", "1"},
                    {"Innodb_buffer_pool_pages_data", "100"},
                    {"Innodb_buffer_pool_pages_dirty", "5"},
                    {"Innodb_buffer_pool_pages_total", "200"},
                    {"Innodb_buffer_pool_pages_flushed", "7"},
                    {"Innodb_rows_read", "9"},
                    {"Performance_schema_accounts_lost", "0"},
                    {"Uptime", "3600"},
                    {"Slave_running", "OFF"},
                    {"Ssl_server_not_after", "Jan 02 15:04:05 2026 GMT"},
                    {"Rpl_status", "AUTH_MASTER"},
                    {"Binlog_snapshot_file", "mysql-bin.000003"},
                    {"Empty_value", ""},
                    {"Null_value", kNull},
                    {"Key-With.Odd Chars", "1.5e3"}}));
  MemoryAppender app;
  auto c = Make(&NewGlobalStatusCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP mysql_global_status_buffer_pool_dirty_pages Innodb buffer pool dirty pages.\n"
            "# TYPE mysql_global_status_buffer_pool_dirty_pages gauge\n"
            "mysql_global_status_buffer_pool_dirty_pages 5\n"
            "# HELP mysql_global_status_buffer_pool_page_changes_total Innodb buffer pool page "
            "state changes.\n"
            "# TYPE mysql_global_status_buffer_pool_page_changes_total counter\n"
            "mysql_global_status_buffer_pool_page_changes_total{operation=\"flushed\"} 7\n"
            "# HELP mysql_global_status_buffer_pool_pages Innodb buffer pool pages by state.\n"
            "# TYPE mysql_global_status_buffer_pool_pages gauge\n"
            "mysql_global_status_buffer_pool_pages{state=\"data\"} 100\n"
            "# HELP mysql_global_status_commands_total Total number of executed MySQL commands.\n"
            "# TYPE mysql_global_status_commands_total counter\n"
            "mysql_global_status_commands_total{command=\"select\"} 12\n"
            "mysql_global_status_commands_total{command=\"stmt_execute\"} 3\n"
            "# HELP mysql_global_status_connection_errors_total Total number of MySQL connection "
            "errors.\n"
            "# TYPE mysql_global_status_connection_errors_total counter\n"
            "mysql_global_status_connection_errors_total{error=\"internal\"} 1\n"
            "# HELP mysql_global_status_handlers_total Total number of executed MySQL handlers.\n"
            "# TYPE mysql_global_status_handlers_total counter\n"
            "mysql_global_status_handlers_total{handler=\"read_rnd_next\"} 40\n"
            "# HELP mysql_global_status_innodb_row_ops_total Total number of MySQL InnoDB row "
            "operations.\n"
            "# TYPE mysql_global_status_innodb_row_ops_total counter\n"
            "mysql_global_status_innodb_row_ops_total{operation=\"read\"} 9\n"
            "# HELP mysql_global_status_key_with_odd_chars Generic metric from SHOW GLOBAL "
            "STATUS.\n"
            "# TYPE mysql_global_status_key_with_odd_chars untyped\n"
            "mysql_global_status_key_with_odd_chars 1500\n"
            "# HELP mysql_global_status_performance_schema_lost_total Total number of MySQL "
            "instrumentations that could not be loaded or created due to memory constraints.\n"
            "# TYPE mysql_global_status_performance_schema_lost_total counter\n"
            "mysql_global_status_performance_schema_lost_total{instrumentation=\"accounts_lost\"} "
            "0\n"
            "# HELP mysql_global_status_slave_running Generic metric from SHOW GLOBAL STATUS.\n"
            "# TYPE mysql_global_status_slave_running untyped\n"
            "mysql_global_status_slave_running 0\n"
            "# HELP mysql_global_status_ssl_server_not_after Generic metric from SHOW GLOBAL "
            "STATUS.\n"
            "# TYPE mysql_global_status_ssl_server_not_after untyped\n"
            "mysql_global_status_ssl_server_not_after 1767366245\n"
            "# HELP mysql_global_status_uptime Generic metric from SHOW GLOBAL STATUS.\n"
            "# TYPE mysql_global_status_uptime untyped\n"
            "mysql_global_status_uptime 3600\n");
}

TEST(GlobalStatusTest, GaleraInfoAndEvsLatency) {
  FakeQuerier q;
  q.Set("SHOW GLOBAL STATUS",
        Rows::Make({"Variable_name", "Value"},
                   {{"wsrep_local_state_uuid", "a-b"},
                    {"wsrep_cluster_state_uuid", "c-d"},
                    {"wsrep_provider_version", "3.26(rac090bc)"},
                    {"wsrep_evs_repl_latency", "0.000227664/0.00034135/0.000544298/6.03708e-05/212"},
                    {"wsrep_cluster_status", "Primary"}}));
  MemoryAppender app;
  auto c = Make(&NewGlobalStatusCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  const double* info = app.Find("mysql_galera_status_info",
                                Labels{{"wsrep_cluster_state_uuid", "c-d"},
                                       {"wsrep_local_state_uuid", "a-b"},
                                       {"wsrep_provider_version", "3.26(rac090bc)"}});
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(*info, 1);
  ASSERT_NE(app.Find("mysql_galera_evs_repl_latency_max_seconds", {}), nullptr);
  EXPECT_DOUBLE_EQ(*app.Find("mysql_galera_evs_repl_latency_max_seconds", {}), 0.000544298);
  EXPECT_EQ(*app.Find("mysql_galera_evs_repl_latency_sample_size", {}), 212);
  EXPECT_EQ(*app.Find("mysql_global_status_wsrep_cluster_status", {}), 1);

  // A malformed latency (4 fields) gives no latency gauges at all.
  FakeQuerier q2;
  q2.Set("SHOW GLOBAL STATUS",
         Rows::Make({"Variable_name", "Value"}, {{"wsrep_evs_repl_latency", "1/2/3/4"}}));
  auto c_app2 = Make(&NewGlobalStatusCollector);  // outlives the appender
  MemoryAppender app2;
  ASSERT_TRUE(c_app2->Collect(q2, app2).ok());
  EXPECT_EQ(app2.series_count(), 0u);
}

TEST(GlobalStatusTest, QueryErrorIsReturned) {
  FakeQuerier q;
  q.Fail("SHOW GLOBAL STATUS", "Error 2013: Lost connection");
  MemoryAppender app;
  absl::Status st = Make(&NewGlobalStatusCollector)->Collect(q, app);
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr("Lost connection"));
}

TEST(GlobalVariablesTest, GaugesVersionInfoIsolationAndGalera) {
  FakeQuerier q;
  q.Set("SHOW GLOBAL VARIABLES",
        Rows::Make({"Variable_name", "Value"},
                   {{"max_connections", "151"},
                    {"innodb_version", "10.11.19"},
                    {"version", "10.11.19-MariaDB-0+deb12u1"},
                    {"version_comment", "Debian 12"},
                    {"tx_isolation", "READ-COMMITTED"},
                    {"transaction_isolation", "REPEATABLE-READ"},
                    {"wsrep_cluster_name", "my_wsrep_cluster"},
                    {"wsrep_provider_options", "base_dir = /x; gcache.size = 128M; gcache.page_size = 1;"},
                    {"read_only", "OFF"},
                    {"log_bin_basename", kNull},
                    {"datadir", "/var/lib/mysql/"}}));
  auto c_app = Make(&NewGlobalVariablesCollector);  // outlives the appender
  MemoryAppender app;
  ASSERT_TRUE(c_app->Collect(q, app).ok());
  const std::string text = app.Render();
  EXPECT_THAT(text, HasSubstr("# HELP mysql_global_variables_max_connections Generic gauge "
                              "metric from SHOW GLOBAL VARIABLES.\n"
                              "# TYPE mysql_global_variables_max_connections gauge\n"
                              "mysql_global_variables_max_connections 151\n"));
  EXPECT_THAT(text, HasSubstr("mysql_global_variables_read_only 0\n"));
  EXPECT_THAT(text, HasSubstr("# HELP mysql_version_info MySQL version and distribution.\n"
                              "# TYPE mysql_version_info gauge\n"
                              "mysql_version_info{innodb_version=\"10.11.19\",version=\"10.11.19-"
                              "MariaDB-0+deb12u1\",version_comment=\"Debian 12\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("mysql_transaction_isolation{level=\"REPEATABLE-READ\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("mysql_galera_variables_info{wsrep_cluster_name=\"my_wsrep_cluster\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("mysql_galera_gcache_size_bytes 134217728\n"));
  EXPECT_THAT(text, Not(HasSubstr("datadir")));
  EXPECT_THAT(text, Not(HasSubstr("log_bin_basename")));
}

TEST(GlobalVariablesTest, VersionInfoAlwaysAndOldIsolationName) {
  FakeQuerier q;
  q.Set("SHOW GLOBAL VARIABLES",
        Rows::Make({"Variable_name", "Value"}, {{"tx_isolation", "SERIALIZABLE"}}));
  auto c_app = Make(&NewGlobalVariablesCollector);  // outlives the appender
  MemoryAppender app;
  ASSERT_TRUE(c_app->Collect(q, app).ok());
  EXPECT_NE(app.Find("mysql_version_info", {}), nullptr);
  EXPECT_NE(app.Find("mysql_transaction_isolation", {{"level", "SERIALIZABLE"}}), nullptr);
  EXPECT_EQ(app.series_count(), 2u);
}

TEST(SlaveStatusTest, MariaDbAllSlavesWithLabels) {
  FakeQuerier q;
  q.Set("SHOW ALL SLAVES STATUS",
        Rows::Make({"Connection_name", "Master_Host", "Slave_IO_Running", "Slave_SQL_Running",
                    "Seconds_Behind_Master", "Last_Error", "Master_Log_File"},
                   {{"c1", "10.0.0.1", "Yes", "Connecting", "3", "", "bin.000001"},
                    {"c2", "10.0.0.2", "No", "Yes", kNull, "boom", "bin.000002"}}));
  auto c_app = Make(&NewSlaveStatusCollector);  // outlives the appender
  MemoryAppender app;
  ASSERT_TRUE(c_app->Collect(q, app).ok());
  EXPECT_EQ(q.queries().size(), 1u);
  const Labels c1{{"connection_name", "c1"}, {"master_host", "10.0.0.1"}};
  const Labels c2{{"connection_name", "c2"}, {"master_host", "10.0.0.2"}};
  EXPECT_EQ(*app.Find("mysql_slave_status_slave_io_running", c1), 1);
  EXPECT_EQ(*app.Find("mysql_slave_status_slave_sql_running", c1), 0);
  EXPECT_EQ(*app.Find("mysql_slave_status_seconds_behind_master", c1), 3);
  EXPECT_EQ(app.Find("mysql_slave_status_seconds_behind_master", c2), nullptr);
  EXPECT_EQ(*app.Find("mysql_slave_status_slave_io_running", c2), 0);
  EXPECT_EQ(app.Find("mysql_slave_status_master_log_file", c1), nullptr);
  EXPECT_THAT(app.Render(), HasSubstr("# HELP mysql_slave_status_slave_io_running Generic metric "
                                      "from SHOW SLAVE STATUS.\n# TYPE "
                                      "mysql_slave_status_slave_io_running untyped\n"));
}

TEST(SlaveStatusTest, MySqlFallsBackThroughSuffixes) {
  FakeQuerier q;
  q.Set("SHOW SLAVE STATUS NOLOCK",
        Rows::Make({"Master_Host", "Master_UUID", "Channel_Name", "Read_Master_Log_Pos"},
                   {{"db1", "uuid-1", "", "42"}}));
  auto c_app = Make(&NewSlaveStatusCollector);  // outlives the appender
  MemoryAppender app;
  ASSERT_TRUE(c_app->Collect(q, app).ok());
  EXPECT_EQ(*app.Find("mysql_slave_status_read_master_log_pos",
                      {{"master_host", "db1"}, {"master_uuid", "uuid-1"}}),
            42);
  EXPECT_EQ(q.queries().front(), "SHOW ALL SLAVES STATUS");
}

TEST(SlaveStatusTest, AllQueriesFailing) {
  FakeQuerier q;
  auto c_app = Make(&NewSlaveStatusCollector);  // outlives the appender
  MemoryAppender app;
  EXPECT_FALSE(c_app->Collect(q, app).ok());
  EXPECT_EQ(q.queries().size(), 8u);
}

constexpr char kCmpQuery[] =
    "SELECT page_size, compress_ops, compress_ops_ok, compress_time, uncompress_ops, "
    "uncompress_time FROM information_schema.innodb_cmp";
constexpr char kCmpMemQuery[] =
    "SELECT page_size, buffer_pool_instance, pages_used, pages_free, relocation_ops, "
    "relocation_time FROM information_schema.innodb_cmpmem";

TEST(InnodbCmpTest, CountersPerPageSize) {
  FakeQuerier q;
  q.Set(kCmpQuery, Rows::Make({"page_size", "compress_ops", "compress_ops_ok", "compress_time",
                               "uncompress_ops", "uncompress_time"},
                              {{"1024", "10", "9", "2", "4", "1"}, {"2048", "0", "0", "0", "0", "0"}}));
  auto c_app = Make(&NewInnodbCmpCollector);  // outlives the appender
  MemoryAppender app;
  ASSERT_TRUE(c_app->Collect(q, app).ok());
  EXPECT_EQ(app.series_count(), 10u);
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_cmp_compress_ops_ok_total", {{"page_size", "1024"}}), 9);
  EXPECT_THAT(app.Render(),
              HasSubstr("# HELP mysql_info_schema_innodb_cmp_compress_time_seconds_total Total "
                        "time in seconds spent in attempts to compress B-tree pages.\n"
                        "# TYPE mysql_info_schema_innodb_cmp_compress_time_seconds_total counter\n"));
}

TEST(InnodbCmpTest, NullCountIsAnError) {
  FakeQuerier q;
  q.Set(kCmpQuery, Rows::Make({"page_size", "compress_ops", "compress_ops_ok", "compress_time",
                               "uncompress_ops", "uncompress_time"},
                              {{"1024", kNull, "9", "2", "4", "1"}}));
  MemoryAppender app;
  absl::Status st = Make(&NewInnodbCmpCollector)->Collect(q, app);
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr("compress_ops"));
}

TEST(InnodbCmpMemTest, RelocationTimeInSeconds) {
  FakeQuerier q;
  q.Set(kCmpMemQuery, Rows::Make({"page_size", "buffer_pool_instance", "pages_used",
                                  "pages_free", "relocation_ops", "relocation_time"},
                                 {{"1024", "0", "3", "4", "5", "1500"}}));
  auto c_app = Make(&NewInnodbCmpMemCollector);  // outlives the appender
  MemoryAppender app;
  ASSERT_TRUE(c_app->Collect(q, app).ok());
  const Labels l{{"buffer_pool", "0"}, {"page_size", "1024"}};
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_cmpmem_relocation_time_seconds_total", l), 1.5);
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_cmpmem_pages_used_total", l), 3);
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_cmpmem_pages_free_total", l), 4);
}

TEST(InnodbMetricsTest, EnabledColumnAndFolding) {
  FakeQuerier q;
  q.Set("SELECT column_name FROM information_schema.columns WHERE table_name = 'INNODB_METRICS' "
        "AND column_name IN ('status', 'enabled')",
        Rows::Make({"column_name"}, {{"ENABLED"}}));
  q.Set("SELECT name, subsystem, type, comment, count FROM information_schema.innodb_metrics "
        "WHERE `enabled` = '1'",
        Rows::Make({"name", "subsystem", "type", "comment", "count"},
                   {{"buffer_page_read_index_leaf", "buffer_page_io", "counter", "x", "10"},
                    {"buffer_page_written_undo_log", "buffer_page_io", "counter", "x", "2"},
                    {"buffer_page_bogus", "buffer_page_io", "counter", "x", "2"},
                    {"buffer_pool_pages_total", "buffer", "value", "x", "100"},
                    {"buffer_pool_pages_dirty", "buffer", "value", "x", "4"},
                    {"buffer_pool_pages_free", "buffer", "value", "x", "50"},
                    {"buffer_pool_size", "server", "value", "Server buffer pool size", "1024"},
                    {"lock_timeouts", "lock", "counter", "Number of lock timeouts", "3"},
                    {"trx_rseg_history_len", "transaction", "status_counter", "History", "-1"}}));
  auto c_app = Make(&NewInnodbMetricsCollector);  // outlives the appender
  MemoryAppender app;
  ASSERT_TRUE(c_app->Collect(q, app).ok());
  const std::string text = app.Render();
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_metrics_buffer_page_read_total", {{"type", "index_leaf"}}), 10);
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_metrics_buffer_page_written_total", {{"type", "undo_log"}}), 2);
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_metrics_buffer_pool_dirty_pages", {}), 4);
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_metrics_buffer_pool_pages", {{"state", "free"}}), 50);
  EXPECT_EQ(app.Find("mysql_info_schema_innodb_metrics_buffer_pool_pages", {{"state", "total"}}), nullptr);
  EXPECT_THAT(text, HasSubstr("# HELP mysql_info_schema_innodb_metrics_lock_lock_timeouts_total "
                              "Number of lock timeouts\n# TYPE "
                              "mysql_info_schema_innodb_metrics_lock_lock_timeouts_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE mysql_info_schema_innodb_metrics_server_buffer_pool_size gauge\n"));
  // A negative counter becomes a gauge without _total (MySQL bug 75966).
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_metrics_transaction_trx_rseg_history_len", {}), -1);
  EXPECT_EQ(app.series_count(), 7u);
}

TEST(InnodbMetricsTest, NoEnabledColumn) {
  FakeQuerier q;
  q.Set("SELECT column_name FROM information_schema.columns WHERE table_name = 'INNODB_METRICS' "
        "AND column_name IN ('status', 'enabled')",
        Rows::Make({"column_name"}, {}));
  auto c_app = Make(&NewInnodbMetricsCollector);  // outlives the appender
  MemoryAppender app;
  EXPECT_FALSE(c_app->Collect(q, app).ok());
}

constexpr char kQrtQuery[] = "SELECT TIME, COUNT, TOTAL FROM INFORMATION_SCHEMA.QUERY_RESPONSE_TIME";

TEST(QueryResponseTimeTest, CumulativeHistogram) {
  FakeQuerier q;
  q.Set("SELECT @@query_response_time_stats", Rows::Make({"@@query_response_time_stats"}, {{"1"}}));
  q.Set(kQrtQuery, Rows::Make({"TIME", "COUNT", "TOTAL"},
                              {{"  0.000001", "124", "  0.000000"},
                               {"  0.000010", "179", "  0.000797"},
                               {"  0.000100", "2859", "  0.107321"},
                               {"1000000.000000", "0", "  0.000000"},
                               {"TOO LONG", "2", "TOO LONG"}}));
  auto c_app = Make(&NewQueryResponseTimeCollector);  // outlives the appender
  MemoryAppender app;
  ASSERT_TRUE(c_app->Collect(q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP mysql_info_schema_query_response_time_seconds The number of all queries by "
            "duration they took to execute.\n"
            "# TYPE mysql_info_schema_query_response_time_seconds histogram\n"
            "mysql_info_schema_query_response_time_seconds_bucket{le=\"1e-06\"} 124\n"
            "mysql_info_schema_query_response_time_seconds_bucket{le=\"1e-05\"} 303\n"
            "mysql_info_schema_query_response_time_seconds_bucket{le=\"0.0001\"} 3162\n"
            "mysql_info_schema_query_response_time_seconds_bucket{le=\"1e+06\"} 3162\n"
            "mysql_info_schema_query_response_time_seconds_bucket{le=\"+Inf\"} 3164\n"
            "mysql_info_schema_query_response_time_seconds_sum 0.108118\n"
            "mysql_info_schema_query_response_time_seconds_count 3164\n");
}

TEST(QueryResponseTimeTest, OffOrMissingIsNotAnError) {
  for (const char* v : {"0", "not-a-number"}) {
    FakeQuerier q;
    q.Set("SELECT @@query_response_time_stats", Rows::Make({"x"}, {{v}}));
    auto c_app = Make(&NewQueryResponseTimeCollector);  // outlives the appender
    MemoryAppender app;
    EXPECT_TRUE(c_app->Collect(q, app).ok());
    EXPECT_EQ(app.series_count(), 0u);
    EXPECT_EQ(q.queries().size(), 1u);
  }
  FakeQuerier absent;  // unknown system variable
  auto c_app = Make(&NewQueryResponseTimeCollector);  // outlives the appender
  MemoryAppender app;
  EXPECT_TRUE(c_app->Collect(absent, app).ok());
  // On but the table missing: an error.
  FakeQuerier broken;
  broken.Set("SELECT @@query_response_time_stats", Rows::Make({"x"}, {{"1"}}));
  EXPECT_FALSE(Make(&NewQueryResponseTimeCollector)->Collect(broken, app).ok());
}

TEST(ProcesslistTest, SanitizesAndAggregates) {
  Options o;
  o.info_schema_processlist_min_time = 5;
  FakeQuerier q;
  q.Set("SELECT user, SUBSTRING_INDEX(host, ':', 1) AS host, COALESCE(command, '') AS command, "
        "COALESCE(state, '') AS state, COUNT(*) AS processes, SUM(time) AS seconds FROM "
        "information_schema.processlist WHERE ID != connection_id() AND TIME >= 5 GROUP BY user, "
        "SUBSTRING_INDEX(host, ':', 1), command, state",
        Rows::Make({"user", "host", "command", "state", "processes", "seconds"},
                   {{"app", "10.0.0.1", "Query", "Sending data", "2", "30"},
                    {"app", "10.0.0.2", "Query", "Sending-data", "1", "5"},
                    {"system user", "", "Daemon", "", "3", "100"},
                    {"root", "localhost", "Sleep", "Waiting for table metadata lock (x);", "1", "7"}}));
  auto c_app = Make(&NewProcesslistCollector, o);  // outlives the appender
  MemoryAppender app;
  ASSERT_TRUE(c_app->Collect(q, app).ok());
  EXPECT_EQ(*app.Find("mysql_info_schema_processlist_threads",
                      {{"command", "query"}, {"state", "sending_data"}}), 3);
  EXPECT_EQ(*app.Find("mysql_info_schema_processlist_seconds",
                      {{"command", "query"}, {"state", "sending_data"}}), 35);
  EXPECT_EQ(*app.Find("mysql_info_schema_processlist_threads",
                      {{"command", "daemon"}, {"state", "unknown"}}), 3);
  EXPECT_NE(app.Find("mysql_info_schema_processlist_threads",
                     {{"command", "sleep"}, {"state", "waiting_for_table_metadata_lock_x"}}), nullptr);
  EXPECT_EQ(*app.Find("mysql_info_schema_processlist_processes_by_host", {{"client_host", "unknown"}}), 3);
  EXPECT_EQ(*app.Find("mysql_info_schema_processlist_processes_by_user", {{"mysql_user", "app"}}), 3);

  o.info_schema_processlist_processes_by_host = false;
  o.info_schema_processlist_processes_by_user = false;
  o.info_schema_processlist_min_time = 0;
  FakeQuerier q2;
  auto c_app2 = Make(&NewProcesslistCollector, o);  // outlives the appender
  MemoryAppender app2;
  EXPECT_FALSE(c_app2->Collect(q2, app2).ok());
  EXPECT_THAT(q2.queries().front(), HasSubstr("TIME >= 0 GROUP BY"));
}

TEST(PerfSchemaTest, TableAndIndexIoWaits) {
  FakeQuerier q;
  q.Set("SELECT OBJECT_SCHEMA, OBJECT_NAME, COUNT_FETCH, COUNT_INSERT, COUNT_UPDATE, "
        "COUNT_DELETE, SUM_TIMER_FETCH, SUM_TIMER_INSERT, SUM_TIMER_UPDATE, SUM_TIMER_DELETE "
        "FROM performance_schema.table_io_waits_summary_by_table WHERE OBJECT_SCHEMA NOT IN "
        "('mysql', 'performance_schema')",
        Rows::Make({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"},
                   {{"app", "users", "10", "2", "3", "4", "1500000000000", "0", "0", "2000000"}}));
  q.Set("SELECT OBJECT_SCHEMA, OBJECT_NAME, ifnull(INDEX_NAME, 'NONE') as INDEX_NAME, "
        "COUNT_FETCH, COUNT_INSERT, COUNT_UPDATE, COUNT_DELETE, SUM_TIMER_FETCH, "
        "SUM_TIMER_INSERT, SUM_TIMER_UPDATE, SUM_TIMER_DELETE FROM "
        "performance_schema.table_io_waits_summary_by_index_usage WHERE OBJECT_SCHEMA NOT IN "
        "('mysql', 'performance_schema')",
        Rows::Make({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"},
                   {{"app", "users", "PRIMARY", "5", "6", "7", "8", "1", "2", "3", "4"},
                    {"app", "users", "NONE", "5", "6", "7", "8", "1", "2", "3", "4"}}));
  auto table = Make(&NewPerfTableIoWaitsCollector);
  auto index = Make(&NewPerfIndexIoWaitsCollector);
  MemoryAppender app;
  ASSERT_TRUE(table->Collect(q, app).ok());
  ASSERT_TRUE(index->Collect(q, app).ok());
  const Labels fetch{{"name", "users"}, {"operation", "fetch"}, {"schema", "app"}};
  EXPECT_EQ(*app.Find("mysql_perf_schema_table_io_waits_total", fetch), 10);
  EXPECT_EQ(*app.Find("mysql_perf_schema_table_io_waits_seconds_total", fetch), 1.5);
  EXPECT_EQ(app.Find("mysql_perf_schema_index_io_waits_total",
                     {{"index", "PRIMARY"}, {"name", "users"}, {"operation", "insert"}, {"schema", "app"}}),
            nullptr);
  EXPECT_EQ(*app.Find("mysql_perf_schema_index_io_waits_total",
                      {{"index", "NONE"}, {"name", "users"}, {"operation", "insert"}, {"schema", "app"}}),
            6);
  EXPECT_EQ(app.Samples().size(), 8u + 6u + 8u);

  FakeQuerier bad;
  bad.Set("SELECT OBJECT_SCHEMA, OBJECT_NAME, COUNT_FETCH, COUNT_INSERT, COUNT_UPDATE, "
          "COUNT_DELETE, SUM_TIMER_FETCH, SUM_TIMER_INSERT, SUM_TIMER_UPDATE, SUM_TIMER_DELETE "
          "FROM performance_schema.table_io_waits_summary_by_table WHERE OBJECT_SCHEMA NOT IN "
          "('mysql', 'performance_schema')",
          Rows::Make({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"},
                     {{"app", "users", "-1", "2", "3", "4", "1", "0", "0", kNull}}));
  MemoryAppender app2;
  EXPECT_FALSE(table->Collect(bad, app2).ok());
}

TEST(CollectorTest, SteadyStateReusesSeries) {
  FakeQuerier q;
  q.Set("SHOW GLOBAL STATUS",
        Rows::Make({"Variable_name", "Value"}, {{"Com_select", "1"}, {"Uptime", "2"}}));
  MemoryAppender app;
  auto c = Make(&NewGlobalStatusCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  app.Clear();
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(app.series_count(), 2u);
  EXPECT_EQ(app.Samples().size(), 2u);
}

}  // namespace
}  // namespace outpost::integrations::mysqld
