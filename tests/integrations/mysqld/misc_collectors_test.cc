// binlog_size, engine_innodb_status, engine_tokudb_status, heartbeat and
// slave_hosts on canned query results, as mysqld_exporter 0.14.0 maps them.
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

TEST(BinlogSizeTest, SumsFilesAndTakesTheLastNumber) {
  FakeQuerier q;
  q.Set("SELECT @@log_bin", Rows::Make({"@@log_bin"}, {{"1"}}));
  q.Set("SHOW BINARY LOGS", Rows::Make({"Log_name", "File_size"},
                                       {{"mysql-bin.000001", "1000"}, {"mysql-bin.000012", "24"}}));
  MemoryAppender app;
  auto c = Make(&NewBinlogSizeCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP mysql_binlog_file_number The last binlog file number.\n"
            "# TYPE mysql_binlog_file_number gauge\n"
            "mysql_binlog_file_number 12\n"
            "# HELP mysql_binlog_files Number of registered binlog files.\n"
            "# TYPE mysql_binlog_files gauge\n"
            "mysql_binlog_files 2\n"
            "# HELP mysql_binlog_size_bytes Combined size of all registered binlog files.\n"
            "# TYPE mysql_binlog_size_bytes gauge\n"
            "mysql_binlog_size_bytes 1024\n");

  // MySQL 8's third column; a row that does not scan ends the collection
  // quietly, without samples (upstream returns nil).
  FakeQuerier q3;
  q3.Set("SELECT @@log_bin", Rows::Make({"@@log_bin"}, {{"1"}}));
  q3.Set("SHOW BINARY LOGS",
         Rows::Make({"Log_name", "File_size", "Encrypted"},
                    {{"binlog.000003", "10", "No"}, {"binlog.000004", "x", "No"}}));
  MemoryAppender app3;
  ASSERT_TRUE(c->Collect(q3, app3).ok());
  EXPECT_EQ(app3.Samples().size(), 0u);

  // log_bin off: nothing; four columns: an error.
  FakeQuerier off;
  off.Set("SELECT @@log_bin", Rows::Make({"@@log_bin"}, {{"0"}}));
  ASSERT_TRUE(c->Collect(off, app3).ok());
  EXPECT_EQ(off.queries().size(), 1u);
  FakeQuerier wide;
  wide.Set("SELECT @@log_bin", Rows::Make({"@@log_bin"}, {{"1"}}));
  wide.Set("SHOW BINARY LOGS", Rows::Make({"a", "b", "c", "d"}, {}));
  EXPECT_FALSE(c->Collect(wide, app3).ok());
}

