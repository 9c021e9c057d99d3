// End-to-end tests of the journal target (logs/journal_target.h, wired in by
// logs/journal_reading.cc): the outpost binary reads journal files the test
// makes with systemd-journal-remote (tests/logs/support/journal_writer.h)
// in the directory given as the journal block's `path:`, and ships them to
// the test's Loki receiver. Every MESSAGE is numbered (LineText), so loss and
// duplicates are counted exactly.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/logs/logs_e2e_util.h"
#include "tests/logs/support/journal_writer.h"
#include "tests/logs/support/loki_receiver.h"

namespace outpost::testing {
namespace {

using std::chrono::milliseconds;

struct JournalJob {
  std::string name = "journal";
  std::string path;        // the journal block's `path:`
  std::string extra;       // more keys of the journal block, indented by 8
  bool relabel = true;     // unit and level from the journal fields
  std::string batchsize = "1048576";
};

std::string JournalConfig(const TempDir& dir, const std::string& url, const JournalJob& j) {
  return std::string(getenv("LOGS_TEST_DEBUG") ? "server:\n  log_level: debug\n" : "") +
         "metrics:\n  wal_directory: " + dir / "wal" +
         "\nlogs:\n  positions_directory: " + dir / "positions" +
         "\n  configs:\n  - name: default\n    clients:\n    - url: " + url +
         "\n      batchwait: 100ms\n      batchsize: " + j.batchsize +
         "\n      backoff_config: {min_period: 100ms, max_period: 1s, max_retries: 5}"
         "\n    scrape_configs:\n    - job_name: " + j.name +
         "\n      journal:\n        path: " + j.path + "\n        labels: {job: journal}\n" +
         j.extra +
         (j.relabel ? "      relabel_configs:\n"
                      "      - source_labels: [__journal__systemd_unit]\n"
                      "        target_label: unit\n"
                      "      - source_labels: [__journal_priority_keyword]\n"
                      "        target_label: level\n"
                    : "");
}

// The entries' times: entry i at Base() + 5 ms * i, a few minutes ago
// (Loki takes them; the default max_age of 7h reads them all).
absl::Time Base() {
  return absl::FromUnixMicros(absl::ToUnixMicros(absl::Now() - absl::Minutes(5)));
}
absl::Time At(absl::Time base, int64_t i) { return base + absl::Milliseconds(5 * i); }

// Entries from..to-1 in the export format: MESSAGE LineText(i) of
// app.service at priority 6 (info).
std::string Entries(absl::Time base, int64_t from, int64_t to) {
  std::string text;
  for (int64_t i = from; i < to; ++i) {
    text += JournalEntry(At(base, i), {{"MESSAGE", LineText(i)},
                                       {"_SYSTEMD_UNIT", "app.service"},
                                       {"PRIORITY", "6"}});
  }
  return text;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loki_.Start());
    job_.path = dir_ / "journal";
    std::filesystem::create_directories(job_.path);
  }

  // Writes the agent's config for job_ and starts the agent.
  std::unique_ptr<Process> StartAgent() {
    WriteFile(dir_ / "agent.yaml", JournalConfig(dir_, loki_.url(), job_));
    return std::make_unique<Process>(Args(dir_ / "agent.yaml"), dir_.path());
  }
  // Appends entries from..to-1 to journal file `name` of job_.path.
  void Write(const std::string& name, int64_t from, int64_t to) {
    WriteJournal(job_.path + "/" + name, Entries(base_, from, to));
  }
  // No protocol error at the receiver; the agent stops cleanly on SIGTERM.
  void ExpectCleanStop(Process& p) {
    EXPECT_TRUE(loki_.errors().empty()) << loki_.errors().front();
    p.Signal(SIGTERM);
    EXPECT_EQ(p.Wait(), 0) << p.err();
  }

  TempDir dir_;
  LokiReceiver loki_;
  JournalJob job_;
  const absl::Time base_ = Base();
};
using JournalKillTest = JournalTest;

