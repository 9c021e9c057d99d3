// The redis_exporter integration's config keys (Grafana Agent's names and
// defaults), redis_addr parsing, key lists, and the pure parsers of the
// non-INFO scrapes.
#include "integrations/redis/options.h"

#include <string>

#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/redis/collectors.h"
#include "integrations/redis/redis.h"
#include "tests/integrations/options_test_util.h"

namespace outpost::integrations::redis {
namespace {

using ::testing::HasSubstr;

using Parsed = options_test::Parsed<Options>;

Parsed Parse(const std::string& yaml) {
  return options_test::Parse<Options>(Spec(), yaml);
}

TEST(RedisOptions, DefaultsAreGrafanaAgents) {
  Parsed p = Parse("redis_addr: localhost:6379");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.namespace_, "redis");
  EXPECT_EQ(o.config_command, "CONFIG");
  EXPECT_EQ(o.connection_timeout, absl::Seconds(15));
  EXPECT_TRUE(o.set_client_name);
  EXPECT_EQ(o.check_key_groups_batch_size, 10000);
  EXPECT_EQ(o.max_distinct_key_groups, 100);
  EXPECT_TRUE(o.export_key_values);
  EXPECT_FALSE(o.is_cluster);
  EXPECT_TRUE(Spec().allows_list());
  EXPECT_EQ(Spec().name(), "redis_exporter");
  EXPECT_EQ(Spec().InstanceKey(o, {}), "localhost:6379");
}

TEST(RedisOptions, AllKeys) {
  Parsed p = Parse(R"(
redis_addr: redis://u:pw@db.example:6380/2
redis_user: alice
redis_password: s3cret
namespace: kv
config_command: XCONFIG
check_keys: db1=user*,plain
check_single_keys: a,db2=b
check_streams: s*
check_single_streams: db3=stream1
count_keys: db0=c*
connection_timeout: 2s
set_client_name: false
ping_on_connect: true
export_client_list: true
export_client_port: true
incl_system_metrics: true
redis_metrics_only: true
export_key_values: false
check_key_groups_batch_size: 50
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  const Options& o = p.o();
  EXPECT_EQ(o.redis_password.reveal(), "s3cret");
  EXPECT_EQ(o.namespace_, "kv");
  EXPECT_EQ(o.connection_timeout, absl::Seconds(2));
  EXPECT_FALSE(o.set_client_name);
  EXPECT_EQ(o.check_key_groups_batch_size, 50);
  EXPECT_EQ(Spec().InstanceKey(o, {}), "redis://u:xxxxx@db.example:6380/2");
  YAML::Emitter out;
  out << YAML::BeginMap;
  Spec().Dump(o, out);
  out << YAML::EndMap;
  EXPECT_THAT(std::string(out.c_str()), Not(HasSubstr("s3cret")));
  EXPECT_THAT(std::string(out.c_str()), Not(HasSubstr("pw@")));
  EXPECT_THAT(std::string(out.c_str()), HasSubstr("connection_timeout: 2s"));
}

TEST(RedisOptions, Errors) {
  EXPECT_THAT(Parse("{}").AllErrors(), HasSubstr("redis_addr is not defined"));
  EXPECT_THAT(Parse("redis_addr: ftp://x").AllErrors(), HasSubstr("unsupported scheme"));
  EXPECT_THAT(Parse("redis_addr: h:99999").AllErrors(), HasSubstr("invalid port"));
  EXPECT_THAT(Parse("redis_addr: h:1\ncheck_key_groups: 'a\"b'").AllErrors(),
              HasSubstr("check_key_groups"));
  EXPECT_TRUE(Parse("redis_addr: h:1\ncheck_key_groups: '^(.*)$'").errors.ok());
  EXPECT_THAT(Parse("redis_addr: h:1\nis_tile38: true").AllErrors(),
              HasSubstr("is_tile38: not supported yet"));
  EXPECT_THAT(Parse("redis_addr: h:1\nis_cluster: true\ncheck_keys: a").AllErrors(),
              HasSubstr("is_cluster: not supported yet"));
  EXPECT_THAT(Parse("redis_addr: h:1\ntls_client_key_file: k").AllErrors(),
              HasSubstr("should both be present"));
  EXPECT_THAT(Parse("redis_addr: h:1\nredis_password_file: a\nredis_password_map_file: b")
                  .AllErrors(),
              HasSubstr("only one of"));
  EXPECT_THAT(Parse("redis_addr: h:1\ncheck_keys: dbx=a").AllErrors(),
              HasSubstr("invalid database index"));
  EXPECT_THAT(Parse("redis_addr: h:1\ncount_keys: a=b=c").AllErrors(),
              HasSubstr("invalid key list argument"));
  EXPECT_THAT(Parse("redis_addr: h:1\nbogus: 1").AllErrors(), HasSubstr("bogus: unknown key"));
  EXPECT_TRUE(Parse("redis_addr: h:1\nis_cluster: true").errors.ok());
}

TEST(RedisOptions, ParseAddress) {
  auto ep = ParseAddress("localhost:6380");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host, "localhost");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_FALSE(ep->tls);
  ep = ParseAddress("rediss://user:p%40ss@[::1]/3");
  ASSERT_TRUE(ep.ok()) << ep.status();
  EXPECT_TRUE(ep->tls);
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 6379);
  EXPECT_EQ(ep->user, "user");
  EXPECT_EQ(ep->password, "p@ss");
  EXPECT_EQ(ep->db, 3);
  ep = ParseAddress("unix:///run/redis.sock");
  ASSERT_TRUE(ep.ok());
  EXPECT_TRUE(ep->unix_socket);
  EXPECT_EQ(ep->path, "/run/redis.sock");
  ep = ParseAddress("/tmp/r.sock");
  ASSERT_TRUE(ep.ok());
  EXPECT_TRUE(ep->unix_socket);
  ep = ParseAddress("redis://host");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->port, 6379);
  EXPECT_FALSE(ParseAddress("redis://host/x").ok());
  EXPECT_FALSE(ParseAddress("::1:6379").ok());
  EXPECT_FALSE(ParseAddress("").ok());
  EXPECT_FALSE(ParseAddress("redis://:1").ok());
  EXPECT_EQ(RedactAddress("redis://a:b@h:1"), "redis://a:xxxxx@h:1");
  EXPECT_EQ(RedactAddress("redis://a@h:1"), "redis://a@h:1");
  EXPECT_EQ(RedactAddress("h:1"), "h:1");
}