TEST(EngineInnodbStatusTest, QueriesAndReadViews) {
  FakeQuerier q;
  q.Set("SHOW ENGINE INNODB STATUS",
        Rows::Make({"Type", "Name", "Status"},
                   {{"InnoDB", "",
                     "=====\nROW OPERATIONS\n--------------\n3 queries inside InnoDB, 7 queries in "
                     "queue\n2 read views open inside InnoDB\nProcess ID=1, Main thread ID=2\n"}}));
  MemoryAppender app;
  auto c = Make(&NewEngineInnodbStatusCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(*app.Find("mysql_engine_innodb_queries_inside_innodb", {}), 3);
  EXPECT_EQ(*app.Find("mysql_engine_innodb_queries_in_queue", {}), 7);
  EXPECT_EQ(*app.Find("mysql_engine_innodb_read_views_open_inside_innodb", {}), 2);
  EXPECT_THAT(app.Render(),
              HasSubstr("# HELP mysql_engine_innodb_queries_in_queue Queries in "
                        "queue.\n# TYPE mysql_engine_innodb_queries_in_queue gauge\n"));
  // MariaDB 10.11 prints neither line: no samples, no error.
  FakeQuerier maria;
  maria.Set("SHOW ENGINE INNODB STATUS",
            Rows::Make({"Type", "Name", "Status"}, {{"InnoDB", "", "\nBUFFER POOL\n"}}));
  MemoryAppender app2;
  ASSERT_TRUE(c->Collect(maria, app2).ok());
  EXPECT_EQ(app2.Samples().size(), 0u);
}

TEST(EngineTokudbStatusTest, SanitizedUntypedKeys) {
  EXPECT_EQ(SanitizeTokudbMetric("cachetable: size (bytes) > limit"),
            "cachetable_size_bytes__limit");
  EXPECT_EQ(SanitizeTokudbMetric("reads+writes/sec-x"), "readsandwritesandsec_x");
  FakeQuerier q;
  q.Set("SHOW ENGINE TOKUDB STATUS",
        Rows::Make({"Type", "Name", "Status"},
                   {{"TokuDB", "Cachetable: miss", "12"},
                    {"TokuDB", "checkpoint: last began", "Thu Jan  1 00:00:00 1970"},
                    {"TokuDB", "Loader: ON", "ON"},
                    {"TokuDB", "null", kNull}}));
  MemoryAppender app;
  auto c = Make(&NewEngineTokudbStatusCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP mysql_engine_tokudb_cachetable_miss Generic metric from SHOW ENGINE TOKUDB "
            "STATUS.\n"
            "# TYPE mysql_engine_tokudb_cachetable_miss untyped\n"
            "mysql_engine_tokudb_cachetable_miss 12\n"
            "# HELP mysql_engine_tokudb_loader_on Generic metric from SHOW ENGINE TOKUDB STATUS.\n"
            "# TYPE mysql_engine_tokudb_loader_on untyped\n"
            "mysql_engine_tokudb_loader_on 1\n");
}

TEST(HeartbeatTest, StoredAndNowPerServer) {
  FakeQuerier q;
  q.Set("SELECT UNIX_TIMESTAMP(ts), UNIX_TIMESTAMP(NOW(6)), server_id from `heartbeat`.`heartbeat`",
        Rows::Make({"a", "b", "server_id"}, {{"1487597613.001320", "1487598113.448042", "1"}}));
  MemoryAppender app;
  auto c = Make(&NewHeartbeatCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(app.Render(),
            "# HELP mysql_heartbeat_now_timestamp_seconds Timestamp of the current server.\n"
            "# TYPE mysql_heartbeat_now_timestamp_seconds gauge\n"
            "mysql_heartbeat_now_timestamp_seconds{server_id=\"1\"} 1487598113.448042\n"
            "# HELP mysql_heartbeat_stored_timestamp_seconds Timestamp stored in the heartbeat "
            "table.\n"
            "# TYPE mysql_heartbeat_stored_timestamp_seconds gauge\n"
            "mysql_heartbeat_stored_timestamp_seconds{server_id=\"1\"} 1487597613.00132\n");

  Options o;
  o.heartbeat_database = "hb";
  o.heartbeat_table = "beats";
  o.heartbeat_utc = true;
  FakeQuerier q2;
  q2.Set("SELECT UNIX_TIMESTAMP(ts), UNIX_TIMESTAMP(UTC_TIMESTAMP(6)), server_id from `hb`.`beats`",
         Rows::Make({"a", "b", "server_id"}, {{kNull, "1", "2"}}));
  auto c2 = Make(&NewHeartbeatCollector, o);
  MemoryAppender app2;
  // A NULL stored timestamp does not parse: an error.
  absl::Status st = c2->Collect(q2, app2);
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr("ParseFloat"));
}

TEST(SlaveHostsTest, MysqlAndMariadbLayouts) {
  EXPECT_TRUE(IsGoUuid("2a3b2f0c-1e3d-11e6-a5c2-0800275ac1c4"));
  EXPECT_TRUE(IsGoUuid("{2a3b2f0c-1e3d-11e6-a5c2-0800275ac1c4}"));
  EXPECT_TRUE(IsGoUuid("URN:uuid:2a3b2f0c-1e3d-11e6-a5c2-0800275ac1c4"));
  EXPECT_TRUE(IsGoUuid("2a3b2f0c1e3d11e6a5c20800275ac1c4"));
  EXPECT_FALSE(IsGoUuid("2a3b2f0c-1e3d-11e6-a5c2_0800275ac1c4"));
  EXPECT_FALSE(IsGoUuid("1"));

  FakeQuerier q;
  // MySQL: Server_id, Host, Port, Master_id, Slave_UUID.
  q.Set("SHOW SLAVE HOSTS", Rows::Make({"Server_id", "Host", "Port", "Master_id", "Slave_UUID"},
                                       {{"192168010", "iconnect2", "3306", "192168011",
                                         "14cb6624-7f93-11e0-b2c0-c80aa9429562"}}));
  MemoryAppender app;
  auto c = Make(&NewSlaveHostsCollector);
  ASSERT_TRUE(c->Collect(q, app).ok());
  EXPECT_EQ(*app.Find("mysql_heartbeat_mysql_slave_hosts_info",
                      {{"master_id", "192168011"},
                       {"port", "3306"},
                       {"server_id", "192168010"},
                       {"slave_host", "iconnect2"},
                       {"slave_uuid", "14cb6624-7f93-11e0-b2c0-c80aa9429562"}}),
            1);
  // MariaDB: Server_id, Host, Port, Master_id (four columns).
  FakeQuerier maria;
  maria.Set("SHOW SLAVE HOSTS", Rows::Make({"Server_id", "Host", "Port", "Master_id"},
                                           {{"2", "replica", "3307", "1"}}));
  MemoryAppender app2;
  ASSERT_TRUE(c->Collect(maria, app2).ok());
  EXPECT_EQ(
      *app2.Find(
          "mysql_heartbeat_mysql_slave_hosts_info",
          {{"master_id", "1"}, {"port", "3307"}, {"server_id", "2"}, {"slave_host", "replica"}}),
      1);
  EXPECT_THAT(app2.Render(), HasSubstr("# HELP mysql_heartbeat_mysql_slave_hosts_info Information "
                                       "about running slaves\n"));
}

}  // namespace
}  // namespace outpost::integrations::mysqld
