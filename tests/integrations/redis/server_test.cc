// The whole integration against a real redis-server (Debian's 7.0, started
// per test on a free port): data in two dbs, a stream with a group, a
// slowlog entry; password, unix socket, server killed and restarted.
#include <string>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/redis/redis.h"
#include "tests/support/redis_server.h"

namespace outpost::integrations::redis {
namespace {

using outpost::testing::RedisServer;

absl::Time Deadline() { return absl::Now() + absl::Seconds(10); }

double Get(const MemoryAppender& app, const std::string& name, const Labels& l = {}) {
  const double* v = app.Find(name, l);
  EXPECT_NE(v, nullptr) << name << l.ToString() << "\n" << app.Render();
  return v == nullptr ? -12345 : *v;
}

std::unique_ptr<Integration> Make(const Options& o) {
  auto i = NewRedisIntegration(o);
  EXPECT_TRUE(i.ok()) << i.status();
  return i.ok() ? std::move(*i) : nullptr;
}

void LoadData(RedisServer& s) {
  s.Cli({"SET", "user:1", "42"});
  s.Cli({"SET", "user:2", "hello"});
  s.Cli({"RPUSH", "list1", "a", "b", "c"});
  s.Cli({"EXPIRE", "list1", "1000"});
  s.Cli({"-n", "1", "SET", "other", "x"});
  s.Cli({"XADD", "events", "1690000000000-0", "f", "v"});
  s.Cli({"XGROUP", "CREATE", "events", "g1", "0"});
  s.Cli({"XREADGROUP", "GROUP", "g1", "c1", "COUNT", "1", "STREAMS", "events", ">"});
  s.Cli({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  s.Cli({"PING"});
}

TEST(RedisServerTest, CollectsEverything) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  LoadData(server);
  Options o;
  o.redis_addr = server.addr();
  o.check_keys = "user:*,list1";
  o.check_single_keys = "db1=other,missing";
  o.check_streams = "ev*";
  o.count_keys = "user:*";
  o.export_client_list = true;
  o.ping_on_connect = true;
  auto integ = Make(o);
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_up"), 1);
  EXPECT_EQ(Get(app, "redis_exporter_last_scrape_error"), 0);
  EXPECT_EQ(Get(app, "redis_db_keys", {{"db", "db0"}}), 4);
  EXPECT_EQ(Get(app, "redis_db_keys", {{"db", "db1"}}), 1);
  EXPECT_EQ(Get(app, "redis_db_keys", {{"db", "db15"}}), 0);
  EXPECT_EQ(Get(app, "redis_db_keys_expiring", {{"db", "db0"}}), 1);
  EXPECT_EQ(Get(app, "redis_config_maxclients"), 10000);
  EXPECT_EQ(Get(app, "redis_config_maxmemory"), 0);
  EXPECT_GT(Get(app, "redis_slowlog_length"), 0);
  EXPECT_GT(Get(app, "redis_slowlog_last_id"), 0);
  EXPECT_EQ(Get(app, "redis_key_size", {{"db", "db0"}, {"key", "list1"}}), 3);
  EXPECT_EQ(Get(app, "redis_key_size", {{"db", "db0"}, {"key", "user:2"}}), 5);
  EXPECT_EQ(Get(app, "redis_key_value", {{"db", "db0"}, {"key", "user:1"}}), 42);
  EXPECT_EQ(Get(app, "redis_key_value_as_string",
                {{"db", "db0"}, {"key", "user:2"}, {"val", "hello"}}),
            1);
  EXPECT_EQ(Get(app, "redis_key_size", {{"db", "db1"}, {"key", "other"}}), 1);
  EXPECT_EQ(Get(app, "redis_key_size", {{"db", "db0"}, {"key", "missing"}}), 0);
  EXPECT_EQ(Get(app, "redis_keys_count", {{"db", "db0"}, {"key", "user:*"}}), 2);
  EXPECT_EQ(Get(app, "redis_stream_length", {{"db", "db0"}, {"stream", "events"}}), 1);
  EXPECT_EQ(Get(app, "redis_stream_last_generated_id", {{"db", "db0"}, {"stream", "events"}}),
            1690000000000.0);
  EXPECT_EQ(Get(app, "redis_stream_group_messages_pending",
                {{"db", "db0"}, {"stream", "events"}, {"group", "g1"}}),
            1);
  EXPECT_EQ(Get(app, "redis_stream_group_consumer_messages_pending",
                {{"db", "db0"}, {"stream", "events"}, {"group", "g1"}, {"consumer", "c1"}}),
            1);
  EXPECT_NE(app.Render().find("redis_connected_clients_details{"), std::string::npos);
  EXPECT_NE(app.Render().find("name=\"redis_exporter\""), std::string::npos);
  EXPECT_NE(app.Render().find("redis_exporter_last_scrape_ping_time_seconds"), std::string::npos);
  EXPECT_NE(app.Render().find("redis_commands_total{cmd=\"set\"}"), std::string::npos);

  // A second collection reuses the connection and the handles.
  const size_t series = app.series_count();
  app.Clear();
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_up"), 1);
  EXPECT_EQ(Get(app, "redis_exporter_scrapes_total"), 2);
  // Same series set, except commands first run by the first collection
  // (SCAN, TYPE, XINFO...) now in commandstats/latencystats.
  EXPECT_GE(app.series_count(), series);
}

TEST(RedisServerTest, DatabasesFromConfig) {
  // `databases` (from CONFIG GET) bounds the zero-filled keyspace series.
  RedisServer::Options so;
  so.extra_args = {"--databases", "4"};
  RedisServer server(so);
  ASSERT_TRUE(server.ok()) << server.error();
  Options o;
  o.redis_addr = server.addr();
  MemoryAppender app;
  auto integ = Make(o);
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_db_keys", {{"db", "db3"}}), 0);
  EXPECT_EQ(app.Find("redis_db_keys", {{"db", "db4"}}), nullptr);
  EXPECT_EQ(Get(app, "redis_config_maxclients"), 10000);
  EXPECT_EQ(Get(app, "redis_config_io_threads"), 1);
}

TEST(RedisServerTest, PasswordAndWrongPassword) {
  RedisServer::Options so;
  so.password = "pa ss";
  RedisServer server(so);
  ASSERT_TRUE(server.ok()) << server.error();
  Options o;
  o.redis_addr = "redis://" + server.addr();
  o.redis_password = config::Secret("pa ss");
  MemoryAppender app;
  auto good = Make(o);
  ASSERT_TRUE(good->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_up"), 1);

  o.redis_password = config::Secret("wrong");
  auto bad = Make(o);
  MemoryAppender app2;
  ASSERT_TRUE(bad->Collect(app2, Deadline()).ok());  // up 0, never an error
  EXPECT_EQ(Get(app2, "redis_up"), 0);
  EXPECT_NE(app2.Render().find("redis_exporter_last_scrape_error{err=\"WRONGPASS"),
            std::string::npos)
      << app2.Render();

  o.redis_password = config::Secret();
  auto none = Make(o);
  MemoryAppender app3;
  ASSERT_TRUE(none->Collect(app3, Deadline()).ok());
  EXPECT_EQ(Get(app3, "redis_up"), 0);  // NOAUTH on CONFIG
}

TEST(RedisServerTest, UnixSocket) {
  RedisServer::Options so;
  so.unix_socket = true;
  RedisServer server(so);
  ASSERT_TRUE(server.ok()) << server.error();
  for (std::string addr : {server.socket_path(), "unix://" + server.socket_path()}) {
    Options o;
    o.redis_addr = addr;
    MemoryAppender app;
    auto integ = Make(o);  // outlives the samples
    ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
    EXPECT_EQ(Get(app, "redis_up"), 1) << addr;
  }
}

TEST(RedisServerTest, ServerKilledAndRestarted) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  Options o;
  o.redis_addr = server.addr();
  o.connection_timeout = absl::Seconds(2);
  auto integ = Make(o);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_up"), 1);
  server.Stop();
  app.Clear();
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_up"), 0);
  ASSERT_TRUE(server.Start()) << server.error();
  app.Clear();
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_up"), 1);
  // Killed between collections with the connection open: the next
  // collection reconnects once to the restarted server.
  server.Stop();
  ASSERT_TRUE(server.Start()) << server.error();
  app.Clear();
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_up"), 1);
}

TEST(RedisServerTest, UnreachableIsUpZero) {
  Options o;
  o.redis_addr = "127.0.0.1:" + std::to_string(outpost::testing::FreePort());
  o.connection_timeout = absl::Seconds(1);
  MemoryAppender app;
  auto integ = Make(o);  // outlives the samples
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_up"), 0);
  EXPECT_EQ(Get(app, "redis_exporter_scrapes_total"), 1);
}

TEST(RedisServerTest, TlsWithoutServerFailsCleanly) {
  // rediss:// against a plain server: the handshake fails, up is 0.
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  Options o;
  o.redis_addr = "rediss://" + server.addr();
  o.skip_tls_verification = true;
  o.connection_timeout = absl::Seconds(2);
  MemoryAppender app;
  auto integ = Make(o);  // outlives the samples
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_up"), 0);
}

TEST(RedisServerTest, TlsVerifiedSkippedAndWrongCa) {
  RedisServer::Options so;
  so.tls = true;
  RedisServer server(so);
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_EQ(server.Cli({"SET", "k", "v"}), "OK");
  // The integrations outlive their samples (which point to their families).
  std::vector<std::unique_ptr<Integration>> alive;
  auto collect = [&](const std::string& addr, const std::string& ca, bool skip) {
    Options o;
    o.redis_addr = addr;
    o.tls_ca_cert_file = ca;
    o.skip_tls_verification = skip;
    o.connection_timeout = absl::Seconds(3);
    MemoryAppender app;
    auto integ = Make(o);
    if (integ == nullptr) return app;
    alive.push_back(std::move(integ));
    Integration* i = alive.back().get();
    EXPECT_TRUE(i->Collect(app, Deadline()).ok());
    // A second collection over the same TLS connection.
    if (app.Find("redis_up", {}) != nullptr && *app.Find("redis_up", {}) == 1) {
      app.Clear();
      EXPECT_TRUE(i->Collect(app, Deadline()).ok());
    }
    return app;
  };
  const std::string port = std::to_string(server.port());
  {
    // Verified against the CA, by IP SAN and by DNS SAN.
    for (const std::string& addr : {"rediss://127.0.0.1:" + port, "rediss://localhost:" + port}) {
      MemoryAppender app = collect(addr, server.ca_file(), false);
      EXPECT_EQ(Get(app, "redis_up"), 1) << addr << "\n" << app.Render();
      EXPECT_EQ(Get(app, "redis_db_keys", {{"db", "db0"}}), 1);
      EXPECT_EQ(Get(app, "redis_exporter_scrapes_total"), 2);
    }
  }
  {
    // skip_tls_verification: any certificate, even with an unrelated CA.
    MemoryAppender app = collect("rediss://" + server.addr(), server.other_ca_file(), true);
    EXPECT_EQ(Get(app, "redis_up"), 1) << app.Render();
  }
  {
    // A CA that did not sign the server's certificate: up 0, and why.
    MemoryAppender app = collect("rediss://" + server.addr(), server.other_ca_file(), false);
    EXPECT_EQ(Get(app, "redis_up"), 0);
    EXPECT_NE(app.Render().find("certificate verify failed"), std::string::npos) << app.Render();
  }
  {
    // Plain redis:// to a TLS-only port: up 0.
    MemoryAppender app = collect("redis://" + server.addr(), "", false);
    EXPECT_EQ(Get(app, "redis_up"), 0);
  }
}

// Loads db0 with users, sessions and an unclassified key, db1 with one
// user; session values are large so that the session group uses the most
// memory.
void LoadKeyGroups(RedisServer& s) {
  s.Cli({"SET", "user:1", "a"});
  s.Cli({"SET", "user:2", "b"});
  const std::string big(2000, 'x');
  for (const char* k : {"session:a", "session:b", "session:c"}) s.Cli({"SET", k, big});
  s.Cli({"RPUSH", "queue", "j1"});
  s.Cli({"-n", "1", "SET", "user:9", "c"});
}

double MemoryUsage(RedisServer& s, std::initializer_list<const char*> keys) {
  double sum = 0;
  for (const char* k : keys) sum += std::stod(s.Cli({"MEMORY", "USAGE", k}));
  return sum;
}

TEST(RedisServerTest, KeyGroupsByServerSideLua) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  LoadKeyGroups(server);
  for (int64_t batch : {10000, 1}) {  // one SCAN batch, and one key per batch
    Options o;
    o.redis_addr = server.addr();
    o.check_key_groups = "^(user):, ^(session):";
    o.check_key_groups_batch_size = batch;
    auto integ = Make(o);
    MemoryAppender app;
    ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
    EXPECT_EQ(Get(app, "redis_up"), 1);
    const Labels db0_user = {{"db", "db0"}, {"key_group", "user"}};
    EXPECT_EQ(Get(app, "redis_key_group_count", db0_user), 2) << batch;
    EXPECT_EQ(Get(app, "redis_key_group_count", {{"db", "db0"}, {"key_group", "session"}}), 3);
    EXPECT_EQ(Get(app, "redis_key_group_count", {{"db", "db0"}, {"key_group", "unclassified"}}),
              1);
    EXPECT_EQ(Get(app, "redis_key_group_count", {{"db", "db1"}, {"key_group", "user"}}), 1);
    EXPECT_EQ(Get(app, "redis_key_group_memory_usage_bytes", db0_user),
              MemoryUsage(server, {"user:1", "user:2"}));
    EXPECT_EQ(Get(app, "redis_key_group_memory_usage_bytes",
                  {{"db", "db0"}, {"key_group", "session"}}),
              MemoryUsage(server, {"session:a", "session:b", "session:c"}));
    EXPECT_EQ(Get(app, "redis_number_of_distinct_key_groups", {{"db", "db0"}}), 3);
    EXPECT_EQ(Get(app, "redis_number_of_distinct_key_groups", {{"db", "db1"}}), 1);
    EXPECT_EQ(Get(app, "redis_number_of_distinct_key_groups", {{"db", "db15"}}), 0);
    EXPECT_GE(Get(app, "redis_last_key_groups_scrape_duration_milliseconds"), 0);

    // The script cache flushed between collections: EVALSHA's NOSCRIPT
    // falls back to EVAL.
    ASSERT_EQ(server.Cli({"SCRIPT", "FLUSH"}), "OK");
    app.Clear();
    ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
    EXPECT_EQ(Get(app, "redis_key_group_count", db0_user), 2);
  }
}

TEST(RedisServerTest, KeyGroupsOverflowAndBadPattern) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  LoadKeyGroups(server);
  Options o;
  o.redis_addr = server.addr();
  o.check_key_groups = "^(user):,^(session):";
  o.max_distinct_key_groups = 1;
  MemoryAppender app;
  auto integ = Make(o);
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Get(app, "redis_key_group_count", {{"db", "db0"}, {"key_group", "session"}}), 3);
  EXPECT_EQ(Get(app, "redis_key_group_count", {{"db", "db0"}, {"key_group", "overflow"}}), 3);
  EXPECT_EQ(Get(app, "redis_key_group_memory_usage_bytes",
                {{"db", "db0"}, {"key_group", "overflow"}}),
            MemoryUsage(server, {"user:1", "user:2", "queue"}));
  EXPECT_EQ(app.Find("redis_key_group_count", {{"db", "db0"}, {"key_group", "user"}}), nullptr);
  EXPECT_EQ(Get(app, "redis_number_of_distinct_key_groups", {{"db", "db0"}}), 3);
  // db1 has one group: not over the limit.
  EXPECT_EQ(Get(app, "redis_key_group_count", {{"db", "db1"}, {"key_group", "user"}}), 1);

  // A malformed Lua pattern fails on the server: no key group samples, the
  // rest of the collection is unaffected.
  o.check_key_groups = "^(user):,[bad";
  MemoryAppender bad;
  auto bad_integ = Make(o);
  ASSERT_TRUE(bad_integ->Collect(bad, Deadline()).ok());
  EXPECT_EQ(Get(bad, "redis_up"), 1);
  EXPECT_EQ(bad.Render().find("redis_key_group_count"), std::string::npos);
  EXPECT_EQ(bad.Render().find("redis_number_of_distinct_key_groups"), std::string::npos);
  EXPECT_EQ(Get(bad, "redis_db_keys", {{"db", "db0"}}), 6);
}

}  // namespace
}  // namespace outpost::integrations::redis
