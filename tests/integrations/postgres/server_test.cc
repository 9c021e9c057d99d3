// The postgres integration core against a real, throwaway PostgreSQL
// server: pg_up and pg_static, both DSN forms, bad credentials, a server
// stopped and restarted between collections, a flat number of server
// connections over many collections, autodiscovery, and the password never
// reaching the logs.
#include <fstream>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/postgres/postgres.h"
#include "tests/integrations/postgres/shared_server.h"
#include "tests/support/log_capture.h"

namespace outpost::integrations::postgres {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using outpost::testing::LogCapture;
using outpost::testing::PostgresServer;

double Value(const MemoryAppender& app, std::string_view name, const Labels& l = {}) {
  const double* v = app.Find(name, l);
  return v == nullptr ? -1 : *v;
}

std::unique_ptr<Integration> Make(const Options& o, ServerCollectorFactory f = nullptr) {
  absl::StatusOr<std::unique_ptr<Integration>> i = NewPostgresIntegration(o, absl::Seconds(5), f);
  EXPECT_TRUE(i.ok()) << i.status();
  return i.ok() ? std::move(*i) : nullptr;
}

Options WithDsns(std::vector<std::string> dsns) {
  Options o;
  for (std::string& d : dsns) o.data_source_names.emplace_back(std::move(d));
  return o;
}

absl::Status Collect(Integration& i, MemoryAppender& app) {
  app.Clear();
  return i.Collect(app, absl::Now() + absl::Seconds(30));
}

// Connections the integration holds (application_name=outpost).
int OutpostConnections(PostgresServer* pg) {
  std::string n;
  EXPECT_TRUE(pg->Sql("SELECT count(*) FROM pg_stat_activity WHERE application_name='outpost'",
                      &n))
      << pg->error();
  return std::atoi(n.c_str());
}

// (Re)creates empty databases; false with the test failed on an error.
bool FreshDatabases(PostgresServer* pg, std::initializer_list<const char*> names) {
  for (const char* db : names) {
    if (!pg->Sql(std::string("DROP DATABASE IF EXISTS ") + db + " WITH (FORCE)") ||
        !pg->Sql(std::string("CREATE DATABASE ") + db)) {
      ADD_FAILURE() << db << ": " << pg->error();
      return false;
    }
  }
  return true;
}

// Records which servers got a ServerCollector and how often each ran.
struct Recorder {
  struct Entry {
    ServerInfo info;
    int runs = 0;
    std::string database;
  };
  std::vector<std::unique_ptr<Entry>> entries;

  class Collector final : public ServerCollector {
   public:
    explicit Collector(Entry* e) : e_(e) {}
    absl::Status Collect(Querier& q, const ServerVersion& v, Appender&, absl::Time) override {
      ++e_->runs;
      EXPECT_GE(v.major, 12);
      ResultSet rs;
      absl::Status st = q.Query("SELECT current_database()", &rs);
      if (st.ok() && rs.num_rows() == 1) e_->database.assign(rs.Text(0, 0));
      return st;
    }

   private:
    Entry* e_;
  };

  ServerCollectorFactory Factory() {
    return [this](const Options&, const ServerInfo& info)
               -> absl::StatusOr<std::unique_ptr<ServerCollector>> {
      entries.push_back(std::make_unique<Entry>());
      entries.back()->info = info;
      return std::make_unique<Collector>(entries.back().get());
    };
  }
  const Entry* Find(std::string_view db) const {
    for (const auto& e : entries) {
      if (e->database == db) return e.get();
    }
    return nullptr;
  }
};

TEST(PostgresIntegrationTest, FactorySeesEveryConfiguredServer) {
  Recorder rec;
  auto integ = Make(WithDsns({"postgresql://u:hunter2@db1:5433/app", "host=/run/postgresql"}),
                    rec.Factory());
  ASSERT_NE(integ, nullptr);  // nothing connects yet
  ASSERT_EQ(rec.entries.size(), 2u);
  EXPECT_EQ(rec.entries[0]->info.server, "db1:5433");
  EXPECT_EQ(rec.entries[0]->info.masked_dsn, "postgresql://u:***@db1:5433/app");
  EXPECT_TRUE(rec.entries[0]->info.master);
  EXPECT_TRUE(rec.entries[0]->info.first);
  EXPECT_EQ(rec.entries[1]->info.server, "/run/postgresql:5432");
  EXPECT_TRUE(rec.entries[1]->info.master);
  EXPECT_FALSE(rec.entries[1]->info.first);

  absl::StatusOr<std::unique_ptr<Integration>> failed = NewPostgresIntegration(
      WithDsns({"postgresql://db/x"}), absl::Seconds(5),
      [](const Options&, const ServerInfo&) -> absl::StatusOr<std::unique_ptr<ServerCollector>> {
        return absl::InvalidArgumentError("bad query file");
      });
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().message(), HasSubstr("bad query file"));
  absl::StatusOr<std::unique_ptr<Integration>> bad_dsn =
      NewPostgresIntegration(WithDsns({"postgresql://db/x", "host=h password=hunter2 x"}));
  ASSERT_FALSE(bad_dsn.ok());
  EXPECT_THAT(bad_dsn.status().message(), HasSubstr("data_source_names[1]: invalid DSN"));
  EXPECT_THAT(bad_dsn.status().message(), Not(HasSubstr("hunter2")));
}

