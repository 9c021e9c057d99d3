// AckTracker, progress files, retry delays and resharding.
#include <filesystem>
#include <fstream>
#include <set>

#include "gtest/gtest.h"
#include "remote_write/progress.h"
#include "remote_write/queue_manager.h"
#include "tests/remote_write/support/fault_receiver.h"

namespace outpost::remote_write {
namespace {

// `n` samples of record `seq` done.
void AckN(AckTracker& t, uint64_t seq, size_t n) {
  t.AckSamples(std::vector<PendingSample>(n, PendingSample{nullptr, 0, 0, seq, 1}));
}

TEST(AckTrackerTest, AdvancesOverTheLongestDonePrefix) {
  AckTracker t(Position{3, 100});
  EXPECT_EQ(t.acked(), (Position{3, 100}));
  const uint64_t a = t.Push({3, 200}, 2);
  const uint64_t b = t.Push({3, 300}, 1);
  const uint64_t c = t.Push({4, 50}, 0);  // no samples: done once b is
  AckN(t, b, 1);
  EXPECT_EQ(t.acked(), (Position{3, 100}));  // a still pending
  AckN(t, a, 1);
  EXPECT_EQ(t.acked(), (Position{3, 100}));
  AckN(t, a, 1);
  EXPECT_EQ(t.acked(), (Position{4, 50}));
  EXPECT_EQ(t.outstanding(), 0u);
  (void)c;
  const uint64_t d = t.Push({4, 80}, 0);
  EXPECT_EQ(t.acked(), (Position{4, 80}));
  AckN(t, d, 5);  // unknown / done seq: ignored
  EXPECT_EQ(t.acked(), (Position{4, 80}));
}

// Samples done beyond the prefix are remembered per series (newest t and
// the end of its record) until the prefix passes their record.
TEST(AckTrackerTest, RemembersSeriesDoneBeyondThePrefix) {
  AckTracker t(Position{1, 0});
  const uint64_t a = t.Push({1, 100}, 2);  // series 1 and 2 at t=10
  const uint64_t b = t.Push({1, 200}, 2);  // series 1 and 2 at t=20
  // Shard of series 2 delivers both of its samples; series 1 lags.
  const std::vector<PendingSample> s2 = {{nullptr, 10, 0, a, 2}, {nullptr, 20, 0, b, 2}};
  t.AckSamples(s2);
  EXPECT_EQ(t.acked(), (Position{1, 0}));
  uint64_t v1 = 0;
  Progress p = t.Snapshot(&v1);
  ASSERT_EQ(p.done.size(), 1u);
  EXPECT_EQ(p.done[0], (DoneSeries{2, 20, {1, 200}}));
  // After a restart from that snapshot: series 2 up to t=20 is done.
  AckTracker restarted(p);
  EXPECT_TRUE(restarted.IsDone(2, 10));
  EXPECT_TRUE(restarted.IsDone(2, 20));
  EXPECT_FALSE(restarted.IsDone(2, 21));
  EXPECT_FALSE(restarted.IsDone(1, 10));
  EXPECT_EQ(restarted.resend_horizon(), (Position{1, 200}));
  // Series 1 catches up: the prefix passes both records, the entry goes.
  const std::vector<PendingSample> s1 = {{nullptr, 10, 0, a, 1}, {nullptr, 20, 0, b, 1}};
  t.AckSamples(s1);
  EXPECT_EQ(t.acked(), (Position{1, 200}));
  uint64_t v2 = 0;
  p = t.Snapshot(&v2);
  EXPECT_TRUE(p.done.empty());
  EXPECT_NE(v1, v2);
  // Entries at or before the start position are ignored.
  AckTracker old(Progress{Position{2, 0}, {{5, 7, {1, 900}}}});
  EXPECT_FALSE(old.IsDone(5, 7));
  EXPECT_EQ(old.resend_horizon(), Position{});
}

TEST(ProgressFileTest, RoundTripAndErrors) {
  const std::string dir = ::testing::TempDir() + "/rw_progress";
  std::filesystem::remove_all(dir);
  const std::string path = ProgressPath(dir, "my/endpoint:1");
  EXPECT_EQ(path, dir + "/remote_write/my_endpoint_1.progress");
  auto none = ReadProgress(path);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(WriteProgress(path, Progress{Position{7, 12345}, {}}).ok());
  auto p = ReadProgress(path);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->acked, (Position{7, 12345}));
  EXPECT_TRUE((*p)->done.empty());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  // With done-beyond entries, written without fsync.
  const std::vector<DoneSeries> done = {{3, -5, {7, 20000}}, {9, 1700000000000, {8, 64}}};
  ASSERT_TRUE(WriteProgress(path, Progress{Position{7, 12345}, done}, /*sync=*/false).ok());
  p = ReadProgress(path);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->acked, (Position{7, 12345}));
  EXPECT_EQ((*p)->done, done);
  // The one-line format of earlier versions still reads.
  std::ofstream(path) << "4 96\n";
  p = ReadProgress(path);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->acked, (Position{4, 96}));
  for (const char* bad : {"garbage", "", "1 2\n3 4\n", "1 2\n1 2 3 x\n", "1 2 3\n"}) {
    std::ofstream(path, std::ios::trunc) << bad;
    auto r = ReadProgress(path);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

// The in-place file written after every request and the fsynced one: the
// valid one with the higher seq wins; a torn live file is passed over.
TEST(ProgressFileTest, LiveFileNewerWinsTornLiveIsIgnored) {
  const std::string dir = ::testing::TempDir() + "/rw_progress_pair";
  std::filesystem::remove_all(dir);
  const std::string path = ProgressPath(dir, "pair");
  auto none = ReadProgressPair(path);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(WriteProgress(path, Progress{Position{1, 100}, {}, 5}).ok());
  LiveProgressFile live(path + ".live");
  // A long save, then a shorter newer one over it (bytes left behind).
  ASSERT_TRUE(live.Write(Progress{Position{1, 150}, {{1, 2, {1, 300}}, {2, 3, {1, 400}}}, 6}).ok());
  ASSERT_TRUE(live.Write(Progress{Position{1, 200}, {{7, 8, {1, 300}}}, 7}).ok());
  auto p = ReadProgressPair(path);
  ASSERT_TRUE(p.ok() && p->has_value()) << p.status();
  EXPECT_EQ((*p)->acked, (Position{1, 200}));
  EXPECT_EQ((*p)->done, (std::vector<DoneSeries>{{7, 8, {1, 300}}}));
  EXPECT_EQ((*p)->seq, 7u);
  // The fsynced file written later wins.
  ASSERT_TRUE(WriteProgress(path, Progress{Position{1, 250}, {}, 8}).ok());
  p = ReadProgressPair(path);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->acked, (Position{1, 250}));
  // A torn live write (power loss) fails its checksum: the fsynced file.
  ASSERT_TRUE(live.Write(Progress{Position{1, 300}, {}, 9}).ok());
  {
    std::fstream f(path + ".live", std::ios::in | std::ios::out);
    f.seekp(0);
    f << "2";  // "1 300" -> "2 300"
  }
  p = ReadProgressPair(path);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->acked, (Position{1, 250}));
  EXPECT_FALSE(ReadProgress(path + ".live").ok());
}

