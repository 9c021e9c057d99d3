// The watcher against the real WAL storage (core/wal/storage.h) and its
// truncation: series cache garbage collection after a checkpoint, and
// segments deleted by max_wal_size before the watcher read them.
#include <filesystem>
#include <set>

#include "core/wal/storage.h"
#include "gtest/gtest.h"
#include "remote_write/endpoint.h"
#include "tests/remote_write/support/fault_receiver.h"

namespace outpost::remote_write {
namespace {

using testing::FaultReceiver;

class TruncationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/rwt_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    auto s = wal::Storage::Open(wal::Env::Default(), dir_, {});
    ASSERT_TRUE(s.ok()) << s.status();
    storage_ = std::move(*s);
    rx_ = FaultReceiver::Start();
    ASSERT_NE(rx_, nullptr);
  }
  void TearDown() override {
    if (sub_ >= 0) storage_->Unsubscribe(sub_);
    storage_->SetLowestNeededSegment(nullptr);
    if (e_ != nullptr) e_->Stop(absl::Seconds(5));
    e_.reset();
  }

  void StartEndpoint(config::RemoteWriteConfig c) {
    EndpointOptions o;
    o.poll_interval = absl::Milliseconds(50);
    o.progress_interval = absl::Milliseconds(100);
    auto e = Endpoint::Create(c, dir_, {}, registry_, o);
    ASSERT_TRUE(e.ok()) << e.status();
    e_ = std::move(*e);
    sub_ = storage_->Subscribe([p = e_.get()] { p->Notify(); });
    storage_->SetLowestNeededSegment(
        [p = e_.get()] { return std::optional<uint64_t>(p->LowestNeededSegment()); });
  }

  config::RemoteWriteConfig Config() {
    config::RemoteWriteConfig c;
    c.url = rx_->url();
    c.name = "rx";
    c.remote_timeout = absl::Seconds(5);
    c.queue_config.batch_send_deadline = absl::Milliseconds(20);
    c.queue_config.min_backoff = absl::Milliseconds(10);
    c.queue_config.max_backoff = absl::Milliseconds(100);
    c.queue_config.max_samples_per_send = 50;
    c.queue_config.min_shards = c.queue_config.max_shards = 1;
    c.metadata_config.send = false;
    return c;
  }

  // One sample at `t_ms` for series "<name>{i=1..n}".
  void Commit(const std::string& name, int n, int64_t t_ms) {
    auto app = storage_->NewAppender();
    for (int i = 1; i <= n; ++i) {
      const uint64_t ref = app->Ref(Labels{{"__name__", name}, {"i", std::to_string(i)}});
      ASSERT_NE(ref, 0u);
      app->Append(ref, t_ms, static_cast<double>(i));
    }
    ASSERT_TRUE(app->Commit().ok());
  }

