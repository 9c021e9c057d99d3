// Parity with the real redis_exporter 1.45.0 (Debian's
// prometheus-redis-exporter): both scrape the same redis-server; their
// outputs are diffed by family (name, type, HELP) and series (name + label
// set), and stable values are compared. Remaining differences are printed
// with their reason; an unexplained one fails.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/base/absl_compat.h"
#include "core/base/exposition_parser.h"
#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/redis/redis.h"
#include "tests/support/free_port.h"
#include "tests/support/redis_server.h"
#include "tests/support/spawned_process.h"

namespace outpost::integrations::redis {
namespace {

std::string ExporterBinary() {
  const char* env = std::getenv("OUTPOST_REDIS_EXPORTER");
  return env != nullptr ? env : "/usr/bin/prometheus-redis-exporter";
}

// The real exporter against `redis_addr`, on `port`; output discarded.
class ExporterProcess : public ::outpost::testing::SpawnedProcess {
 public:
  ExporterProcess(const std::string& redis_addr, int port, std::vector<std::string> flags)
      : SpawnedProcess(Args(redis_addr, port, std::move(flags)),
                       ::outpost::testing::SpawnOptions::Log("/dev/null")) {}

 private:
  static std::vector<std::string> Args(const std::string& redis_addr, int port,
                                       std::vector<std::string> flags) {
    std::vector<std::string> args = {ExporterBinary(),
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                     "--redis.addr=" + redis_addr};
    args.insert(args.end(), flags.begin(), flags.end());
    return args;
  }
};

// GET /metrics over HTTP/1.0 (no chunked encoding); status 0 when the
// exporter is not reachable yet.
struct HttpResult {
  int status = 0;
  std::string body;
};
HttpResult GetMetrics(int port) {
  HttpResult out;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return out;
  }
  const std::string req = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return out;
  }
  std::string raw;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) raw.append(buf, static_cast<size_t>(n));
  close(fd);
  const size_t sp = raw.find(' ');
  const size_t end = raw.find("\r\n\r\n");
  if (sp == std::string::npos || end == std::string::npos) return out;
  out.status = std::atoi(raw.c_str() + sp + 1);
  out.body = raw.substr(end + 4);
  return out;
}

struct Series {
  MetricType type;
  std::string help;
  double value;
};
// "name{labels}" → family type, help, value.
std::map<std::string, Series> Index(const std::vector<ExpositionFamily>& fams) {
  std::map<std::string, Series> out;
  for (const ExpositionFamily& f : fams) {
    const std::string& n = f.meta.name;
    if (n.rfind("go_", 0) == 0 || n.rfind("process_", 0) == 0 || n.rfind("promhttp_", 0) == 0)
      continue;
    for (const ExpositionSample& s : f.samples) {
      const std::string name = s.name.empty() ? n : s.name;
      out[s.labels.empty() ? name : name + s.labels.ToString()] = Series{f.meta.type, f.meta.help, s.value};
    }
  }
  return out;
}

std::string Family(const std::string& series) { return series.substr(0, series.find('{')); }