TEST(RetryDelayTest, DoublesCapsJittersAndNeverShrinks) {
  config::QueueConfig q;
  q.min_backoff = absl::Milliseconds(30);
  q.max_backoff = absl::Seconds(5);
  EXPECT_EQ(RetryDelay(q, 1, absl::ZeroDuration(), 0), absl::Milliseconds(30));
  EXPECT_EQ(RetryDelay(q, 2, absl::ZeroDuration(), 0), absl::Milliseconds(60));
  EXPECT_EQ(RetryDelay(q, 20, absl::ZeroDuration(), 0), absl::Seconds(5));
  // Jitter is at most 10%.
  EXPECT_EQ(RetryDelay(q, 1, absl::ZeroDuration(), 1.0), absl::Milliseconds(27));
  EXPECT_GE(RetryDelay(q, 3, absl::ZeroDuration(), 0.5), absl::Milliseconds(108));
  // Never below the previous wait (e.g. a Retry-After of 2 s).
  EXPECT_EQ(RetryDelay(q, 2, absl::Seconds(2), 0), absl::Seconds(2));
  absl::Duration prev = absl::ZeroDuration();
  for (int i = 1; i < 30; ++i) {
    const absl::Duration d = RetryDelay(q, i, prev, (i * 37 % 10) / 10.0);
    EXPECT_GE(d, prev);
    EXPECT_LE(d, q.max_backoff);
    prev = d;
  }
}

