// The whole mysqld integration against a real, throwaway MariaDB server:
// a full collection, the unix socket, bad credentials, an unreachable
// server, and a server stopped and restarted between collections.
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/base/log.h"
#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/mysqld/mysqld.h"
#include "tests/integrations/mysqld/shared_server.h"

namespace outpost::integrations::mysqld {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::unique_ptr<Integration> MakeIntegration(const std::string& dsn,
                                             std::vector<std::string> enable = {}) {
  Options o;
  o.data_source_name = config::Secret(dsn);
  o.enable_collectors = std::move(enable);
  absl::StatusOr<std::unique_ptr<Integration>> i = NewMysqldIntegration(o, absl::Seconds(5));
  EXPECT_TRUE(i.ok()) << i.status();
  return i.ok() ? std::move(*i) : nullptr;
}

double Value(const MemoryAppender& app, std::string_view name, const Labels& l = {}) {
  const double* v = app.Find(name, l);
  return v == nullptr ? -1 : *v;
}

// Captures log lines for the test's lifetime.
class LogCapture {
 public:
  LogCapture() {
    log::SetSinkForTesting([this](std::string_view line) {
      std::lock_guard<std::mutex> l(mu_);
      text_.append(line);
      text_.push_back('\n');
    });
  }
  ~LogCapture() { log::SetSinkForTesting(nullptr); }
  std::string text() {
    std::lock_guard<std::mutex> l(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

TEST(MysqldServerTest, FullCollection) {
  outpost::testing::MariadbServer* db = SharedServer();
  ASSERT_NE(db, nullptr);
  auto integ = MakeIntegration(db->Dsn(), {"info_schema.processlist", "info_schema.innodb_metrics"});
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(Value(app, "mysql_up"), 1);
  EXPECT_EQ(Value(app, "mysql_exporter_last_scrape_error"), 0) << app.Render();
  EXPECT_EQ(Value(app, "mysql_exporter_scrapes_total"), 1);
  EXPECT_GT(app.series_count(), 1000u);
  const std::string text = app.Render();
  // MariaDB 10.11 has no innodb_version variable: the label is empty, i.e. absent.
  EXPECT_THAT(text, HasSubstr("mysql_version_info{version=\"10."));
  EXPECT_THAT(text, HasSubstr("-MariaDB"));
  EXPECT_THAT(text, HasSubstr("mysql_global_status_commands_total{command=\"select\"}"));
  EXPECT_THAT(text, HasSubstr("mysql_global_variables_max_connections 151\n"));
  EXPECT_THAT(text, HasSubstr("mysql_global_variables_lock_wait_timeout"));
  EXPECT_THAT(text, HasSubstr("mysql_exporter_collector_duration_seconds{collector=\"connection\"}"));
  EXPECT_THAT(text, HasSubstr("mysql_exporter_collector_duration_seconds{collector=\"collect.info_schema.innodb_metrics\"}"));
  EXPECT_THAT(text, HasSubstr("mysql_info_schema_innodb_metrics_buffer_pool_pages{state="));
  // No other session is open: the processlist collector has no rows, but ran.
  EXPECT_THAT(text, HasSubstr("{collector=\"collect.info_schema.processlist\"}"));
  EXPECT_THAT(text, Not(HasSubstr("mysql_exporter_scrape_errors_total")));

  // The session runs with lock_wait_timeout=2 and a second collection reuses
  // the connection and the series.
  const size_t series = app.series_count();
  app.Clear();
  ASSERT_TRUE(integ->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(Value(app, "mysql_exporter_scrapes_total"), 2);
  EXPECT_EQ(Value(app, "mysql_up"), 1);
  EXPECT_NEAR(static_cast<double>(app.Samples().size()), static_cast<double>(series), 20);
  ASSERT_EQ(db->Sql("SELECT COUNT(*) FROM information_schema.processlist WHERE user='exporter'"), 0);
  EXPECT_EQ(db->last_output(), "1\n");
}

TEST(MysqldServerTest, UnixSocket) {
  outpost::testing::MariadbServer* db = SharedServer();
  ASSERT_NE(db, nullptr);
  auto integ = MakeIntegration(std::string("exporter:") + outpost::testing::MariadbServer::kPassword +
                               "@unix(" + db->Socket() + ")/");
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(Value(app, "mysql_up"), 1);
  EXPECT_GT(app.series_count(), 500u);
}

TEST(MysqldServerTest, BadPasswordIsUpZeroAndNeverLogged) {
  outpost::testing::MariadbServer* db = SharedServer();
  ASSERT_NE(db, nullptr);
  LogCapture logs;
  auto integ = MakeIntegration("exporter:wrong-Pa55word@tcp(127.0.0.1:" +
                               std::to_string(db->port()) + ")/");
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(Value(app, "mysql_up"), 0);
  EXPECT_EQ(Value(app, "mysql_exporter_last_scrape_error"), 1);
  EXPECT_EQ(app.Samples().size(), 3u) << app.Render();  // up, scrapes_total, last_scrape_error
  app.Clear();
  ASSERT_TRUE(integ->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(Value(app, "mysql_up"), 0);
  const std::string text = logs.text();
  EXPECT_THAT(text, HasSubstr("Access denied"));
  EXPECT_THAT(text, Not(HasSubstr("wrong-Pa55word")));
  // One line per state change, not per collection.
  size_t lines = 0;
  for (size_t p = 0; (p = text.find("cannot reach mysqld", p)) != std::string::npos; ++p) ++lines;
  EXPECT_EQ(lines, 1u) << text;
}

TEST(MysqldServerTest, UnreachableServer) {
  const int port = outpost::testing::FreePort();
  auto integ = MakeIntegration("u:p@tcp(127.0.0.1:" + std::to_string(port) + ")/");
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(Value(app, "mysql_up"), 0);
}

TEST(MysqldServerTest, ServerStoppedAndRestarted) {
  outpost::testing::MariadbServer* db = SharedServer();
  ASSERT_NE(db, nullptr);
  auto integ = MakeIntegration(db->Dsn());
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  ASSERT_EQ(Value(app, "mysql_up"), 1);

  db->Stop();
  app.Clear();
  ASSERT_TRUE(integ->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(Value(app, "mysql_up"), 0);
  EXPECT_EQ(Value(app, "mysql_exporter_last_scrape_error"), 1);

  ASSERT_TRUE(db->Start()) << db->error();
  // Reconnection backs off (1 s, then 2 s, ...): poll, bounded.
  double up = 0;
  for (int i = 0; i < 100 && up != 1; ++i) {
    app.Clear();
    ASSERT_TRUE(integ->Collect(app, absl::Now() + absl::Seconds(10)).ok());
    up = Value(app, "mysql_up");
    if (up != 1) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(up, 1);
  EXPECT_EQ(Value(app, "mysql_exporter_last_scrape_error"), 0);
  EXPECT_GT(app.Samples().size(), 500u);
}

}  // namespace
}  // namespace outpost::integrations::mysqld