TEST(RedisOptions, KeyList) {
  auto k = ParseKeyList("db3=user*, plain ,,db0=a%20b,x=");
  ASSERT_TRUE(k.ok()) << k.status();
  ASSERT_EQ(k->size(), 3u);
  EXPECT_EQ((*k)[0].db, "3");
  EXPECT_EQ((*k)[0].key, "user*");
  EXPECT_EQ((*k)[1].db, "0");
  EXPECT_EQ((*k)[1].key, "plain");
  EXPECT_EQ((*k)[2].key, "a b");
  EXPECT_FALSE(ParseKeyList("db-1=a").ok());
  EXPECT_FALSE(ParseKeyList("a%zz").ok());
  EXPECT_TRUE(ParseKeyList("")->empty());
}

TEST(RedisOptions, KeyGroupsAreOneCsvRecord) {
  auto g = ParseKeyGroups(" ^(user):.* , ,\"^(a,b)\"\"x\"\"\",^(s)\n^(second line)");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(*g, (std::vector<std::string>{"^(user):.*", "^(a,b)\"x\"", "^(s)"}));
  EXPECT_TRUE(ParseKeyGroups("")->empty());
  EXPECT_TRUE(ParseKeyGroups(" , ")->empty());
  EXPECT_EQ(*ParseKeyGroups("\n\na"), std::vector<std::string>{"a"});
  EXPECT_EQ(*ParseKeyGroups("a\r\nb"), std::vector<std::string>{"a"});
  EXPECT_FALSE(ParseKeyGroups("a\"b").ok());        // bare quote
  EXPECT_FALSE(ParseKeyGroups("\"ab").ok());        // unterminated
  EXPECT_FALSE(ParseKeyGroups("\"a\"b,c").ok());    // text after the closing quote
}

TEST(RedisScrapes, KeyGroupOverflowKeepsTheLargest) {
  std::vector<KeyGroupStats> g = {
      {"a", 5, 100}, {"b", 1, 300}, {"c", 2, 100}, {"d", 9, 50}, {"e", 5, 100}};
  // Not over the limit: unchanged.
  EXPECT_EQ(LimitKeyGroups(g, 5).size(), 5u);
  std::vector<KeyGroupStats> top = LimitKeyGroups(g, 3);
  ASSERT_EQ(top.size(), 4u);
  // Most memory first; equal memory: fewer keys, then the name.
  EXPECT_EQ(top[0].name, "b");
  EXPECT_EQ(top[1].name, "c");
  EXPECT_EQ(top[2].name, "a");
  EXPECT_EQ(top[3].name, "overflow");
  EXPECT_EQ(top[3].count, 14);          // e + d
  EXPECT_EQ(top[3].memory_bytes, 150);
  std::vector<KeyGroupStats> none = LimitKeyGroups(g, 0);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].count, 22);
}

// A reply decoded by hiredis from RESP text.
Reply Resp(std::string_view text) {
  redisReader* r = redisReaderCreate();
  redisReaderFeed(r, text.data(), text.size());
  void* out = nullptr;
  EXPECT_EQ(redisReaderGetReply(r, &out), REDIS_OK);
  redisReaderFree(r);
  EXPECT_NE(out, nullptr) << text;
  return Reply(static_cast<redisReply*>(out));
}