// One shard, a short batch deadline, shipping to `url`.
config::RemoteWriteConfig QueueConfig(const std::string& url, const std::string& name) {
  config::RemoteWriteConfig c;
  c.url = url;
  c.name = name;
  c.queue_config.min_shards = c.queue_config.max_shards = 1;
  c.queue_config.batch_send_deadline = absl::Milliseconds(10);
  return c;
}

// A started QueueManager with its own metrics and AckTracker.
struct QueueUnderTest {
  explicit QueueUnderTest(const config::RemoteWriteConfig& c)
      : m(reg, c.name, c.url), q(c, &acks, &m) {
    started = q.Start().ok();
  }
  prometheus::Registry reg;
  EndpointMetrics m;
  AckTracker acks{Position{}};
  QueueManager q;
  bool started = false;
};

TEST(QueueManagerTest, ReshardingKeepsEverySampleAndPerSeriesOrder) {
  auto rx = testing::FaultReceiver::Start();
  ASSERT_NE(rx, nullptr);
  config::RemoteWriteConfig c = QueueConfig(rx->url(), "reshard");
  c.queue_config.max_shards = 8;
  c.queue_config.max_samples_per_send = 50;
  c.queue_config.capacity = 200;
  c.queue_config.batch_send_deadline = absl::Milliseconds(20);
  QueueUnderTest t(c);
  ASSERT_TRUE(t.started);
  auto& [reg, m, acks, q, started] = t;
  constexpr int kSeries = 40, kRounds = 60;
  std::vector<SeriesLabels> labels(kSeries);
  for (int i = 0; i < kSeries; ++i) {
    EncodeLabels(Labels{{"__name__", "m"}, {"i", std::to_string(i)}}, &labels[i]);
  }
  for (int r = 0; r < kRounds; ++r) {
    std::vector<PendingSample> items;
    const uint64_t seq = acks.Push(Position{0, static_cast<uint64_t>(r + 1)}, kSeries);
    for (int i = 0; i < kSeries; ++i) {
      items.push_back({&labels[i], r * 1000 + 1, 1.0, seq, static_cast<uint64_t>(i)});
    }
    ASSERT_TRUE(q.Append(items));
    if (r == 10) q.SetShards(3);
    if (r == 25) q.SetShards(7);
    if (r == 40) q.SetShards(2);
  }
  EXPECT_EQ(q.shards(), 2);
  q.Stop(absl::Now() + absl::Seconds(10));
  EXPECT_EQ(rx->accepted_samples(), static_cast<size_t>(kSeries * kRounds));
  EXPECT_EQ(acks.acked(), (Position{0, kRounds}));
  for (const auto& e : rx->errors()) ADD_FAILURE() << e;
  for (const auto& [key, s] : rx->series()) {
    ASSERT_EQ(s.size(), static_cast<size_t>(kRounds)) << key;
    for (size_t k = 1; k < s.size(); ++k) EXPECT_LT(s[k - 1].first, s[k].first) << key;
  }
}

TEST(QueueManagerTest, HardStopLeavesUnsentSamplesUnacked) {
  auto rx = testing::FaultReceiver::Start();
  config::RemoteWriteConfig c = QueueConfig(rx->url(), "hard");
  QueueUnderTest t(c);
  ASSERT_TRUE(t.started);
  auto& [reg, m, acks, q, started] = t;
  for (int i = 0; i < 100; ++i) rx->Push({500, "", absl::ZeroDuration(), ""});
  SeriesLabels lb;
  EncodeLabels(Labels{{"__name__", "x"}}, &lb);
  const uint64_t seq = acks.Push(Position{0, 10}, 1);
  std::vector<PendingSample> items = {{&lb, 1, 1, seq, 0}};
  ASSERT_TRUE(q.Append(items));
  ASSERT_TRUE(rx->WaitForRequests(1, absl::Seconds(10)));
  q.Stop(absl::Now() + absl::Milliseconds(200));
  EXPECT_EQ(acks.acked(), (Position{}));
  EXPECT_EQ(rx->accepted_samples(), 0u);
}