TEST(PostgresServerTest, UpAndStaticWithTheRealVersion) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  std::string version;
  ASSERT_TRUE(pg->Sql("SELECT version()", &version)) << pg->error();
  std::string short_version;
  ASSERT_TRUE(pg->Sql("SELECT current_setting('server_version_num')", &short_version));
  const int num = std::atoi(short_version.c_str());
  const std::string expect_short = std::to_string(num / 10000) + "." + std::to_string(num % 100) + ".0";

  for (const std::string& dsn : {pg->Dsn(), pg->Conninfo()}) {
    SCOPED_TRACE(dsn);
    auto integ = Make(WithDsns({dsn}));
    ASSERT_NE(integ, nullptr);
    MemoryAppender app;
    ASSERT_TRUE(Collect(*integ, app).ok());
    EXPECT_EQ(Value(app, "pg_up"), 1) << app.Render();
    EXPECT_EQ(Value(app, "pg_exporter_last_scrape_error"), 0);
    EXPECT_EQ(Value(app, "pg_exporter_scrapes_total"), 1);
    EXPECT_GE(Value(app, "pg_exporter_last_scrape_duration_seconds"), 0);
    const std::string server = "127.0.0.1:" + std::to_string(pg->port());
    EXPECT_EQ(Value(app, "pg_static",
                    {{"server", server}, {"version", version}, {"short_version", expect_short}}),
              1)
        << app.Render();
    const std::string text = app.Render();
    EXPECT_THAT(text, HasSubstr("# TYPE pg_static untyped"));
    EXPECT_THAT(text, HasSubstr("postgres_exporter_build_info{"));
    ASSERT_TRUE(Collect(*integ, app).ok());
    EXPECT_EQ(Value(app, "pg_exporter_scrapes_total"), 2);
    EXPECT_EQ(Value(app, "pg_up"), 1);
  }
}

TEST(PostgresServerTest, DisableDefaultMetricsDropsPgStatic) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  Options o = WithDsns({pg->Dsn()});
  o.disable_default_metrics = true;
  auto integ = Make(o);
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(Collect(*integ, app).ok());
  EXPECT_EQ(Value(app, "pg_up"), 1);
  EXPECT_THAT(app.Render(), Not(HasSubstr("pg_static")));
}

TEST(PostgresServerTest, BadPasswordGivesPgUpZeroAndLogsOnce) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  LogCapture logs;
  const std::string dsn = "postgresql://outpost:wrong-Pa55word@127.0.0.1:" +
                          std::to_string(pg->port()) + "/postgres?sslmode=disable";
  auto integ = Make(WithDsns({dsn}));
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  for (int i = 0; i < 5; ++i) {
    // `up` 0 for the round, and pg_up 0 kept (TargetDown).
    const absl::Status st = Collect(*integ, app);
    ASSERT_TRUE(IsTargetDown(st)) << st;
    EXPECT_EQ(Value(app, "pg_up"), 0);
    EXPECT_EQ(Value(app, "pg_exporter_last_scrape_error"), 1);
    EXPECT_EQ(Value(app, "pg_exporter_scrapes_total"), i + 1);
    EXPECT_THAT(app.Render(), Not(HasSubstr("pg_static")));
  }
  EXPECT_EQ(logs.Count("cannot reach postgres"), 1) << logs.text();
  EXPECT_THAT(logs.text(), HasSubstr("password authentication failed"));
  EXPECT_THAT(logs.text(), Not(HasSubstr("wrong-Pa55word")));
  EXPECT_THAT(logs.text(), HasSubstr("outpost:***@127.0.0.1"));
}

TEST(PostgresServerTest, PgUpIsZeroOnlyWhenEveryServerFails) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  const std::string dead = "postgresql://outpost:x@127.0.0.1:" +
                           std::to_string(outpost::testing::FreePort()) + "/postgres";
  Options o = WithDsns({dead, pg->Dsn()});
  auto integ = Make(o);
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(Collect(*integ, app).ok());
  EXPECT_EQ(Value(app, "pg_up"), 1);
  EXPECT_EQ(Value(app, "pg_exporter_last_scrape_error"), 1);
  EXPECT_THAT(app.Render(), HasSubstr("pg_static{server=\"127.0.0.1:" + std::to_string(pg->port())));
}