// Ship, restart, a file added while running: every line once, with the
// relabeled stream and the entry's journal timestamp; the cursor in the
// positions file.
TEST_F(JournalTest, ShipsEntriesResumesFromCursorAndFollowsNewFiles) {
  ASSERT_NO_FATAL_FAILURE(Write("a.journal", 0, 2000));
  {
    std::unique_ptr<Process> p = StartAgent();
    ASSERT_TRUE(WaitAll(loki_, 2000, absl::Seconds(30))) << p->err();
    ExpectCleanStop(*p);
  }
  Tally t = Count(loki_, 2000);
  EXPECT_EQ(t.duplicates, 0) << t.ranges;
  EXPECT_EQ(t.unknown, 0);
  std::vector<LokiEntry> entries = loki_.entries();
  ASSERT_EQ(entries.size(), 2000u);
  for (const LokiEntry& e : entries) {
    long long i = -1;
    ASSERT_EQ(std::sscanf(e.line.c_str(), "line %lld", &i), 1) << e.line;
    ASSERT_EQ(e.line, LineText(i));
    ASSERT_EQ(e.stream, "{job=\"journal\", level=\"info\", unit=\"app.service\"}");
    ASSERT_EQ(e.ts_ns, absl::ToUnixNanos(At(base_, i))) << e.line;
  }
  const std::string positions = ReadAll(dir_ / "positions/default.yml");
  EXPECT_NE(positions.find("cursor-journal: \"s="), std::string::npos) << positions;

  // Restarted: after the cursor, nothing twice; entries appended to the
  // first file and a second file added while it runs are read.
  ASSERT_NO_FATAL_FAILURE(Write("a.journal", 2000, 2500));
  std::unique_ptr<Process> p = StartAgent();
  ASSERT_TRUE(WaitAll(loki_, 2500, absl::Seconds(30))) << p->err();
  ASSERT_NO_FATAL_FAILURE(Write("b.journal", 2500, 3000));
  ASSERT_TRUE(WaitAll(loki_, 3000, absl::Seconds(30))) << p->err();
  absl::SleepFor(absl::Milliseconds(500));
  t = Count(loki_, 3000);
  EXPECT_EQ(t.missing, 0);
  EXPECT_EQ(t.duplicates, 0) << t.ranges;
  EXPECT_EQ(t.unknown, 0);
  ExpectCleanStop(*p);
}

// kill -9 five times while journal files are written (one new file per run,
// appended to while the agent reads it, the kill 20-200 ms after that
// append: while it is shipped), runs 2 and 3 while the receiver
// answers 503: at the end no line is missing, and the duplicates are bounded
// by what was in flight. Bound: the client sends one batch at a time and
// writes the cursor (positions file, no fsync) in its acknowledgement
// callback before it sends the next, and the cursor only covers entries
// every client acknowledged; so at a kill at most one request was taken by
// Loki without its cursor on disk: per kill at most the entries of one
// request (small here: batchsize 2048 bytes of 54-byte lines). A batch
// refused with 503 and given up is read again from the last acknowledged
// cursor; Loki took none of it, so it adds no duplicate.
TEST_F(JournalKillTest, Kill9FiveTimesWhileFilesAreWrittenAndDuringOutage) {
  job_.batchsize = "2048";
  std::mt19937 rng(18);
  std::uniform_int_distribution<int> pause(300, 1200);
  // The kill comes soon after the second write: while it is being shipped.
  std::uniform_int_distribution<int> shipping(20, 200);
  constexpr int kKills = 5;
  constexpr int64_t kChunk = 1500;
  int64_t n = 0;
  for (int run = 0; run < kKills; ++run) {
    if (run == 2) loki_.SetStanding(LokiAction::Status(503));
    if (run == 4) loki_.SetStanding(std::nullopt);
    const std::string file = "run" + std::to_string(run) + ".journal";
    ASSERT_NO_FATAL_FAILURE(Write(file, n, n + kChunk));
    n += kChunk;
    std::unique_ptr<Process> p = StartAgent();
    ASSERT_TRUE(p->WaitForStderr("outpost started")) << p->err();
    std::this_thread::sleep_for(milliseconds(pause(rng)));
    ASSERT_NO_FATAL_FAILURE(Write(file, n, n + kChunk));  // while it reads
    n += kChunk;
    std::this_thread::sleep_for(milliseconds(shipping(rng)));
    p->Signal(SIGKILL);
    p->Wait();
    std::printf("run %d killed: %zu of %lld taken by Loki\n", run, loki_.accepted(),
                static_cast<long long>(n));
    if (getenv("LOGS_TEST_DEBUG")) std::printf("--- run %d\n%s", run, p->err().c_str());
  }
  std::unique_ptr<Process> p = StartAgent();
  EXPECT_TRUE(WaitAll(loki_, n, absl::Seconds(60))) << p->err();
  absl::SleepFor(absl::Seconds(1));
  size_t max_request = 0, refused = 0;
  for (const LokiRequest& r : loki_.requests()) {
    if (r.status / 100 == 2) max_request = std::max(max_request, r.entries);
    if (r.status == 503) ++refused;
  }
  EXPECT_GT(refused, 0u) << "the outage was seen";
  EXPECT_GT(max_request, 0u);
  EXPECT_LE(max_request, 2048u / LineText(0).size() + 1) << "batchsize 2048 holds the batches";
  const Tally t = Count(loki_, n);
  EXPECT_EQ(t.missing, 0) << "of " << n;
  EXPECT_EQ(t.unknown, 0);
  const int64_t bound = kKills * static_cast<int64_t>(max_request);
  EXPECT_LE(t.duplicates, bound) << "max entries per request " << max_request
                                 << "; duplicated:" << t.ranges;
  std::printf("journal kill -9 x%d: %lld lines, %lld duplicates (bound %lld), %zu requests "
              "refused\n",
              kKills, static_cast<long long>(n), static_cast<long long>(t.duplicates),
              static_cast<long long>(bound), refused);
  ExpectCleanStop(*p);
}