TEST(RedisParity, MatchesRedisExporter145) {
  ASSERT_EQ(access(ExporterBinary().c_str(), X_OK), 0)
      << ExporterBinary() << " not found (install prometheus-redis-exporter)";
  outpost::testing::RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  server.Cli({"SET", "a", "1"});
  server.Cli({"-n", "2", "SET", "b", "2"});
  server.Cli({"EXPIRE", "a", "5000"});
  server.Cli({"XADD", "s", "*", "f", "v"});
  server.Cli({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  server.Cli({"GET", "a"});
  server.Cli({"NOSUCHCOMMAND"});  // an errorstat

  server.Cli({"-n", "2", "SET", "user:1", "x"});
  server.Cli({"-n", "2", "SET", "user:2", "y"});
  // Key groups: Lua patterns, a group named by a capture, an unclassified
  // key ("s"), a database with no key (0 groups).
  const std::string key_groups = "^(user):,^(a)$";

  Options o;
  o.redis_addr = server.addr();
  o.check_key_groups = key_groups;
  auto integ = NewRedisIntegration(o);
  ASSERT_TRUE(integ.ok()) << integ.status();
  MemoryAppender app;
  ASSERT_TRUE((*integ)->Collect(app, absl::Now() + absl::Seconds(10)).ok());

  const int port = outpost::testing::FreePort();
  ExporterProcess exporter("redis://" + server.addr(), port,
                           {"--check-key-groups=" + key_groups});
  HttpResult theirs_http;
  for (int i = 0; i < 100 && theirs_http.status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    theirs_http = GetMetrics(port);
  }
  ASSERT_EQ(theirs_http.status, 200);
  // Ours again, after the exporter's commands, so both saw the same
  // command set (commandstats/latencystats series).
  app.Clear();
  ASSERT_TRUE((*integ)->Collect(app, absl::Now() + absl::Seconds(10)).ok());

  auto theirs_fams = ParseExposition(theirs_http.body);
  ASSERT_TRUE(theirs_fams.ok()) << theirs_fams.status();
  auto ours_fams = ParseExposition(app.Render());
  ASSERT_TRUE(ours_fams.ok()) << ours_fams.status();
  const auto theirs = Index(*theirs_fams);
  const auto ours = Index(*ours_fams);

  // Differences we expect, with the reason.
  const std::map<std::string, std::string> allowed_missing = {
      {"redis_exporter_build_info",
       "the exporter binary's own build info; Grafana Agent does not expose it"},
      {"redis_exporter_last_scrape_ping_time_seconds", "only with ping_on_connect"},
  };
  size_t present = 0;
  std::vector<std::string> problems;
  for (const auto& [key, s] : theirs) {
    const std::string fam = Family(key);
    auto it = ours.find(key);
    if (it == ours.end()) {
      if (allowed_missing.count(fam)) {
        std::printf("  missing (expected: %s): %s\n", allowed_missing.at(fam).c_str(), key.c_str());
      } else if (key.find("cmd=") != std::string::npos || key.find("event_name=") != std::string::npos) {
        std::printf("  missing (commands differ between the two clients): %s\n", key.c_str());
      } else {
        problems.push_back("missing in outpost: " + key);
      }
      continue;
    }
    ++present;
    if (it->second.type != s.type) problems.push_back("type differs: " + key);
    if (it->second.help != s.help)
      problems.push_back("HELP differs: " + key + ": \"" + it->second.help + "\" vs \"" + s.help + "\"");
  }
  for (const auto& [key, s] : ours) {
    if (theirs.count(key)) continue;
    if (key.find("cmd=") != std::string::npos || key.find("event_name=") != std::string::npos) continue;
    problems.push_back("extra in outpost: " + key);
  }
  const double ratio = static_cast<double>(present) / static_cast<double>(theirs.size());
  std::printf("redis parity: %zu of %zu redis_exporter series present in outpost (%.1f%%)\n",
              present, theirs.size(), 100 * ratio);
  EXPECT_GE(ratio, 0.95);
  for (const std::string& p : problems) ADD_FAILURE() << p;

  // Stable values must be equal.
  for (const std::string key :
       {"redis_config_maxclients", "redis_config_maxmemory", "redis_config_io_threads",
        "redis_db_keys{db=\"db0\"}", "redis_db_keys{db=\"db2\"}", "redis_db_keys{db=\"db7\"}",
        "redis_db_keys_expiring{db=\"db0\"}", "redis_memory_max_bytes", "redis_connected_slaves",
        "redis_up", "redis_errors_total{err=\"ERR\"}", "redis_aof_enabled",
        "redis_rdb_last_bgsave_status", "redis_replication_backlog_bytes",
        "redis_key_group_count{db=\"db0\", key_group=\"a\"}",
        "redis_key_group_count{db=\"db0\", key_group=\"unclassified\"}",
        "redis_key_group_count{db=\"db2\", key_group=\"user\"}",
        "redis_key_group_memory_usage_bytes{db=\"db2\", key_group=\"user\"}",
        "redis_number_of_distinct_key_groups{db=\"db0\"}",
        "redis_number_of_distinct_key_groups{db=\"db2\"}",
        "redis_number_of_distinct_key_groups{db=\"db5\"}"}) {
    auto a = theirs.find(key), b = ours.find(key);
    ASSERT_NE(a, theirs.end()) << key;
    ASSERT_NE(b, ours.end()) << key;
    EXPECT_EQ(a->second.value, b->second.value) << key;
  }
  // instance_info carries the same labels (same server).
  bool same_info = false;
  for (const auto& [key, s] : theirs)
    if (Family(key) == "redis_instance_info") same_info = ours.count(key) == 1;
  EXPECT_TRUE(same_info);
}

}  // namespace
}  // namespace outpost::integrations::redis
