// Pure INFO → samples mapping on canned INFO text of Redis 5, 6 and 7 (the
// Redis 7 one is real `INFO ALL` output of Debian's redis-server 7.0).
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/redis/info.h"
#include "integrations/redis/sink.h"

namespace outpost::integrations::redis {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(OUTPOST_SOURCE_DIR "/tests/integrations/redis/testdata/") + name);
  std::ostringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << name;
  return ss.str();
}

struct Expect {
  std::string name;
  Labels labels;
  double value;
};

struct Case {
  std::string fixture;
  int db_count;
  std::vector<Expect> expect;
  std::vector<std::string> absent;  // families that must not appear
};

class Collected {
 public:
  Collected(std::string_view info, int db_count, int64_t now = 1700000000,
            bool incl_system = false)
      : sink_("redis"), parser_(InfoParser::Settings{incl_system}) {
    sink_.Begin(app_);
    parser_.Extract(info, db_count, now, sink_);
    sink_.End();
  }
  const double* Find(const std::string& name, const Labels& l) const { return app_.Find(name, l); }
  bool HasFamily(const std::string& name) const {
    for (const CollectedSample& s : app_.Samples())
      if (s.family->name == name) return true;
    return false;
  }
  const CollectedSample* Family(const std::string& name) const {
    samples_ = app_.Samples();
    for (const CollectedSample& s : samples_)
      if (s.family->name == name) return &s;
    return nullptr;
  }
  std::string Render() const { return app_.Render(); }
  size_t size() const { return app_.Samples().size(); }

 private:
  MemoryAppender app_;
  MetricSink sink_;
  InfoParser parser_;
  mutable std::vector<CollectedSample> samples_;
};