  // Waits until every sample committed so far is acknowledged.
  bool WaitAcked() {
    for (int i = 0; i < 400; ++i) {
      const uint64_t seg = e_->acked().segment;
      auto segs = wal::ListSegments(wal::Env::Default(), dir_);
      if (segs.ok() && !segs->empty() && seg == segs->back() &&
          rx_->accepted_samples() >= expected_) {
        return true;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  double Metric(const std::string& name) {
    double sum = 0;
    for (const auto& f : registry_.Collect()) {
      if (f.name != name) continue;
      for (const auto& m : f.metric) sum += m.counter.value + m.gauge.value;
    }
    return sum;
  }

  std::string dir_;
  std::unique_ptr<wal::Storage> storage_;
  std::unique_ptr<FaultReceiver> rx_;
  prometheus::Registry registry_;
  std::unique_ptr<Endpoint> e_;
  int sub_ = -1;
  size_t expected_ = 0;
};

TEST_F(TruncationTest, SeriesGoneFromTheCheckpointLeaveTheCache) {
  StartEndpoint(Config());
  Commit("old", 20, 1000);  // never written again
  Commit("keep", 10, 1000);
  expected_ = 30;
  ASSERT_TRUE(WaitAcked());
  EXPECT_EQ(e_->cached_series(), 30u);
  // Truncations with mint after "old"'s last sample: the storage drops
  // "old" and, once the segment holding its record is checkpointed, the
  // checkpoint no longer lists it.
  int64_t t = 100000;
  for (int round = 0; round < 8 && e_->cached_series() != 10u; ++round, t += 1000) {
    Commit("keep", 10, t);  // "keep" stays live
    expected_ += 10;
    ASSERT_TRUE(WaitAcked());
    ASSERT_TRUE(storage_->Truncate(50000).ok());
    for (int i = 0; i < 10 && e_->cached_series() != 10u; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
  EXPECT_EQ(e_->cached_series(), 10u);
  EXPECT_EQ(Metric("agent_remote_write_series_collected_total"), 20);
  // The kept series still ship; a series created after the GC too.
  Commit("keep", 10, t);
  Commit("late", 3, t);
  expected_ += 13;
  ASSERT_TRUE(WaitAcked());
  EXPECT_EQ(e_->cached_series(), 13u);
  auto got = rx_->series();
  EXPECT_EQ(got.size(), 33u);
  EXPECT_EQ(Metric("prometheus_remote_storage_samples_dropped_total"), 0);
  EXPECT_EQ(Metric("agent_remote_write_wal_segments_lost_total"), 0);
  for (const auto& err : rx_->errors()) ADD_FAILURE() << err;
}

TEST_F(TruncationTest, SegmentsForcedOutByMaxWalSizeDoNotWedgeTheWatcher) {
  rx_->Down();
  auto c = Config();
  c.queue_config.capacity = 10;  // the watcher blocks early in segment 0
  c.queue_config.max_samples_per_send = 10;
  StartEndpoint(c);
  for (int64_t t = 1; t <= 20; ++t) Commit("a", 5, t * 1000);  // segment 0
  // The watcher has read into segment 0 and is blocked on the full queue
  // (a watcher that started only after the truncation below would begin at
  // the oldest remaining segment and lose nothing).
  for (int i = 0; i < 400 && Metric("prometheus_remote_storage_samples_pending") < 10; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_GE(Metric("prometheus_remote_storage_samples_pending"), 10);
  ASSERT_TRUE(storage_->Truncate(0).ok());  // cut; the endpoint needs 0
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/" + wal::SegmentName(0)));
  for (int64_t t = 21; t <= 30; ++t) {  // segment 1: "b" is only defined here
    Commit("a", 5, t * 1000);
    Commit("b", 5, t * 1000);
  }
  // Forced: every complete segment goes, needed or not.
  ASSERT_TRUE(storage_->Truncate(
      wal::TruncateOptions{.mint_ms = 0, .now_ms = 0, .max_wal_size = 1}).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/" + wal::SegmentName(1)));
  EXPECT_GT(storage_->stats().samples_dropped_max_wal_size, 0u);
  for (int64_t t = 31; t <= 40; ++t) {  // segment 2
    Commit("a", 5, t * 1000);
    Commit("b", 5, t * 1000);
  }
  rx_->Up();
  // Everything written after the truncation arrives, for series of both
  // the deleted segments (known from the checkpoint).
  std::map<std::string, std::vector<std::pair<int64_t, double>>> got;
  auto complete = [&] {
    got = rx_->series();
    if (got.size() != 10u) return false;
    for (const auto& [key, samples] : got) {
      std::set<int64_t> ts;
      for (const auto& s : samples) ts.insert(s.first);
      for (int64_t t = 31; t <= 40; ++t) {
        if (!ts.count(t * 1000)) return false;
      }
    }
    return true;
  };
  for (int i = 0; i < 400 && !complete(); ++i) absl::SleepFor(absl::Milliseconds(50));
  EXPECT_TRUE(complete());
  EXPECT_GE(Metric("agent_remote_write_wal_segments_lost_total"), 1);
  // Not wedged: it follows new data, and its progress left the lost segments.
  Commit("a", 5, 41000);
  expected_ = rx_->accepted_samples() + 5;
  ASSERT_TRUE(WaitAcked());
  EXPECT_GE(e_->LowestNeededSegment(), 2u);
  for (const auto& err : rx_->errors()) ADD_FAILURE() << err;
}

}  // namespace
}  // namespace outpost::remote_write