// A receiver that rolls a request back for one old sample (Prometheus):
// the batch is split until only that sample is dropped.
TEST(QueueManagerTest, A400DropsOnlyTheRefusedSampleNotItsBatch) {
  testing::ReceiverOptions ro;
  ro.reject_out_of_order = true;
  auto rx = testing::FaultReceiver::Start(ro);
  ASSERT_NE(rx, nullptr);
  config::RemoteWriteConfig c = QueueConfig(rx->url(), "split");
  c.queue_config.max_samples_per_send = 100;
  c.queue_config.batch_send_deadline = absl::Milliseconds(20);
  QueueUnderTest t(c);
  ASSERT_TRUE(t.started);
  auto& [reg, m, acks, q, started] = t;
  std::vector<SeriesLabels> labels(100);
  for (int i = 0; i < 100; ++i) {
    EncodeLabels(Labels{{"__name__", "m"}, {"i", std::to_string(i)}}, &labels[i]);
  }
  // Series 37 is at t=5000 at the receiver.
  uint64_t seq = acks.Push(Position{0, 1}, 1);
  ASSERT_TRUE(q.Append(std::vector<PendingSample>{{&labels[37], 5000, 1, seq, 37}}));
  ASSERT_TRUE(rx->WaitForSamples(1, absl::Seconds(10)));
  // One request of 100: series 37 at t=1000 (refused), 99 new samples.
  seq = acks.Push(Position{0, 2}, 100);
  std::vector<PendingSample> items;
  for (int i = 0; i < 100; ++i) items.push_back({&labels[i], 1000, 2, seq, static_cast<uint64_t>(i)});
  ASSERT_TRUE(q.Append(items));
  q.Stop(absl::Now() + absl::Seconds(20));
  EXPECT_EQ(rx->accepted_samples(), 100u);  // the first one and 99 new
  EXPECT_EQ(m.samples_failed_total.Value(), 1);
  EXPECT_EQ(acks.acked(), (Position{0, 2}));
  // 1 + at most two requests per halving of 100 (7).
  EXPECT_LE(rx->requests().size(), 1u + 1u + 14u);
  // A receiver that refuses everything: splitting stops after one batch.
  for (int i = 0; i < 200; ++i) rx->Push({400, "", absl::ZeroDuration(), "no"});
  QueueManager q2(c, &acks, &m);
  ASSERT_TRUE(q2.Start().ok());
  const size_t before = rx->requests().size();
  for (int round = 0; round < 3; ++round) {
    seq = acks.Push(Position{0, static_cast<uint64_t>(3 + round)}, 100);
    for (int i = 0; i < 100; ++i) items[i] = {&labels[i], 9000 + round, 2, seq, static_cast<uint64_t>(i)};
    ASSERT_TRUE(q2.Append(items));
    ASSERT_TRUE(q2.WaitIdle());
  }
  q2.Stop(absl::Now() + absl::Seconds(20));
  EXPECT_EQ(acks.acked(), (Position{0, 5}));
  // One batch split to the end of its budget (1 + 16), then one each.
  EXPECT_LE(rx->requests().size() - before, 17u + 2u);
}

// An endpoint that is down gets no flush time at stop: its samples stay
// in the WAL (unacked) and Stop returns at once, saying how many.
TEST(QueueManagerTest, StopDoesNotWaitForAnEndpointThatIsDown) {
  auto rx = testing::FaultReceiver::Start();
  ASSERT_NE(rx, nullptr);
  config::RemoteWriteConfig c = QueueConfig(rx->url(), "down");
  c.queue_config.min_backoff = absl::Milliseconds(50);
  QueueUnderTest t(c);
  ASSERT_TRUE(t.started);
  auto& [reg, m, acks, q, started] = t;
  rx->Down();
  SeriesLabels lb;
  EncodeLabels(Labels{{"__name__", "x"}}, &lb);
  const uint64_t seq = acks.Push(Position{0, 10}, 3);
  ASSERT_TRUE(q.Append(std::vector<PendingSample>{{&lb, 1, 1, seq, 0}, {&lb, 2, 1, seq, 0},
                                                  {&lb, 3, 1, seq, 0}}));
  for (int i = 0; i < 200 && !q.failing(); ++i) absl::SleepFor(absl::Milliseconds(50));
  ASSERT_TRUE(q.failing());
  const absl::Time begin = absl::Now();
  EXPECT_EQ(q.Stop(begin + absl::Minutes(1)), 3u);
  EXPECT_LT(absl::Now() - begin, absl::Seconds(2));
  EXPECT_EQ(acks.acked(), (Position{}));
}

}  // namespace
}  // namespace outpost::remote_write