TEST(InfoTest, TableDriven) {
  const std::vector<Case> cases = {
      {"info_redis5.txt",
       16,
       {
           {"redis_memory_used_bytes", {}, 2097152},
           {"redis_memory_max_bytes", {}, 1073741824},
           {"redis_connected_clients", {}, 12},
           {"redis_client_recent_max_input_buffer_bytes", {}, 4},
           {"redis_rdb_last_bgsave_status", {}, 1},
           {"redis_aof_last_write_status", {}, 0},
           {"redis_rdb_last_bgsave_duration_sec", {}, 2},
           {"redis_rdb_last_save_timestamp_seconds", {}, 1690000000},
           {"redis_latest_fork_seconds", {}, 0.0015},
           {"redis_commands_processed_total", {}, 50000},
           {"redis_cpu_user_seconds_total", {}, 30.25},
           {"redis_start_time_seconds", {}, 1700000000 - 86400},
           {"redis_uptime_in_seconds", {}, 86400},
           {"redis_commands_total", {{"cmd", "get"}}, 21},
           {"redis_commands_duration_seconds_total", {{"cmd", "set"}}, 0.003139},
           {"redis_db_keys", {{"db", "db0"}}, 10},
           {"redis_db_keys_expiring", {{"db", "db0"}}, 2},
           {"redis_db_avg_ttl_seconds", {{"db", "db0"}}, 5},
           {"redis_db_keys", {{"db", "db3"}}, 7},
           {"redis_db_keys", {{"db", "db15"}}, 0},
           {"redis_db_keys_expiring", {{"db", "db1"}}, 0},
           {"redis_master_link_up", {{"master_host", "10.0.0.5"}, {"master_port", "6379"}}, 1},
           {"redis_master_last_io_seconds_ago",
            {{"master_host", "10.0.0.5"}, {"master_port", "6379"}},
            1},
           {"redis_master_sync_in_progress",
            {{"master_host", "10.0.0.5"}, {"master_port", "6379"}},
            0},
           {"redis_slave_repl_offset", {{"master_host", "10.0.0.5"}, {"master_port", "6379"}},
            98765},
           {"redis_slave_info",
            {{"master_host", "10.0.0.5"}, {"master_port", "6379"}, {"read_only", "1"}},
            1},
           {"redis_replication_backlog_bytes", {}, 1048576},
           {"redis_cluster_enabled", {}, 0},
           {"redis_instance_info",
            {{"role", "slave"},
             {"redis_version", "5.0.14"},
             {"redis_build_id", "7b36a8e6f6c7b0b2"},
             {"redis_mode", "standalone"},
             {"os", "Linux 5.10.0-21-amd64 x86_64"},
             {"maxmemory_policy", "allkeys-lru"},
             {"tcp_port", "6380"},
             {"run_id", "3f2d1b0f8b6a4c2e9d7f1a5b6c8e0d2f4a6b8c0e"},
             {"process_id", "4121"}},
            1},
       },
       {"redis_commands_rejected_calls_total", "redis_latency_percentiles_usec",
        "redis_connected_slave_offset_bytes", "redis_instantaneous_ops_per_sec",
        "redis_used_memory", "redis_total_system_memory_bytes"}},
      {"info_redis6.txt",
       1,
       {
           {"redis_connected_slave_offset_bytes",
            {{"slave_ip", "10.0.0.2"}, {"slave_port", "6379"}, {"slave_state", "online"}},
            1751844676},
           {"redis_connected_slave_lag_seconds",
            {{"slave_ip", "10.0.0.3"}, {"slave_port", "6380"}, {"slave_state", "wait_bgsave"}},
            1},
           {"redis_connected_slaves", {}, 2},
           {"redis_master_repl_offset", {}, 1751844676},
           {"redis_allocator_frag_ratio", {}, 1.25},
           {"redis_mem_not_counted_for_eviction_bytes", {}, 0},
           {"redis_expired_stale_percentage", {}, 0},
           {"redis_total_reads_processed", {}, 20},
           {"redis_io_threads_active", {}, 0},
           {"redis_commands_total", {{"cmd", "info"}}, 2},
           {"redis_db_keys", {{"db", "db0"}}, 1},
       },
       {"redis_slave_info", "redis_master_link_up", "redis_db_keys_cached",
        "redis_commands_failed_calls_total"}},
      {"info_redis7.txt",
       16,
       {
           {"redis_memory_used_bytes", {}, 1192936},
           {"redis_cluster_connections", {}, 0},
           {"redis_commands_total", {{"cmd", "set"}}, 2},
           {"redis_commands_rejected_calls_total", {{"cmd", "set"}}, 0},
           {"redis_commands_failed_calls_total", {{"cmd", "set"}}, 0},
           {"redis_commands_duration_seconds_total", {{"cmd", "set"}}, 12e-6},
           {"redis_latency_percentiles_usec", {{"cmd", "set"}, {"quantile", "50"}}, 4.015},
           {"redis_latency_percentiles_usec", {{"cmd", "set"}, {"quantile", "99.9"}}, 8.031},
           {"redis_latency_percentiles_usec_count", {{"cmd", "set"}}, 2},
           {"redis_latency_percentiles_usec_sum", {{"cmd", "set"}}, 12},
           {"redis_errors_total", {{"err", "ERR"}}, 1},
           {"redis_db_keys", {{"db", "db0"}}, 2},
           {"redis_db_keys", {{"db", "db1"}}, 1},
           {"redis_db_avg_ttl_seconds", {{"db", "db0"}}, 682.274},
           {"redis_start_time_seconds", {}, 1700000000 - 322},
       },
       {"redis_slave_info", "redis_master_link_up"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.fixture);
    Collected got(Fixture(c.fixture), c.db_count);
    for (const Expect& e : c.expect) {
      const double* v = got.Find(e.name, e.labels);
      ASSERT_NE(v, nullptr) << e.name << e.labels.ToString() << "\n" << got.Render();
      EXPECT_DOUBLE_EQ(*v, e.value) << e.name << e.labels.ToString();
    }
    for (const std::string& name : c.absent) EXPECT_FALSE(got.HasFamily(name)) << name;
  }
}

TEST(InfoTest, TypesAndHelpFollowUpstream) {
  Collected got(Fixture("info_redis7.txt"), 16);
  const CollectedSample* s = got.Family("redis_commands_processed_total");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->family->type, MetricType::kCounter);
  EXPECT_EQ(s->family->help, "commands_processed_total metric");
  s = got.Family("redis_memory_used_bytes");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->family->type, MetricType::kGauge);
  s = got.Family("redis_db_keys");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->family->help, "Total number of keys by DB");
  s = got.Family("redis_latency_percentiles_usec");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->family->type, MetricType::kSummary);
  // The odd upstream names stay.
  EXPECT_TRUE(got.HasFamily("redis_rdb_last_bgsave_duration_sec"));
  EXPECT_TRUE(got.HasFamily("redis_aof_last_rewrite_duration_sec"));
  EXPECT_TRUE(got.HasFamily("redis_migrate_cached_sockets_total"));
}