TEST(PostgresServerTest, ServerStoppedAndRestarted) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  LogCapture logs;
  auto integ = Make(WithDsns({pg->Dsn()}));
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(Collect(*integ, app).ok());
  ASSERT_EQ(Value(app, "pg_up"), 1);

  pg->Stop();
  EXPECT_TRUE(IsTargetDown(Collect(*integ, app)));
  EXPECT_EQ(Value(app, "pg_up"), 0);
  EXPECT_TRUE(IsTargetDown(Collect(*integ, app)));
  EXPECT_EQ(Value(app, "pg_up"), 0);
  EXPECT_EQ(logs.Count("cannot reach postgres"), 1) << logs.text();

  ASSERT_TRUE(pg->Start()) << pg->error();
  // Reconnection waits out the backoff (1 s after the first failure, 2 s
  // after the second): collect until it is back, within a bound.
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    const absl::Status st = Collect(*integ, app);
    ASSERT_TRUE(st.ok() || IsTargetDown(st)) << st;
    up = Value(app, "pg_up") == 1;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(up) << logs.text();
  EXPECT_EQ(Value(app, "pg_exporter_last_scrape_error"), 0);
  EXPECT_THAT(app.Render(), HasSubstr("pg_static{"));
  EXPECT_EQ(logs.Count("connected to postgres"), 2) << logs.text();
  EXPECT_EQ(logs.Count("cannot reach postgres"), 1) << logs.text();
  EXPECT_EQ(OutpostConnections(pg), 1);
}

TEST(PostgresServerTest, ConnectionsStayFlat) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  Recorder rec;
  auto integ = Make(WithDsns({pg->Dsn()}), rec.Factory());
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  // Issue 19: flat over 10k collections (postgres_exporter#921 leaked one
  // connection per scrape).
  for (int i = 1; i <= 10000; ++i) {
    ASSERT_TRUE(Collect(*integ, app).ok());
    ASSERT_EQ(Value(app, "pg_up"), 1) << "collection " << i;
    if (i == 1 || i % 2500 == 0) {
      EXPECT_EQ(OutpostConnections(pg), 1) << "collection " << i;
    }
  }
  ASSERT_EQ(rec.entries.size(), 1u);
  EXPECT_EQ(rec.entries[0]->runs, 10000);
  EXPECT_TRUE(rec.entries[0]->info.master);
  EXPECT_TRUE(rec.entries[0]->info.first);
  integ.reset();
  EXPECT_EQ(OutpostConnections(pg), 0);
}

// The whole default collection (namespaces, pg_settings, the collector
// package, user queries) on the one connection: a user query that fails is
// counted in pg_exporter_last_scrape_error and the rest is still collected.
TEST(PostgresServerTest, DefaultCollectionWithABadUserQuery) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  ASSERT_TRUE(pg->Sql("CREATE TABLE IF NOT EXISTS uq_t (id int)")) << pg->error();
  const std::string path = pg->dir() + "/queries.yaml";
  {
    std::ofstream f(path);
    f << "pg_good:\n"
         "  query: \"SELECT 'a' AS kind, 42 AS answer\"\n"
         "  metrics:\n"
         "    - kind: {usage: LABEL, description: kind}\n"
         "    - answer: {usage: GAUGE, description: the answer}\n"
         "pg_bad:\n"
         "  query: \"SELECT nope FROM no_such_table\"\n"
         "  metrics:\n"
         "    - nope: {usage: GAUGE, description: never}\n";
  }
  Options o = WithDsns({pg->Dsn()});
  o.query_path = path;
  auto integ = Make(o, DefaultServerCollector);
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  for (int i = 1; i <= 50; ++i) {
    ASSERT_TRUE(Collect(*integ, app).ok());
    ASSERT_EQ(Value(app, "pg_up"), 1);
  }
  EXPECT_EQ(OutpostConnections(pg), 1);
  const std::string server = "127.0.0.1:" + std::to_string(pg->port());
  EXPECT_EQ(Value(app, "pg_good_answer", {{"kind", "a"}, {"server", server}}), 42)
      << app.Render();
  EXPECT_THAT(app.Render(), Not(HasSubstr("pg_bad_nope")));
  EXPECT_EQ(Value(app, "pg_exporter_last_scrape_error"), 1);
  // Loaded: 0 (its hashsum label, the file's SHA-256, is checked in
  // user_queries_test).
  EXPECT_THAT(app.Render(),
              HasSubstr("pg_exporter_user_queries_load_error{filename=\"" + path + "\""));
  EXPECT_EQ(Value(app, "pg_scrape_collector_success", {{"collector", "stat_user_tables"}}), 1);
  EXPECT_EQ(Value(app, "pg_scrape_collector_success", {{"collector", "database"}}), 1);
  EXPECT_GT(Value(app, "pg_settings_max_connections", {{"server", server}}), 0);
  EXPECT_THAT(app.Render(), HasSubstr("pg_stat_user_tables_n_live_tup{"));
}

