// The optional information_schema and mysql.* collectors on canned query
// results: names, types, HELP, labels and values as mysqld_exporter 0.14.0
// maps them, and its error behaviour (NULLs, bad numbers, userstat off).
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

constexpr char kUserstat[] =
    "SHOW GLOBAL VARIABLES WHERE Variable_Name='userstat' OR Variable_Name='userstat_running'";

TEST(InfoSchemaTablesTest, AllSchemasOrTheConfiguredList) {
  FakeQuerier q;
  q.SetContaining("FROM information_schema.schemata", Rows::Make({"SCHEMA_NAME"}, {{"shop"}}));
  q.SetContaining("WHERE TABLE_SCHEMA = 'shop'",
                  Rows::Make({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"},
                             {{"shop", "orders", "BASE TABLE", "InnoDB", "10", "Dynamic", "3",
                               "16384", "0", "4096", ""}}));
  MemoryAppender app;
  auto c = Make(&NewInfoSchemaTablesCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(*app.Find("mysql_info_schema_table_version", {{"engine", "InnoDB"},
                                                          {"row_format", "Dynamic"},
                                                          {"schema", "shop"},
                                                          {"table", "orders"},
                                                          {"type", "BASE TABLE"}}),
            10);
  EXPECT_EQ(*app.Find("mysql_info_schema_table_rows", {{"schema", "shop"}, {"table", "orders"}}),
            3);
  EXPECT_EQ(*app.Find("mysql_info_schema_table_size",
                      {{"component", "data_length"}, {"schema", "shop"}, {"table", "orders"}}),
            16384);
  EXPECT_EQ(*app.Find("mysql_info_schema_table_size",
                      {{"component", "data_free"}, {"schema", "shop"}, {"table", "orders"}}),
            4096);
  EXPECT_THAT(app.Render(), HasSubstr("# HELP mysql_info_schema_table_version The version number "
                                      "of the table's .frm file\n# TYPE "
                                      "mysql_info_schema_table_version gauge\n"));

  // A list: one query per name, quoted; no schema listing.
  Options o;
  o.info_schema_tables_databases = "shop,it's";
  FakeQuerier q2;
  q2.SetContaining("WHERE TABLE_SCHEMA = 'shop'",
                   Rows::Make({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}, {}));
  q2.SetContaining("WHERE TABLE_SCHEMA = 'it''s'",
                   Rows::Make({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}, {}));
  MemoryAppender app2;
  auto c2 = Make(&NewInfoSchemaTablesCollector, o);
  ASSERT_TRUE(c2->Collect(q2, app2).ok());
  ASSERT_EQ(q2.queries().size(), 2u);

  // A NULL name or a non-integer size is a scrape error, as Go's Scan.
  FakeQuerier bad;
  bad.SetContaining("FROM information_schema.schemata", Rows::Make({"SCHEMA_NAME"}, {{"shop"}}));
  bad.SetContaining("WHERE TABLE_SCHEMA",
                    Rows::Make({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"},
                               {{"shop", "t", "BASE TABLE", "InnoDB", "10", "Dynamic", "1.5", "0",
                                 "0", "0", "NONE"}}));
  MemoryAppender app3;
  EXPECT_FALSE(c->Collect(bad, app3).ok());
}

TEST(TableStatisticsTest, TableAndSchemaStatsOnlyWithUserstat) {
  FakeQuerier q;
  q.Set(kUserstat, Rows::Make({"Variable_name", "Value"}, {{"userstat", "ON"}}));
  q.SetContaining("GROUP BY TABLE_SCHEMA", Rows::Make({"TABLE_SCHEMA", "ROWS_READ", "ROWS_CHANGED",
                                                       "ROWS_CHANGED_X_INDEXES"},
                                                      {{"shop", "30", "4", "8"}}));
  q.SetContaining(
      "FROM information_schema.table_statistics",
      Rows::Make(
          {"TABLE_SCHEMA", "TABLE_NAME", "ROWS_READ", "ROWS_CHANGED", "ROWS_CHANGED_X_INDEXES"},
          {{"shop", "orders", "10", "2", "4"}, {"shop", "items", "20", "2", "4"}}));
  MemoryAppender app;
  auto tables = Make(&NewTableStatsCollector);
  auto schemas = Make(&NewSchemaStatsCollector);
  ASSERT_TRUE(tables->Collect(q, app).ok());
  ASSERT_TRUE(schemas->Collect(q, app).ok());
  EXPECT_EQ(*app.Find("mysql_info_schema_table_statistics_rows_read_total",
                      {{"schema", "shop"}, {"table", "items"}}),
            20);
  EXPECT_EQ(*app.Find("mysql_info_schema_schema_statistics_rows_changed_x_indexes_total",
                      {{"schema", "shop"}}),
            8);
  EXPECT_THAT(app.Render(),
              HasSubstr("# HELP mysql_info_schema_schema_statistics_rows_changed_x_indexes_total "
                        "The number of rows changed in the schema, multiplied by the number of "
                        "indexes changed.\n# TYPE "
                        "mysql_info_schema_schema_statistics_rows_changed_x_indexes_total "
                        "counter\n"));
  EXPECT_EQ(app.Samples().size(), 9u);

  // userstat OFF, or the check failing: no query, no error, no samples.
  FakeQuerier off;
  off.Set(kUserstat, Rows::Make({"Variable_name", "Value"}, {{"userstat", "OFF"}}));
  MemoryAppender app2;
  ASSERT_TRUE(tables->Collect(off, app2).ok());
  FakeQuerier none;
  ASSERT_TRUE(schemas->Collect(none, app2).ok());
  EXPECT_EQ(app2.Samples().size(), 0u);
  EXPECT_EQ(off.queries().size(), 1u);
}

TEST(UserStatisticsTest, KnownColumnsTypedOthersUntyped) {
  FakeQuerier q;
  q.Set(kUserstat, Rows::Make({"Variable_name", "Value"}, {{"userstat", "ON"}}));
  q.Set("SELECT * FROM information_schema.user_statistics",
        Rows::Make(
            {"USER", "TOTAL_CONNECTIONS", "CONCURRENT_CONNECTIONS", "BUSY_TIME", "KEY_READ_HITS"},
            {{"app", "5", "1", "0.25", "7"}}));
  q.Set("SELECT * FROM information_schema.client_statistics",
        Rows::Make({"CLIENT", "MAX_STATEMENT_TIME_EXCEEDED"}, {{"10.0.0.1", "2"}}));
  MemoryAppender app;
  auto users = Make(&NewUserStatsCollector);
  auto clients = Make(&NewClientStatsCollector);
  ASSERT_TRUE(users->Collect(q, app).ok());
  ASSERT_TRUE(clients->Collect(q, app).ok());
  const std::string text = app.Render();
  EXPECT_THAT(text,
              HasSubstr("# TYPE mysql_info_schema_user_statistics_total_connections counter\n"
                        "mysql_info_schema_user_statistics_total_connections{user=\"app\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE mysql_info_schema_user_statistics_concurrent_connections "
                              "gauge\n"));
  EXPECT_THAT(text, HasSubstr("mysql_info_schema_user_statistics_busy_seconds_total{user=\"app\"} "
                              "0.25\n"));
  EXPECT_THAT(text, HasSubstr("# HELP mysql_info_schema_user_statistics_key_read_hits Unsupported "
                              "metric from column KEY_READ_HITS\n# TYPE "
                              "mysql_info_schema_user_statistics_key_read_hits untyped\n"));
  EXPECT_THAT(text, HasSubstr("mysql_info_schema_client_statistics_max_statement_time_exceeded_"
                              "total{client=\"10.0.0.1\"} 2\n"));

  // A NULL number fails the whole collection (Scan into float64).
  FakeQuerier bad;
  bad.Set(kUserstat, Rows::Make({"Variable_name", "Value"}, {{"userstat", "ON"}}));
  bad.Set("SELECT * FROM information_schema.user_statistics",
          Rows::Make({"USER", "TOTAL_CONNECTIONS"}, {{"app", kNull}}));
  MemoryAppender app2;
  EXPECT_FALSE(users->Collect(bad, app2).ok());
}

TEST(AutoIncrementTest, ValueAndMax) {
  FakeQuerier q;
  q.SetContaining(
      "c.extra = 'auto_increment'",
      Rows::Make({"table_schema", "table_name", "column_name", "auto_increment", "max_int"},
                 {{"shop", "orders", "id", "4", "2147483647"},
                  {"shop", "big", "id", "1", "1.8446744073709552e19"}}));
  MemoryAppender app;
  auto c = Make(&NewAutoIncrementColumnsCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  const Labels l{{"column", "id"}, {"schema", "shop"}, {"table", "orders"}};
  EXPECT_EQ(*app.Find("mysql_info_schema_auto_increment_column", l), 4);
  EXPECT_EQ(*app.Find("mysql_info_schema_auto_increment_column_max", l), 2147483647);
  EXPECT_EQ(*app.Find("mysql_info_schema_auto_increment_column_max",
                      {{"column", "id"}, {"schema", "shop"}, {"table", "big"}}),
            18446744073709551616.0);
}

TEST(InnodbTablespacesTest, FindsTheTableThenReadsIt) {
  FakeQuerier q;
  q.SetContaining("WHERE table_name = 'INNODB_SYS_TABLESPACES'",
                  Rows::Make({"table_name"}, {{"INNODB_SYS_TABLESPACES"}}));
  q.SetContaining("FROM information_schema.`INNODB_SYS_TABLESPACES`",
                  Rows::Make({"SPACE", "NAME", "FILE_FORMAT", "ROW_FORMAT", "SPACE_TYPE",
                              "FILE_SIZE", "ALLOCATED_SIZE"},
                             {{"3", "shop/orders", "NONE", "Dynamic", "NONE", "98304", "65536"}}));
  MemoryAppender app;
  auto c = Make(&NewInnodbTablespacesCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_tablespace_space_info",
                      {{"file_format", "NONE"},
                       {"row_format", "Dynamic"},
                       {"space_type", "NONE"},
                       {"tablespace_name", "shop/orders"}}),
            3);
  EXPECT_EQ(*app.Find("mysql_info_schema_innodb_tablespace_allocated_size_bytes",
                      {{"tablespace_name", "shop/orders"}}),
            65536);
  // Neither table exists: an error, as upstream (sql.ErrNoRows).
  FakeQuerier none;
  none.SetContaining("WHERE table_name", Rows::Make({"table_name"}, {}));
  MemoryAppender app2;
  EXPECT_FALSE(c->Collect(none, app2).ok());
}

TEST(ReplicaHostTest, AuroraRowsAndMissingTableIsQuiet) {
  FakeQuerier q;
  q.SetContaining("replica_host_status",
                  Rows::Make({"SERVER_ID", "ROLE", "CPU", "a", "b", "c", "d"},
                             {{"db-1", "writer", "12.5", "1500000", "250", "3.5", "2000"}}));
  MemoryAppender app;
  auto c = Make(&NewReplicaHostCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  const Labels l{{"role", "writer"}, {"server_id", "db-1"}};
  EXPECT_EQ(*app.Find("mysql_info_schema_replica_host_cpu_percent", l), 12.5);
  EXPECT_DOUBLE_EQ(*app.Find("mysql_info_schema_replica_host_replica_latency_seconds", l), 1.5);
  EXPECT_DOUBLE_EQ(*app.Find("mysql_info_schema_replica_host_lag_seconds", l), 0.25);
  EXPECT_DOUBLE_EQ(*app.Find("mysql_info_schema_replica_host_replay_latency_seconds", l), 0.002);

  FakeQuerier missing;
  missing.Fail(std::string(q.queries().front()),
               "Error 1109: Unknown table 'replica_host_status' in information_schema");
  MemoryAppender app2;
  EXPECT_TRUE(c->Collect(missing, app2).ok());
  FakeQuerier other;
  other.Fail(std::string(q.queries().front()), "Error 1045: Access denied");
  EXPECT_FALSE(c->Collect(other, app2).ok());
}

TEST(MysqlUserTest, LimitsAndOptionalPrivileges) {
  std::initializer_list<std::string_view> cols = {"user",
                                                  "host",
                                                  "Select_priv",
                                                  "Insert_priv",
                                                  "Update_priv",
                                                  "Delete_priv",
                                                  "Create_priv",
                                                  "Drop_priv",
                                                  "Reload_priv",
                                                  "Shutdown_priv",
                                                  "Process_priv",
                                                  "File_priv",
                                                  "Grant_priv",
                                                  "References_priv",
                                                  "Index_priv",
                                                  "Alter_priv",
                                                  "Show_db_priv",
                                                  "Super_priv",
                                                  "Create_tmp_table_priv",
                                                  "Lock_tables_priv",
                                                  "Execute_priv",
                                                  "Repl_slave_priv",
                                                  "Repl_client_priv",
                                                  "Create_view_priv",
                                                  "Show_view_priv",
                                                  "Create_routine_priv",
                                                  "Alter_routine_priv",
                                                  "Create_user_priv",
                                                  "Event_priv",
                                                  "Trigger_priv",
                                                  "Create_tablespace_priv",
                                                  "max_questions",
                                                  "max_updates",
                                                  "max_connections",
                                                  "max_user_connections"};
  ResultSet rs;
  rs.Reset(cols.size());
  size_t i = 0;
  for (std::string_view c : cols) rs.SetColumn(i++, c);
  rs.AddCell("app");
  rs.AddCell("%");
  rs.AddCell("Y");
  for (int k = 0; k < 27; ++k) rs.AddCell("N");
  rs.AddCell("?");  // not Y/N: skipped
  for (std::string_view v : {"10", "20", "30", "4294967295"}) rs.AddCell(v);
  FakeQuerier q;
  q.SetContaining("FROM mysql.user", rs);

  MemoryAppender app;
  auto plain = Make(&NewMysqlUserCollector);
  ASSERT_TRUE(plain->Collect(q, app).ok());
  const Labels l{{"hostmask", "%"}, {"mysql_user", "app"}};
  EXPECT_EQ(*app.Find("mysql_mysql_max_questions", l), 10);
  EXPECT_EQ(*app.Find("mysql_mysql_max_user_connections", l), 4294967295.0);
  EXPECT_EQ(app.Samples().size(), 4u);
  EXPECT_THAT(app.Render(), HasSubstr("# HELP mysql_mysql_max_updates The number of max_updates "
                                      "by user.\n# TYPE mysql_mysql_max_updates gauge\n"));

  Options o;
  o.mysql_user_privileges = true;
  auto privs = Make(&NewMysqlUserCollector, o);
  MemoryAppender app2;
  ASSERT_TRUE(privs->Collect(q, app2).ok());
  EXPECT_EQ(*app2.Find("mysql_mysql_select_priv", l), 1);
  EXPECT_EQ(*app2.Find("mysql_mysql_trigger_priv", l), 0);
  EXPECT_EQ(app2.Find("mysql_mysql_create_tablespace_priv", l), nullptr);
  EXPECT_EQ(app2.Samples().size(), 4u + 28u);
  EXPECT_THAT(app2.Render(), HasSubstr("# HELP mysql_mysql_select_priv Select_priv by user.\n"));
}

TEST(MysqlUserTest, LimitBeyondUint32IsAnError) {
  ResultSet rs;
  rs.Reset(35);
  for (size_t c = 0; c < 35; ++c) rs.SetColumn(c, "c");
  for (size_t c = 0; c < 31; ++c) rs.AddCell("x");
  for (std::string_view v : {"0", "0", "0", "4294967296"}) rs.AddCell(v);
  FakeQuerier q;
  q.SetContaining("FROM mysql.user", rs);
  MemoryAppender app;
  auto c = Make(&NewMysqlUserCollector);
  EXPECT_FALSE(c->Collect(q, app).ok());
}

}  // namespace
}  // namespace outpost::integrations::mysqld