TEST(RedisScrapes, LatencyAndSlowlogReplies) {
  MemoryAppender app;
  MetricSink sink("redis");
  sink.Begin(app);
  absl::StatusOr<Reply> latest = Resp(
      "*2\r\n*4\r\n$7\r\ncommand\r\n:1700000000\r\n:250\r\n:300\r\n"
      "*2\r\n$3\r\nbad\r\n:1\r\n");
  EXPECT_TRUE(ExtractLatency(latest, sink).ok());
  EXPECT_EQ(*app.Find("redis_latency_spike_last", {{"event_name", "command"}}), 1700000000);
  EXPECT_EQ(*app.Find("redis_latency_spike_duration_seconds", {{"event_name", "command"}}), 0.25);
  EXPECT_FALSE(ExtractLatency(Resp(":1\r\n"), sink).ok());
  EXPECT_FALSE(ExtractLatency(absl::FailedPreconditionError("ERR no"), sink).ok());

  absl::StatusOr<Reply> len = Resp(":7\r\n");
  absl::StatusOr<Reply> get =
      Resp("*1\r\n*4\r\n:41\r\n:1700000000\r\n:1500\r\n*1\r\n$4\r\nPING\r\n");
  EXPECT_TRUE(ExtractSlowlog(len, get, sink).ok());
  EXPECT_EQ(*app.Find("redis_slowlog_length", {}), 7);
  EXPECT_EQ(*app.Find("redis_slowlog_last_id", {}), 41);
  EXPECT_EQ(*app.Find("redis_last_slow_execution_duration_seconds", {}), 0.0015);
  // LEN refused: GET still reported; GET refused: its error.
  EXPECT_TRUE(ExtractSlowlog(absl::FailedPreconditionError("NOPERM"), get, sink).ok());
  EXPECT_FALSE(ExtractSlowlog(len, absl::FailedPreconditionError("NOPERM"), sink).ok());
}

TEST(RedisScrapes, ConfigMetrics) {
  MemoryAppender app;
  MetricSink sink("redis");
  sink.Begin(app);
  std::vector<std::string_view> pairs = {"maxmemory", "100", "databases", "4", "io-threads", "2",
                                         "maxclients", "10000", "appendonly", "no"};
  auto n = ExtractConfigMetrics(pairs, sink);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 4);
  EXPECT_EQ(*app.Find("redis_config_maxmemory", {}), 100);
  EXPECT_EQ(*app.Find("redis_config_io_threads", {}), 2);
  EXPECT_EQ(*app.Find("redis_config_maxclients", {}), 10000);
  EXPECT_EQ(app.series_count(), 3u);
  pairs.pop_back();
  EXPECT_FALSE(ExtractConfigMetrics(pairs, sink).ok());
  std::vector<std::string_view> bad = {"databases", "x"};
  EXPECT_FALSE(ExtractConfigMetrics(bad, sink).ok());
}

TEST(RedisScrapes, ClientListLine) {
  ClientDetails d;
  ASSERT_TRUE(ParseClientLine(
      "id=3 addr=127.0.0.1:51234 laddr=127.0.0.1:6379 fd=8 name=app age=10 idle=2 flags=N db=1 "
      "sub=0 psub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 obl=0 oll=0 omem=0 "
      "tot-mem=22298 events=r cmd=client|list user=default redir=-1 resp=2",
      1000, &d));
  EXPECT_EQ(d.name, "app");
  EXPECT_EQ(d.created_at, 990);
  EXPECT_EQ(d.idle_since, 998);
  EXPECT_EQ(d.host, "127.0.0.1");
  EXPECT_EQ(d.port, "51234");
  EXPECT_EQ(d.cmd, "client|list");
  EXPECT_EQ(d.db, "1");
  EXPECT_FALSE(ParseClientLine("", 0, &d));
  EXPECT_FALSE(ParseClientLine("id=3 addr=[::1]:5 age=1 idle=1", 0, &d));
  EXPECT_FALSE(ParseClientLine("id=3 addr=1.2.3.4:5 age=x idle=1", 0, &d));
  EXPECT_FALSE(ParseClientLine("id=3 addr=1.2.3.4:5 age=1 idle=1 bad", 0, &d));
}

TEST(RedisScrapes, StreamIds) {
  EXPECT_EQ(StreamIdMillis("1690000000123-5"), 1690000000123.0);
  EXPECT_EQ(StreamIdMillis("0-0"), 0);
  EXPECT_EQ(StreamIdMillis("garbage"), 0);
}

}  // namespace
}  // namespace outpost::integrations::redis