TEST(InfoTest, SystemMemoryOnlyWhenAsked) {
  const std::string info = "# Memory\r\ntotal_system_memory:8000\r\n";
  EXPECT_FALSE(Collected(info, 0).HasFamily("redis_total_system_memory_bytes"));
  Collected with(info, 0, 0, true);
  const double* v = with.Find("redis_total_system_memory_bytes", {});
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v, 8000);
}

TEST(InfoTest, MalformedAndTruncatedLines) {
  const std::string info =
      "# Server\n"
      "redis_version\n"         // no colon
      ":\n"                     // empty key
      "uptime_in_seconds:abc\n"  // not a number → 0 (upstream), no start time
      "# Clients\n"
      "connected_clients:1e400\n"  // overflow → +Inf as Go
      "blocked_clients:\n"          // empty → 0
      "# Replication\n"
      "slave0:ip=1.2.3.4,port\n"            // malformed slave: falls through, not in table
      "slave1:ip=1.2.3.4,port=1,offset=x\n"  // bad offset
      "slave2:ip=1.2.3.4,port=1,state=online,offset=5\n"  // no lag (Redis < 3)
      "# Commandstats\n"
      "cmdstat_get:calls=1\n"                // too few parts
      "cmdstat_set:calls=x,usec=1,usec_per_call=1\n"
      "cmdstat_del:calls=3,usec=6,usec_per_call=2,rejected_calls=z,failed_calls=0\n"
      "# Latencystats\n"
      "latency_percentiles_usec_ping:p50=1,p99\n"  // malformed: no summary
      "# Errorstats\n"
      "errorstat_ERR:count\n"
      "# Keyspace\n"
      "db0:keys=1\n"  // too few parts → generic rule: redis_db0 = 0
      "db1:keys=2,expires=1,avg_ttl=1000,cached_keys=4\n"
      "db2:keys=2,expires=1,avg_ttl=1000,cached_keys=4,x=1\n"
      "cluster_enabled:1\n"
      "# Cluster\n"
      "cluster_enabled:1\n"
      "cluster_odd-name:2\n"
      "# Keyspace\n"
      "db9:keys=1,expires=0,avg_ttl=0";  // last line without a newline
  Collected got(info, 0);
  EXPECT_FALSE(got.HasFamily("redis_start_time_seconds"));
  EXPECT_EQ(*got.Find("redis_uptime_in_seconds", {}), 0);
  EXPECT_TRUE(std::isinf(*got.Find("redis_connected_clients", {})));
  EXPECT_EQ(*got.Find("redis_blocked_clients", {}), 0);
  EXPECT_EQ(got.Find("redis_connected_slave_offset_bytes",
                     {{"slave_ip", "1.2.3.4"}, {"slave_port", "1"}, {"slave_state", ""}}),
            nullptr);
  EXPECT_EQ(*got.Find("redis_connected_slave_offset_bytes",
                      {{"slave_ip", "1.2.3.4"}, {"slave_port", "1"}, {"slave_state", "online"}}),
            5);
  EXPECT_FALSE(got.HasFamily("redis_connected_slave_lag_seconds"));
  EXPECT_FALSE(got.HasFamily("redis_commands_total"));
  EXPECT_FALSE(got.HasFamily("redis_latency_percentiles_usec"));
  EXPECT_FALSE(got.HasFamily("redis_errors_total"));
  EXPECT_EQ(*got.Find("redis_db0", {}), 0);
  EXPECT_EQ(*got.Find("redis_db_keys_cached", {{"db", "db1"}}), 4);
  EXPECT_EQ(*got.Find("redis_db_avg_ttl_seconds", {{"db", "db1"}}), 1);
  EXPECT_EQ(*got.Find("redis_db2", {}), 0);
  EXPECT_EQ(*got.Find("redis_cluster_odd_name", {}), 2);
  EXPECT_EQ(*got.Find("redis_db_keys", {{"db", "db9"}}), 1);
  EXPECT_NE(got.Find("redis_instance_info", {}), nullptr);  // all labels empty
}

