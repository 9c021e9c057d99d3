// End-to-end tests of the logs: block: the outpost binary tails files the
// test writes and ships them to the test's Loki receiver
// (tests/logs/support/loki_receiver.h, which decodes with protoc-generated
// code, not outpost's encoder). Every line is numbered, so loss and
// duplicates are counted exactly.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/logs/logs_e2e_util.h"
#include "tests/logs/support/loki_receiver.h"

namespace outpost::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct ClientOpts {
  std::string backoff = "{min_period: 100ms, max_period: 1s, max_retries: 5}";
  std::string batchwait = "100ms";
  std::string stages;  // pipeline_stages items, indented by 6
  std::string limits;  // limits_config keys, indented by 6
};

std::string Config(const TempDir& dir, const std::string& url, const std::string& glob,
                   const ClientOpts& c = {}) {
  return std::string(getenv("LOGS_TEST_DEBUG") ? "server:\n  log_level: debug\n" : "") +
         "metrics:\n  wal_directory: " + dir / "wal" +
         "\nlogs:\n  positions_directory: " + dir / "positions" +
         "\n  configs:\n  - name: default\n    clients:\n    - url: " + url +
         "\n      batchwait: " + c.batchwait + "\n      backoff_config: " + c.backoff +
         "\n    scrape_configs:\n    - job_name: app\n      static_configs:\n"
         "      - targets: [localhost]\n        labels:\n          job: app\n"
         "          __path__: " + glob + "\n" +
         (c.stages.empty() ? "" : "      pipeline_stages:\n" + c.stages) +
         (c.limits.empty() ? "" : "    limits_config:\n" + c.limits);
}

void Append(const std::string& path, int64_t from, int64_t to) {
  std::string text;
  for (int64_t i = from; i < to; ++i) text += LineText(i) + "\n";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
}

TEST(LogsTest, ShipsFileLinesWithLabelsPositionsAndMetrics) {
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  const std::string log = dir / "app.log";
  Append(log, 0, 1000);
  WriteFile(dir / "agent.yaml", Config(dir, loki.url(), dir / "*.log"));
  {
    Process p(Args(dir / "agent.yaml"), dir.path());
    ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
    ASSERT_TRUE(WaitAll(loki, 1000, absl::Seconds(30))) << p.err();
    Append(log, 1000, 1500);
    ASSERT_TRUE(WaitAll(loki, 1500, absl::Seconds(30))) << p.err();
    const int port = PortFromLog(p.err());
    HttpResult m = HttpRequestTo(port, "GET", "/metrics");
    EXPECT_NE(m.body.find("promtail_sent_entries_total{"), std::string::npos) << m.body;
    EXPECT_NE(m.body.find("logs_config=\"default\""), std::string::npos);
    EXPECT_NE(m.body.find("promtail_read_lines_total{logs_config=\"default\",path=\"" + log +
                          "\"} 1500"),
              std::string::npos)
        << m.body;
    EXPECT_NE(m.body.find("promtail_files_active_total{logs_config=\"default\"} 1"),
              std::string::npos);
    p.Signal(SIGTERM);
    EXPECT_EQ(p.Wait(), 0) << p.err();
  }
  Tally t = Count(loki, 1500);
  EXPECT_EQ(t.missing, 0);
  EXPECT_EQ(t.duplicates, 0);
  EXPECT_EQ(t.unknown, 0);
  EXPECT_TRUE(loki.errors().empty()) << loki.errors().front();
  std::vector<LokiEntry> entries = loki.entries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.front().stream, "{filename=\"" + log + "\", job=\"app\"}");
  // Promtail's positions format, at the file's end.
  const std::string positions = ReadAll(dir / "positions/default.yml");
  EXPECT_NE(positions.find("positions:"), std::string::npos) << positions;
  EXPECT_NE(positions.find(log + ": \"" + std::to_string(std::filesystem::file_size(log)) + "\""),
            std::string::npos)
      << positions;

  // Restarted, it resumes: nothing twice, the new lines once.
  Append(log, 1500, 2000);
  Process p(Args(dir / "agent.yaml"), dir.path());
  ASSERT_TRUE(WaitAll(loki, 2000, absl::Seconds(30))) << p.err();
  absl::SleepFor(absl::Milliseconds(500));
  t = Count(loki, 2000);
  EXPECT_EQ(t.missing, 0);
  EXPECT_EQ(t.duplicates, 0);
}

