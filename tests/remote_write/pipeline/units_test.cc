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

TEST(AckTrackerTest, AdvancesOverTheLongestDonePrefix) {
  AckTracker t(Position{3, 100});
  EXPECT_EQ(t.acked(), (Position{3, 100}));
  const uint64_t a = t.Push({3, 200}, 2);
  const uint64_t b = t.Push({3, 300}, 1);
  const uint64_t c = t.Push({4, 50}, 0);  // no samples: done once b is
  t.Ack(b, 1);
  EXPECT_EQ(t.acked(), (Position{3, 100}));  // a still pending
  t.Ack(a, 1);
  EXPECT_EQ(t.acked(), (Position{3, 100}));
  t.Ack(a, 1);
  EXPECT_EQ(t.acked(), (Position{4, 50}));
  EXPECT_EQ(t.outstanding(), 0u);
  (void)c;
  const uint64_t d = t.Push({4, 80}, 0);
  EXPECT_EQ(t.acked(), (Position{4, 80}));
  t.Ack(d, 5);  // unknown / done seq: ignored
  EXPECT_EQ(t.acked(), (Position{4, 80}));
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
  ASSERT_TRUE(WriteProgress(path, Position{7, 12345}).ok());
  auto p = ReadProgress(path);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ(**p, (Position{7, 12345}));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::ofstream(path) << "garbage";
  EXPECT_FALSE(ReadProgress(path).ok());
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

TEST(QueueManagerTest, ReshardingKeepsEverySampleAndPerSeriesOrder) {
  auto rx = testing::FaultReceiver::Start();
  ASSERT_NE(rx, nullptr);
  config::RemoteWriteConfig c;
  c.url = rx->url();
  c.name = "reshard";
  c.queue_config.min_shards = 1;
  c.queue_config.max_shards = 8;
  c.queue_config.max_samples_per_send = 50;
  c.queue_config.capacity = 200;
  c.queue_config.batch_send_deadline = absl::Milliseconds(20);
  prometheus::Registry reg;
  EndpointMetrics m(reg, c.name, c.url);
  AckTracker acks(Position{});
  QueueManager q(c, &acks, &m);
  ASSERT_TRUE(q.Start().ok());
  constexpr int kSeries = 40, kRounds = 60;
  std::vector<std::string> labels(kSeries);
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
  config::RemoteWriteConfig c;
  c.url = rx->url();
  c.name = "hard";
  c.queue_config.min_shards = c.queue_config.max_shards = 1;
  c.queue_config.batch_send_deadline = absl::Milliseconds(10);
  prometheus::Registry reg;
  EndpointMetrics m(reg, c.name, c.url);
  AckTracker acks(Position{});
  QueueManager q(c, &acks, &m);
  ASSERT_TRUE(q.Start().ok());
  for (int i = 0; i < 100; ++i) rx->Push({500, "", absl::ZeroDuration(), ""});
  std::string lb;
  EncodeLabels(Labels{{"__name__", "x"}}, &lb);
  const uint64_t seq = acks.Push(Position{0, 10}, 1);
  std::vector<PendingSample> items = {{&lb, 1, 1, seq, 0}};
  ASSERT_TRUE(q.Append(items));
  ASSERT_TRUE(rx->WaitForRequests(1, absl::Seconds(10)));
  q.Stop(absl::Now() + absl::Milliseconds(200));
  EXPECT_EQ(acks.acked(), (Position{}));
  EXPECT_EQ(rx->accepted_samples(), 0u);
}

}  // namespace
}  // namespace outpost::remote_write