TEST(InfoTest, EmptyAndGarbageInputNeverCrash) {
  for (std::string_view in : {std::string_view(""), std::string_view("\n\n\r\n"),
                              std::string_view("# \n#\n:::\n\0\0", 12),
                              std::string_view("# Keyspace\ndb")}) {
    Collected got(in, 2);
    EXPECT_NE(got.Find("redis_db_keys", {{"db", "db1"}}), nullptr);
  }
}

TEST(InfoTest, ClusterInfo) {
  MemoryAppender app;
  MetricSink sink("redis");
  InfoParser p({});
  sink.Begin(app);
  p.ExtractClusterInfo(
      "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_stats_messages_sent:10\r\n"
      "cluster_known_nodes:6\r\nbad:line:here\r\n",
      sink);
  EXPECT_EQ(*app.Find("redis_cluster_state", {}), 1);
  EXPECT_EQ(*app.Find("redis_cluster_slots_assigned", {}), 16384);
  EXPECT_EQ(*app.Find("redis_cluster_messages_sent_total", {}), 10);
  EXPECT_EQ(*app.Find("redis_cluster_known_nodes", {}), 6);
  EXPECT_EQ(app.Find("redis_bad", {}), nullptr);
}

TEST(InfoTest, ParseGoFloat) {
  double v = 0;
  EXPECT_TRUE(ParseGoFloat("1.5", &v));
  EXPECT_EQ(v, 1.5);
  EXPECT_TRUE(ParseGoFloat("-2e3", &v));
  EXPECT_EQ(v, -2000);
  EXPECT_TRUE(ParseGoFloat("+7", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(ParseGoFloat("Inf", &v));
  EXPECT_TRUE(std::isinf(v));
  EXPECT_TRUE(ParseGoFloat("1e-400", &v));
  EXPECT_EQ(v, 0);
  EXPECT_FALSE(ParseGoFloat("", &v));
  EXPECT_FALSE(ParseGoFloat("1.5x", &v));
  EXPECT_FALSE(ParseGoFloat("-", &v));
  EXPECT_FALSE(ParseGoFloat(" 1", &v));
  EXPECT_EQ(InfoValue("ok"), 1);
  EXPECT_EQ(InfoValue("fail"), 0);
  EXPECT_EQ(InfoValue("up"), 0);
}

TEST(InfoTest, HandlesAreCachedAcrossCollections) {
  const std::string info = Fixture("info_redis7.txt");
  MemoryAppender app;
  MetricSink sink("redis");
  InfoParser p({});
  sink.Begin(app);
  p.Extract(info, 16, 1, sink);
  sink.End();
  const size_t series = app.series_count();
  const size_t samples = sink.samples();
  app.Clear();
  sink.Begin(app);
  p.Extract(info, 16, 2, sink);
  sink.End();
  EXPECT_EQ(app.series_count(), series);
  EXPECT_EQ(sink.samples(), samples);
  EXPECT_EQ(*app.Find("redis_start_time_seconds", {}), 2 - 322);
}

TEST(InfoTest, NamespaceIsApplied) {
  MemoryAppender app;
  MetricSink sink("kv");
  InfoParser p({});
  sink.Begin(app);
  p.Extract("# Memory\nused_memory:5\n", 0, 0, sink);
  EXPECT_EQ(*app.Find("kv_memory_used_bytes", {}), 5);
}

}  // namespace
}  // namespace outpost::integrations::redis