// Stages end to end: labels, structured metadata and the tenant from the
// line; lines without a match keep the file's stream.
TEST(LogsTest, PipelineStagesSetLabelsMetadataAndTenant) {
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  const std::string log = dir / "app.log";
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "level=" + std::string(i % 3 == 0 ? "error" : "info") + " org=" +
            (i % 2 == 0 ? "a" : "b") + " trace=t" + std::to_string(i) + " " + LineText(i) + "\n";
  }
  text += LineText(300) + "\n";  // no match: the file's stream, as it is
  WriteFile(log, text);
  ClientOpts c;
  c.stages = R"y(      - regex:
          expression: 'level=(?P<level>\w+) org=(?P<org>\w+) trace=(?P<trace>\w+) (?P<msg>.*)'
      - labels:
          level:
      - static_labels:
          env: test
      - structured_metadata:
          trace:
      - tenant:
          source: org
      - output:
          source: msg
      - labeldrop: [filename]
)y";
  WriteFile(dir / "agent.yaml", Config(dir, loki.url(), dir / "*.log", c));
  Process p(Args(dir / "agent.yaml"), dir.path());
  ASSERT_TRUE(WaitAll(loki, 301, absl::Seconds(30)))
      << p.err() << loki.entries().size() << " entries; "
      << (loki.errors().empty() ? "" : loki.errors().front());
  for (const LokiEntry& e : loki.entries()) {
    long long i = -1;
    ASSERT_EQ(std::sscanf(e.line.c_str(), "line %lld", &i), 1) << e.line;
    if (i == 300) {
      EXPECT_EQ(e.stream, "{env=\"test\", job=\"app\"}");
      EXPECT_EQ(e.tenant, "");
      continue;
    }
    EXPECT_EQ(e.stream, std::string("{env=\"test\", job=\"app\", level=\"") +
                            (i % 3 == 0 ? "error" : "info") + "\"}");
    EXPECT_EQ(e.tenant, i % 2 == 0 ? "a" : "b");
    ASSERT_EQ(e.structured_metadata.size(), 1u);
    EXPECT_EQ(e.structured_metadata[0].first, "trace");
    EXPECT_EQ(e.structured_metadata[0].second, "t" + std::to_string(i));
  }
  const Tally t = Count(loki, 301);
  EXPECT_EQ(t.duplicates, 0);
  EXPECT_TRUE(loki.errors().empty()) << loki.errors().front();
  // A bad stage is refused at load with its place and key.
  c.stages = "      - regex:\n          expression: '(?P<x'\n";
  WriteFile(dir / "bad.yaml", Config(dir, loki.url(), dir / "*.log", c));
  Process bad({"check-config", dir / "bad.yaml"}, dir.path());
  EXPECT_NE(bad.Wait(), 0);
  EXPECT_NE(bad.err().find("bad.yaml:"), std::string::npos) << bad.err();
  EXPECT_NE(bad.err().find("pipeline_stages[0].regex.expression: could not compile regular "
                           "expression"),
            std::string::npos)
      << bad.err();
}