// A journal `path:` that does not exist: the agent refuses to start, with an
// error that names the logs config, the job and the path.
TEST_F(JournalTest, MissingPathIsAnErrorNamingTheJob) {
  job_.name = "lost-journal";
  job_.path = dir_ / "no-such-dir";
  std::unique_ptr<Process> p = StartAgent();
  const std::optional<int> code = p->Wait();
  ASSERT_TRUE(code.has_value()) << "still running\n" << p->err();
  EXPECT_NE(*code, 0) << p->err();
  EXPECT_NE(p->err().find("logs config default: journal of job lost-journal: "),
            std::string::npos)
      << p->err();
  EXPECT_NE(p->err().find(job_.path), std::string::npos) << p->err();
  EXPECT_EQ(loki_.request_count(), 0u);
}

// `matches` (all must hold) selects the entries; `json: true` makes the line
// every field of the entry as one JSON object (keys sorted, Go's escaping).
TEST_F(JournalTest, JsonAndMatchesReachLoki) {
  job_.relabel = false;
  job_.extra = "        json: true\n        matches: _SYSTEMD_UNIT=a.service PRIORITY=3\n";
  auto entry = [&](int i, const std::string& message, const std::string& unit,
                   const std::string& priority) {
    return JournalEntry(At(base_, i),
                        {{"MESSAGE", message}, {"_SYSTEMD_UNIT", unit}, {"PRIORITY", priority}});
  };
  ASSERT_NO_FATAL_FAILURE(WriteJournal(
      job_.path + "/a.journal", entry(0, "say \"hi\" <b>", "a.service", "3") +
                                    entry(1, "a at 6", "a.service", "6") +
                                    entry(2, "b at 3", "b.service", "3") +
                                    entry(3, "a again", "a.service", "3") +
                                    entry(4, "last", "b.service", "6")));
  std::unique_ptr<Process> p = StartAgent();
  ASSERT_TRUE(loki_.WaitForLines(2, absl::Seconds(30))) << p->err();
  absl::SleepFor(absl::Milliseconds(500));
  std::vector<LokiEntry> entries = loki_.entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].stream, "{job=\"journal\"}");
  EXPECT_EQ(entries[0].line,
            "{\"MESSAGE\":\"say \\\"hi\\\" \\u003cb\\u003e\",\"PRIORITY\":\"3\","
            "\"_SYSTEMD_UNIT\":\"a.service\"}");
  EXPECT_EQ(entries[0].ts_ns, absl::ToUnixNanos(At(base_, 0)));
  EXPECT_EQ(entries[1].stream, "{job=\"journal\"}");
  EXPECT_EQ(entries[1].line,
            "{\"MESSAGE\":\"a again\",\"PRIORITY\":\"3\",\"_SYSTEMD_UNIT\":\"a.service\"}");
  EXPECT_EQ(entries[1].ts_ns, absl::ToUnixNanos(At(base_, 3)));
  ExpectCleanStop(*p);
}

}  // namespace
}  // namespace outpost::testing