TEST(PostgresServerTest, AutodiscoveryFindsOtherDatabases) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  ASSERT_TRUE(FreshDatabases(pg, {"shop", "archive"}));
  Options o = WithDsns({pg->Dsn()});
  o.autodiscover_databases = true;
  o.exclude_databases = {"archive"};
  Recorder rec;
  auto integ = Make(o, rec.Factory());
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(Collect(*integ, app).ok());
  EXPECT_EQ(Value(app, "pg_up"), 1);
  EXPECT_EQ(Value(app, "pg_exporter_last_scrape_error"), 0) << app.Render();
  const Recorder::Entry* master = rec.Find("postgres");
  const Recorder::Entry* shop = rec.Find("shop");
  ASSERT_NE(master, nullptr);
  ASSERT_NE(shop, nullptr);
  EXPECT_EQ(rec.Find("archive"), nullptr);  // excluded
  EXPECT_TRUE(master->info.master);
  EXPECT_FALSE(shop->info.master);
  EXPECT_EQ(shop->info.server, "127.0.0.1:" + std::to_string(pg->port()));
  EXPECT_THAT(shop->info.masked_dsn, HasSubstr("/shop?sslmode=disable"));
  EXPECT_THAT(shop->info.masked_dsn, Not(HasSubstr(PostgresServer::kPasswordInUrl)));
  // pg_static only for the master.
  const std::string text = app.Render();
  EXPECT_EQ(text.find("pg_static{"), text.rfind("pg_static{")) << text;
  EXPECT_NE(text.find("pg_static{"), std::string::npos) << text;

  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Collect(*integ, app).ok());
  EXPECT_EQ(shop->runs, 21);
  EXPECT_EQ(OutpostConnections(pg), 2);  // master + shop, however many collections

  // A database that goes away loses its connection.
  const size_t servers = rec.entries.size();
  ASSERT_TRUE(pg->Sql("DROP DATABASE shop WITH (FORCE)")) << pg->error();
  ASSERT_TRUE(Collect(*integ, app).ok());
  EXPECT_EQ(Value(app, "pg_up"), 1);
  EXPECT_EQ(rec.entries.size(), servers);
  EXPECT_EQ(OutpostConnections(pg), 1);
  ASSERT_TRUE(pg->Sql("DROP DATABASE archive")) << pg->error();
}

TEST(PostgresServerTest, IncludeDatabasesFilters) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  ASSERT_TRUE(FreshDatabases(pg, {"inc_a", "inc_b"}));
  Options o = WithDsns({pg->Conninfo()});
  o.autodiscover_databases = true;
  o.include_databases = {"inc_b"};
  Recorder rec;
  auto integ = Make(o, rec.Factory());
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(Collect(*integ, app).ok());
  EXPECT_NE(rec.Find("inc_b"), nullptr);
  EXPECT_EQ(rec.Find("inc_a"), nullptr);
  ASSERT_NE(rec.Find("inc_b"), nullptr);
  EXPECT_THAT(rec.Find("inc_b")->info.masked_dsn, HasSubstr("password=*** dbname=postgres"));
  EXPECT_THAT(rec.Find("inc_b")->info.masked_dsn, Not(HasSubstr(PostgresServer::kPassword)));
  integ.reset();
  ASSERT_TRUE(pg->Sql("DROP DATABASE inc_a")) << pg->error();
  ASSERT_TRUE(pg->Sql("DROP DATABASE inc_b")) << pg->error();
}

TEST(PostgresServerTest, PasswordNeverInLogs) {
  PostgresServer* pg = SharedServer();
  ASSERT_NE(pg, nullptr);
  LogCapture logs;
  for (const std::string& dsn : {pg->Dsn(), pg->Conninfo()}) {
    auto integ = Make(WithDsns({dsn}));
    ASSERT_NE(integ, nullptr);
    MemoryAppender app;
    ASSERT_TRUE(Collect(*integ, app).ok());
    EXPECT_EQ(Value(app, "pg_up"), 1);
  }
  EXPECT_EQ(logs.Count("connected to postgres"), 2) << logs.text();
  EXPECT_THAT(logs.text(), Not(HasSubstr(PostgresServer::kPassword)));
  EXPECT_THAT(logs.text(), Not(HasSubstr(PostgresServer::kPasswordInUrl)));
}

}  // namespace
}  // namespace outpost::integrations::postgres