// limits_config.readline_rate with readline_rate_drop: past the burst,
// lines are dropped and counted (Promtail's global rate limiter), and the
// positions still reach the file's end.
TEST(LogsTest, ReadlineRateDropsPastTheBurstAndCountsThem) {
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  const std::string log = dir / "app.log";
  Append(log, 0, 200);
  ClientOpts c;
  c.limits =
      "      readline_rate_enabled: true\n      readline_rate: 0.001\n"
      "      readline_burst: 50\n      readline_rate_drop: true\n";
  WriteFile(dir / "agent.yaml", Config(dir, loki.url(), dir / "*.log", c));
  Process p(Args(dir / "agent.yaml"), dir.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  const int port = PortFromLog(p.err());
  const std::string want =
      "logentry_dropped_lines_total{logs_config=\"default\",reason=\"global_rate_limiter_drop\"} "
      "150";
  std::string m;
  for (int i = 0; i < 100 && m.find(want) == std::string::npos; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    m = HttpRequestTo(port, "GET", "/metrics").body;
  }
  EXPECT_NE(m.find(want), std::string::npos) << m;
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(loki.entries().size(), 50u);
  EXPECT_EQ(Count(loki, 50).missing, 0);  // the first 50 lines: the burst
}

size_t Occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Waits until `needle` occurs `n` times in the agent's stderr.
bool WaitCount(Process& p, const std::string& needle, size_t n) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < end) {
    if (Occurrences(p.err(), needle) >= n) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

// SIGHUP with the logs block unchanged keeps the instance (its open files
// and positions); with it changed, the instance restarts where the first
// left off: no line twice, none lost.
TEST(LogsTest, ReloadKeepsUnchangedInstanceAndResumesChangedOne) {
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  const std::string log = dir / "app.log";
  const std::string config = Config(dir, loki.url(), log);
  Append(log, 0, 1000);
  WriteFile(dir / "agent.yaml", config);
  Process p(Args(dir / "agent.yaml"), dir.path());
  ASSERT_TRUE(WaitAll(loki, 1000, absl::Seconds(30))) << p.err();

  WriteFile(dir / "agent.yaml", config + "# changed elsewhere\n");
  p.Signal(SIGHUP);
  ASSERT_TRUE(WaitCount(p, "msg=\"config loaded\"", 2)) << p.err();
  Append(log, 1000, 1500);
  ASSERT_TRUE(WaitAll(loki, 1500, absl::Seconds(30))) << p.err();
  EXPECT_EQ(Occurrences(p.err(), "logs: instance started"), 1u) << p.err();

  ClientOpts slower;
  slower.batchwait = "200ms";
  WriteFile(dir / "agent.yaml", Config(dir, loki.url(), log, slower));
  p.Signal(SIGHUP);
  ASSERT_TRUE(WaitCount(p, "msg=\"config loaded\"", 3)) << p.err();
  EXPECT_EQ(Occurrences(p.err(), "logs: instance started"), 2u) << p.err();
  Append(log, 1500, 2000);
  ASSERT_TRUE(WaitAll(loki, 2000, absl::Seconds(30))) << p.err();
  absl::SleepFor(absl::Milliseconds(500));
  Tally t = Count(loki, 2000);
  EXPECT_EQ(t.missing, 0);
  EXPECT_EQ(t.duplicates, 0);
  EXPECT_NE(p.err().find("offset=" + std::to_string(1500 * (LineText(0).size() + 1))),
            std::string::npos)
      << "the restarted instance resumes at the acknowledged position\n" << p.err();
}

// Writes numbered lines at `rate` per second into `path` and rotates it
// every `every`, by rename + create or by copytruncate. The rotation holds
// the writer's lock, as a logging library that reopens on a signal would;
// copytruncate's own race (lines written between copy and truncate) is
// logrotate's, not the tailer's, so the test leaves it out.
class Writer {
 public:
  enum class Mode { kRenameCreate, kCopyTruncate };
  Writer(std::string path, Mode mode, int rate, milliseconds every)
      : path_(std::move(path)), mode_(mode), rate_(rate), every_(every) {}
  ~Writer() { Stop(); }

  void Start() {
    fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    writer_ = std::thread([this] { Write(); });
    if (every_.count() > 0) rotator_ = std::thread([this] { Rotate(); });
  }
  void Stop() {
    stop_ = true;
    if (writer_.joinable()) writer_.join();
    if (rotator_.joinable()) rotator_.join();
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int64_t written() const { return next_.load(); }
  int rotations() const { return rotations_.load(); }

 private:
  void Write() {
    const auto start = std::chrono::steady_clock::now();
    while (!stop_) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const int64_t due = static_cast<int64_t>(elapsed * rate_);
      std::string text;
      {
        std::lock_guard<std::mutex> lock(mu_);
        int64_t n = next_.load();
        for (; n < due; ++n) text += LineText(n) + "\n";
        if (!text.empty()) {
          ssize_t w = write(fd_, text.data(), text.size());
          if (w != static_cast<ssize_t>(text.size())) std::abort();
        }
        next_ = n;
      }
      std::this_thread::sleep_for(milliseconds(5));
    }
  }

  void Rotate() {
    while (!stop_) {
      std::this_thread::sleep_for(every_);
      std::lock_guard<std::mutex> lock(mu_);
      const std::string rotated = path_ + "." + std::to_string(++generation_);
      if (mode_ == Mode::kRenameCreate) {
        if (rename(path_.c_str(), rotated.c_str()) != 0) std::abort();
        close(fd_);
        fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        // Keep a few generations, as logrotate's `rotate N`.
        if (generation_ > 5) unlink((path_ + "." + std::to_string(generation_ - 5)).c_str());
      } else {
        std::filesystem::copy_file(path_, rotated);
        if (ftruncate(fd_, 0) != 0) std::abort();
      }
      ++rotations_;
    }
  }

  const std::string path_;
  const Mode mode_;
  const int rate_;
  const milliseconds every_;
  std::mutex mu_;
  int fd_ = -1;
  int generation_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int> rotations_{0};
  std::atomic<bool> stop_{false};
  std::thread writer_, rotator_;
};

// 10k lines/s for 60 s, rotated every 100 ms: every line exactly once.
void RotationUnderLoad(Writer::Mode mode, const std::string& glob_suffix) {
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  const std::string log = dir / "app.log";
  WriteFile(dir / "agent.yaml", Config(dir, loki.url(), log + glob_suffix));
  Process p(Args(dir / "agent.yaml"), dir.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  Writer w(log, mode, 10000, milliseconds(100));
  w.Start();
  std::this_thread::sleep_for(seconds(60));
  w.Stop();
  const int64_t n = w.written();
  EXPECT_GT(w.rotations(), 300);
  EXPECT_GT(n, 300000);
  EXPECT_TRUE(WaitAll(loki, n, absl::Seconds(60))) << p.err().substr(0, 4000);
  absl::SleepFor(absl::Seconds(1));
  Tally t = Count(loki, n);
  EXPECT_EQ(t.missing, 0) << "of " << n;
  EXPECT_EQ(t.duplicates, 0) << "of " << n << "; duplicated:" << t.ranges;
  EXPECT_EQ(t.unknown, 0);
  EXPECT_TRUE(loki.errors().empty()) << loki.errors().front();
  if (getenv("LOGS_TEST_DEBUG")) std::printf("%s", p.err().c_str());
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(), 0);
}

TEST(LogsRotationTest, RenameCreateEvery100msAt10kLinesPerSecond) {
  RotationUnderLoad(Writer::Mode::kRenameCreate, "");
}

// The copies match the glob (app.log*): a copy continues where the
// truncated file's reading stopped, instead of being read again.
TEST(LogsRotationTest, CopyTruncateEvery100msAt10kLinesPerSecond) {
  RotationUnderLoad(Writer::Mode::kCopyTruncate, "*");
}

// kill -9 ten times while lines are written, half of them while the
// receiver is down: every line arrives; a kill re-sends at most the lines
// of the batches in flight (those acknowledged before the kill but whose
// position was not written yet, and the one being sent).
TEST(LogsKillTest, Kill9TenTimesDuringWritesAndOutage) {
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  const std::string log = dir / "app.log";
  WriteFile(dir / "agent.yaml", Config(dir, loki.url(), log + "*"));
  Writer w(log, Writer::Mode::kRenameCreate, 2000, milliseconds(1500));
  w.Start();
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> pause(1000, 2500);
  size_t max_request_lines = 0;
  for (int kill = 0; kill < 10; ++kill) {
    if (kill == 5) loki.Stop();  // kills 5..7 happen during an outage
    if (kill == 8) {
      ASSERT_TRUE(loki.Start());
    }
    Process p(Args(dir / "agent.yaml"), dir.path());
    ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
    std::this_thread::sleep_for(milliseconds(pause(rng)));
    p.Signal(SIGKILL);
    p.Wait();
    if (getenv("LOGS_TEST_DEBUG")) std::printf("--- run %d\n%s", kill, p.err().c_str());
  }
  w.Stop();
  const int64_t n = w.written();
  Process p(Args(dir / "agent.yaml"), dir.path());
  EXPECT_TRUE(WaitAll(loki, n, absl::Seconds(60))) << p.err();
  absl::SleepFor(absl::Seconds(1));
  for (const LokiRequest& r : loki.requests()) max_request_lines = std::max(max_request_lines, r.entries);
  Tally t = Count(loki, n);
  EXPECT_EQ(t.missing, 0) << "of " << n;
  // At most two batches per kill (one acknowledged whose position write the
  // kill beat, one in flight).
  EXPECT_LE(t.duplicates, static_cast<int64_t>(10 * 2 * max_request_lines))
      << "max lines per request " << max_request_lines << "; duplicated:" << t.ranges;
  std::printf("duplicated runs:%s\n", t.ranges.c_str());
  std::printf("kill -9 x10: %lld lines, %lld duplicates (bound %zu)\n",
              static_cast<long long>(n), static_cast<long long>(t.duplicates),
              10 * 2 * max_request_lines);
  EXPECT_TRUE(loki.errors().empty()) << loki.errors().front();
}

// The receiver is down; app.log (glob: app.log only) is rotated to
// app.log.1 with its lines unsent, and outpost is killed. Restarted, it finds
// app.log.1 again through the origin its positions entry keeps, and sends
// both files' lines once the receiver is back.
TEST(LogsKillTest, FileRotatedOutOfTheGlobIsFinishedAfterKill9) {
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  const std::string log = dir / "app.log";
  Append(log, 0, 100);
  WriteFile(dir / "agent.yaml", Config(dir, loki.url(), log));
  {
    Process p(Args(dir / "agent.yaml"), dir.path());
    ASSERT_TRUE(WaitAll(loki, 100, absl::Seconds(30))) << p.err();
    loki.Stop();
    Append(log, 100, 1000);
    std::this_thread::sleep_for(milliseconds(600));  // read, not acknowledged
    ASSERT_EQ(rename(log.c_str(), (log + ".1").c_str()), 0);
    Append(log, 1000, 1500);
    ASSERT_TRUE(p.WaitForStderr("logs: file rotated")) << p.err();
    std::this_thread::sleep_for(milliseconds(600));
    p.Signal(SIGKILL);
    p.Wait();
  }
  ASSERT_TRUE(loki.Start());
  Process p(Args(dir / "agent.yaml"), dir.path());
  EXPECT_TRUE(WaitAll(loki, 1500, absl::Seconds(60))) << p.err();
  absl::SleepFor(absl::Milliseconds(500));
  Tally t = Count(loki, 1500);
  EXPECT_EQ(t.missing, 0) << p.err();
  EXPECT_EQ(t.duplicates, 0);
  // Its lines keep the stream of the name they were written under.
  for (const LokiEntry& e : loki.entries()) {
    EXPECT_EQ(e.stream, "{filename=\"" + log + "\", job=\"app\"}");
  }
}

// While the client is full (Loki down, nothing acknowledged), rotations
// are still followed: app.log renamed to app.log.1 and then to app.log.2,
// a new app.log each time, and a kill -9 after the glob sync found the new
// files: each inode keeps its own position entry under its new name, so
// the restart reads every line once.
TEST(LogsKillTest, RotationsWhileTheClientIsFullSurviveKill9) {
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  const std::string url = loki.url();
  loki.Stop();  // its port stays reserved
  const std::string log = dir / "app.log";
  Append(log, 0, 100000);  // ~5.5 MB: more than the client holds
  ClientOpts c;
  c.backoff = "{min_period: 100ms, max_period: 1s, max_retries: 100000}";
  WriteFile(dir / "agent.yaml", Config(dir, url, log, c));
  {
    Process p(Args(dir / "agent.yaml"), dir.path());
    ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
    std::this_thread::sleep_for(seconds(2));  // reading stopped: the client is full
    ASSERT_EQ(rename(log.c_str(), (log + ".1").c_str()), 0);
    Append(log, 100000, 100100);
    std::this_thread::sleep_for(milliseconds(1500));
    ASSERT_EQ(rename((log + ".1").c_str(), (log + ".2").c_str()), 0);
    ASSERT_EQ(rename(log.c_str(), (log + ".1").c_str()), 0);
    Append(log, 100100, 100200);
    std::this_thread::sleep_for(seconds(12));  // past target_sync_period (10 s)
    p.Signal(SIGKILL);
    p.Wait();
  }
  ASSERT_TRUE(loki.Start());
  Process p(Args(dir / "agent.yaml"), dir.path());
  EXPECT_TRUE(WaitAll(loki, 100200, absl::Seconds(90))) << p.err();
  absl::SleepFor(absl::Milliseconds(500));
  Tally t = Count(loki, 100200);
  EXPECT_EQ(t.missing, 0) << p.err();
  EXPECT_EQ(t.duplicates, 0);
}

// The agent's "loki client: endpoint ..." lines (failing, rejecting,
// accepting again): what a log cut to its first KiB does not show.
std::string ClientStates(const std::string& log) {
  std::string out;
  size_t at = 0;
  while (at < log.size()) {
    size_t end = log.find('\n', at);
    if (end == std::string::npos) end = log.size();
    const std::string_view line(log.data() + at, end - at);
    if (line.find("loki client: endpoint") != std::string_view::npos) {
      out.append(line);
      out += '\n';
    }
    at = end + 1;
  }
  return out;
}

int64_t RssKiB(int pid) {
  std::string status = ReadAll("/proc/" + std::to_string(pid) + "/status");
  const size_t at = status.find("VmRSS:");
  return at == std::string::npos ? -1 : std::atoll(status.c_str() + at + 6);
}

// The receiver is down for 5 minutes while the file rotates every 10 s
// (30 rotations, more than the 5 generations kept on disk: the unlinked
// ones are read from their open descriptors): afterwards every line
// arrives exactly once, and memory stayed flat meanwhile (the files are
// the buffer). The client gives a batch up after ~5 s of retries here, so
// the give-up-and-re-read path runs dozens of times.
TEST(LogsOutageTest, ReceiverDownFiveMinutesWhileFilesRotate) {
  TempDir dir;
  LokiReceiver loki;
  ASSERT_TRUE(loki.Start());
  const std::string log = dir / "app.log";
  WriteFile(dir / "agent.yaml", Config(dir, loki.url(), log));
  Process p(Args(dir / "agent.yaml"), dir.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  Writer w(log, Writer::Mode::kRenameCreate, 1000, milliseconds(10000));
  w.Start();
  std::this_thread::sleep_for(seconds(5));
  loki.Stop();
  std::this_thread::sleep_for(seconds(60));
  const int64_t rss_early = RssKiB(p.pid());
  std::this_thread::sleep_for(seconds(240));
  const int64_t rss_late = RssKiB(p.pid());
  ASSERT_TRUE(loki.Start());
  std::this_thread::sleep_for(seconds(5));
  w.Stop();
  const int64_t n = w.written();
  EXPECT_TRUE(WaitAll(loki, n, absl::Seconds(120)))
      << p.err().substr(0, 4000) << "...\nthe client's state changes:\n" << ClientStates(p.err());
  absl::SleepFor(absl::Seconds(1));
  Tally t = Count(loki, n);
  EXPECT_EQ(t.missing, 0) << "of " << n;
  EXPECT_EQ(t.duplicates, 0) << "of " << n;
  EXPECT_TRUE(loki.errors().empty()) << loki.errors().front();
  std::printf("outage: RSS %lld KiB after 1 min, %lld KiB after 5 min\n",
              static_cast<long long>(rss_early), static_cast<long long>(rss_late));
  EXPECT_LT(rss_late, rss_early + 8 * 1024);
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(), 0);
}

}  // namespace
}  // namespace outpost::testing
