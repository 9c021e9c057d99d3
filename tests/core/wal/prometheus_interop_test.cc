// Interoperability with the real thing: Debian's prometheus (2.42).
//
//  1. A WAL written by outpost's Writer is copied to DIR/wal and replayed by
//     `prometheus --storage.tsdb.path=DIR` as its own head WAL: same number
//     of head series, zero WAL corruptions, samples queryable.
//  1b. The same for a WAL whose disk filled up mid-commit and came back
//     (issue 26 part 2, prometheus/prometheus#13027): the Storage's
//     recovery leaves no torn or misaligned page behind.
//  2. A WAL written by `prometheus --enable-feature=agent` scraping itself
//     is read back by outpost's Reader: no damage, every record decodes,
//     every sample belongs to a series record.
//
// Needs /usr/bin/prometheus (apt-get install prometheus) and /usr/bin/curl;
// fails loudly without them. Talks to 127.0.0.1 on a free port only.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "core/wal/env.h"
#include "core/wal/mem_env.h"
#include "core/wal/reader.h"
#include "core/wal/records.h"
#include "core/wal/storage.h"
#include "core/wal/writer.h"
#include "gtest/gtest.h"
#include "tests/support/free_port.h"

extern char** environ;

namespace outpost::wal {
namespace {

constexpr char kPrometheus[] = "/usr/bin/prometheus";
constexpr int kSeries = 300;
constexpr int kSteps = 10;

using ::outpost::testing::FreePort;

// GET through the curl binary (the test links only core/wal).
std::string HttpGet(const std::string& url) {
  std::string cmd = "curl -s -g --max-time 5 '" + url + "'";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

// A prometheus child process, stopped (SIGTERM, then waited for) on scope exit.
class PrometheusProcess {
 public:
  PrometheusProcess(const std::string& dir, int port, std::vector<std::string> extra)
      : port_(port) {
    std::vector<std::string> args = {
        kPrometheus, "--config.file=" + dir + "/prometheus.yml",
        "--web.listen-address=127.0.0.1:" + std::to_string(port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    const std::string log = dir + "/prometheus.log";
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid_, kPrometheus, &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    log_ = log;
  }
  ~PrometheusProcess() { Stop(); }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Polls /-/ready (bounded wait for start-up, not a performance check).
  bool WaitReady() {
    for (int i = 0; i < 600 && pid_ > 0; ++i) {
      if (HttpGet(Url("/-/ready")).find("Ready") != std::string::npos) return true;
      int status;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }
  std::string Log() const {
    std::ifstream f(log_);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  bool started() const { return pid_ > 0 && port_ > 0; }

 private:
  pid_t pid_ = -1;
  int port_ = -1;
  std::string log_;
};

// The value of one series (name and labels as exposed) in a /metrics
// exposition, or -1.
double MetricValue(const std::string& exposition, const std::string& series) {
  const std::string key = "\n" + series + " ";
  size_t at = ("\n" + exposition).find(key);
  if (at == std::string::npos) return -1;
  return std::strtod(exposition.c_str() + at + key.size() - 1, nullptr);
}

// The scalar of a one-element instant-vector query result, or -1.
double QueryValue(const std::string& json) {
  std::regex re(R"re("value":\[[0-9.]+,"([^"]+)"\])re");
  std::smatch m;
  if (!std::regex_search(json, m, re)) return -1;
  return std::stod(m[1]);
}

class PrometheusInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kPrometheus))
        << kPrometheus << " is missing: apt-get install -y prometheus";
    ASSERT_TRUE(std::filesystem::exists("/usr/bin/curl")) << "curl is missing";
    char tmpl[] = "/tmp/outpost_interop_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) std::filesystem::remove_all(dir_);
  }
  void WriteConfig(const std::string& body) {
    std::ofstream(dir_ + "/prometheus.yml") << body;
  }
  // Starts prometheus on dir_/data (the WAL under test in dir_/data/wal)
  // and checks its own metrics: the WAL replayed without corruptions into
  // kSeries head series. nullptr if it did not start.
  std::unique_ptr<PrometheusProcess> StartOnData() {
    WriteConfig("global:\n  scrape_interval: 1h\n");
    auto prom = std::make_unique<PrometheusProcess>(
        dir_, FreePort(), std::vector<std::string>{"--storage.tsdb.path=" + dir_ + "/data"});
    if (!prom->started() || !prom->WaitReady()) {
      ADD_FAILURE() << "prometheus did not start: " << prom->Log();
      return nullptr;
    }
    // Prometheus' own metrics at /metrics (it does not scrape itself here).
    const std::string metrics = HttpGet(prom->Url("/metrics"));
    EXPECT_EQ(MetricValue(metrics, "prometheus_tsdb_wal_corruptions_total"), 0) << prom->Log();
    EXPECT_EQ(MetricValue(metrics, "prometheus_tsdb_head_series"), kSeries);
    return prom;
  }
  std::string dir_;
};

TEST_F(PrometheusInteropTest, PrometheusReplaysAnOutpostWal) {
  // Written elsewhere, then copied in as the head WAL.
  const std::string src = dir_ + "/outpost_wal";
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  {
    auto w = Writer::Open(Env::Default(), src, {});
    ASSERT_TRUE(w.ok()) << w.status();
    std::vector<RefSeries> series;
    std::vector<RefMetadata> meta;
    for (int i = 0; i < kSeries; ++i) {
      series.push_back({static_cast<uint64_t>(i + 1),
                        Labels{{"__name__", "outpost_interop_metric"},
                               {"job", "interop"},
                               {"series", std::to_string(i)}}});
    }
    meta.push_back({1, MetricType::kGauge, "", "A metric written by outpost."});
    std::string s, m;
    EncodeSeries(series, &s);
    EncodeMetadata(meta, &m);
    ASSERT_TRUE((*w)->AddRecords({s, m}).ok());
    for (int step = 0; step < kSteps; ++step) {
      // Every minute over the last 10 minutes; value = series*1000 + step.
      const int64_t t = now_ms - (kSteps - 1 - step) * 60'000;
      std::vector<RefSample> samples;
      for (int i = 0; i < kSeries; ++i) {
        samples.push_back({static_cast<uint64_t>(i + 1), t, i * 1000.0 + step});
      }
      std::string rec;
      EncodeSamples(samples, &rec);
      ASSERT_TRUE((*w)->AddRecord(rec).ok());
    }
    ASSERT_TRUE((*w)->Close().ok());
  }
  std::filesystem::create_directories(dir_ + "/data");
  std::filesystem::copy(src, dir_ + "/data/wal");
  auto started = StartOnData();
  ASSERT_NE(started, nullptr);
  PrometheusProcess& prom = *started;

  EXPECT_EQ(QueryValue(HttpGet(prom.Url("/api/v1/query?query=count(outpost_interop_metric)"))),
            kSeries);
  EXPECT_EQ(QueryValue(HttpGet(prom.Url(
                "/api/v1/query?query=sum(count_over_time(outpost_interop_metric[1h]))"))),
            kSeries * kSteps);
  EXPECT_EQ(QueryValue(HttpGet(prom.Url(
                "/api/v1/query?query=outpost_interop_metric{series=\"42\"}"))),
            42 * 1000.0 + kSteps - 1);
  prom.Stop();
  EXPECT_EQ(prom.Log().find("level=error"), std::string::npos) << prom.Log();
}

TEST_F(PrometheusInteropTest, PrometheusReplaysAWalThatRecoveredFromAFullDisk) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  MemEnv env;  // with a byte budget: a disk that fills up
  const std::string src = "/outpost_wal";
  int written = 0;
  {
    auto st = Storage::Open(&env, src, {.segment_size = 4 * kPageSize});
    ASSERT_TRUE(st.ok()) << st.status();
    for (int step = 0; step < kSteps; ++step) {
      if (step == 1) env.SetCapacity(env.used_bytes() + 100);  // cut mid-record
      if (step == 4) env.SetCapacity(0);                       // space is back
      auto app = (*st)->NewAppender();
      const int64_t t = now_ms - (kSteps - 1 - step) * 60'000;
      for (int i = 0; i < kSeries; ++i) {
        app->Append(app->Ref(Labels{{"__name__", "outpost_disk_full_metric"},
                                    {"job", "interop"},
                                    {"series", std::to_string(i)}}),
                    t, i * 1000.0 + step);
      }
      const absl::Status s = app->Commit();
      EXPECT_EQ(s.ok(), step == 0 || step >= 4) << "step " << step << ": " << s;
      written += s.ok();
    }
    ASSERT_TRUE((*st)->Close().ok());
  }
  std::filesystem::create_directories(dir_ + "/data/wal");
  auto names = env.GetChildren(src);
  ASSERT_TRUE(names.ok());
  for (const std::string& n : *names) {
    std::ofstream(dir_ + "/data/wal/" + n, std::ios::binary) << env.Contents(src + "/" + n);
  }
  auto started = StartOnData();
  ASSERT_NE(started, nullptr);
  PrometheusProcess& prom = *started;
  EXPECT_EQ(QueryValue(HttpGet(prom.Url(
                "/api/v1/query?query=sum(count_over_time(outpost_disk_full_metric[1h]))"))),
            kSeries * written);
  prom.Stop();
  EXPECT_EQ(prom.Log().find("level=error"), std::string::npos) << prom.Log();
}

TEST_F(PrometheusInteropTest, OutpostReadsAPrometheusAgentWal) {
  const int port = FreePort();
  WriteConfig("global:\n  scrape_interval: 1s\n"
              "scrape_configs:\n  - job_name: self\n    static_configs:\n"
              "      - targets: ['127.0.0.1:" + std::to_string(port) + "']\n");
  PrometheusProcess agent(dir_, port, {"--enable-feature=agent",
                                       "--storage.agent.path=" + dir_ + "/agent"});
  ASSERT_TRUE(agent.started());
  ASSERT_TRUE(agent.WaitReady()) << agent.Log();
  // Wait (bounded) for the first scrapes to land in the WAL.
  double active = 0, appended = 0;
  for (int i = 0; i < 150 && appended < 3 * active + 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::string m = HttpGet(agent.Url("/metrics"));
    active = MetricValue(m, "prometheus_agent_active_series");
    appended = MetricValue(m, "prometheus_agent_samples_appended_total{type=\"float\"}");
  }
  agent.Stop();
  ASSERT_GT(active, 0) << agent.Log();
  ASSERT_GT(appended, 0) << agent.Log();

  struct Counting : Reporter {
    void Report(const Corruption& c) override { reasons.push_back(c.reason); }
    std::vector<std::string> reasons;
  } reporter;
  auto r = Reader::Open(Env::Default(), dir_ + "/agent/wal", &reporter);
  ASSERT_TRUE(r.ok()) << r.status();
  absl::flat_hash_set<uint64_t> refs;
  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  size_t n_samples = 0, unknown_refs = 0;
  std::string_view rec;
  while ((*r)->ReadRecord(&rec)) {
    switch (GetRecordType(rec)) {
      case RecordType::kSeries:
        series.clear();
        ASSERT_TRUE(DecodeSeries(rec, &series).ok());
        for (const auto& s : series) refs.insert(s.ref);
        break;
      case RecordType::kSamples:
        samples.clear();
        ASSERT_TRUE(DecodeSamples(rec, &samples).ok());
        n_samples += samples.size();
        for (const auto& s : samples) unknown_refs += !refs.contains(s.ref);
        break;
      default:
        break;
    }
  }
  EXPECT_TRUE((*r)->status().ok()) << (*r)->status();
  EXPECT_TRUE(reporter.reasons.empty()) << reporter.reasons.front();
  // Every series and sample the agent counted before it stopped was logged
  // (it may have scraped once more since: hence >=).
  EXPECT_GE(refs.size(), static_cast<size_t>(active));
  EXPECT_GE(n_samples, static_cast<size_t>(appended));
  EXPECT_EQ(unknown_refs, 0u);
}

}  // namespace
}  // namespace outpost::wal
