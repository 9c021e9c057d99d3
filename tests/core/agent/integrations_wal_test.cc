// IntegrationsWal: the truncation cutoff and the max_wal_time / max_wal_size
// limits overriding a remote-write reader's "lowest segment still needed".
#include "core/agent/integrations_wal.h"

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/base/log.h"
#include "core/wal/format.h"
#include "core/wal/mem_env.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace outpost {
namespace {

constexpr int kSeries = 50;
constexpr int kRounds = 400;
const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

Labels SeriesLabels(int i) {
  return Labels{{"__name__", "test_metric"}, {"i", std::to_string(i)}, {"job", "integrations/t"}};
}

// agent_wal_samples_dropped_total{reason} from the registry.
double Dropped(prometheus::Registry& registry, const std::string& reason) {
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    if (f.name != "agent_wal_samples_dropped_total") continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      for (const prometheus::ClientMetric::Label& l : m.label) {
        if (l.name == "reason" && l.value == reason) return m.counter.value;
      }
    }
  }
  return -1;
}

class IntegrationsWalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetLevel(log::Level::kError);
    IntegrationsWal::Options o;
    o.wal_directory = "/data/";
    o.env = &env_;
    o.segment_size = wal::kPageSize;
    o.min_wal_time = absl::Seconds(5);
    o.max_wal_time = absl::Seconds(1000);  // > the data's span
    o.shipped = true;
    // The upkeep thread must stay out of the way: the test truncates.
    o.truncate_frequency = absl::Hours(24);
    o.sync_interval = absl::Hours(24);
    o.clock = [this] { return now_; };
    auto w = IntegrationsWal::Open(std::move(o), registry_);
    ASSERT_TRUE(w.ok()) << w.status();
    wal_ = std::move(*w);
    EXPECT_EQ(wal_->dir(), "/data/integrations/wal");
  }
  void TearDown() override { log::SetLevel(log::Level::kInfo); }

  // One sample per series per second from kT0 on.
  void Fill() {
    auto app = wal_->storage()->NewAppender();
    std::vector<uint64_t> refs;
    for (int i = 0; i < kSeries; ++i) refs.push_back(app->Ref(SeriesLabels(i)));
    std::mt19937_64 rng(42);  // values snappy cannot shrink: many segments
    std::uniform_real_distribution<double> value(0, 1);
    for (int r = 0; r < kRounds; ++r) {
      const int64_t t = absl::ToUnixMillis(kT0 + absl::Seconds(r));
      for (uint64_t ref : refs) app->Append(ref, t, value(rng));
      ASSERT_TRUE(app->Commit().ok());
    }
  }
  std::vector<uint64_t> Segments() { return *wal::ListSegments(&env_, wal_->dir()); }

  wal::MemEnv env_;
  prometheus::Registry registry_;
  absl::Time now_ = kT0;
  std::unique_ptr<IntegrationsWal> wal_;
};

TEST_F(IntegrationsWalTest, NeededSegmentsDroppedOnlyOnceOlderThanMaxWalTime) {
  Fill();
  const std::vector<uint64_t> before = Segments();
  ASSERT_GE(before.size(), 4u);
  // A remote-write endpoint that has acknowledged nothing.
  const uint64_t first = before.front();
  wal_->storage()->SetLowestNeededSegment([first] { return std::optional<uint64_t>(first); });

  // Just after the data: the hook keeps everything.
  now_ = kT0 + absl::Seconds(kRounds + 10);
  ASSERT_TRUE(wal_->Truncate().ok());
  EXPECT_EQ(Segments().front(), first);
  EXPECT_EQ(wal_->storage()->stats().samples_dropped_max_wal_time, 0u);
  EXPECT_EQ(Dropped(registry_, "max_wal_time"), 0);

  // Every sample is now older than max_wal_time: all complete segments go.
  now_ = kT0 + absl::Seconds(kRounds) + absl::Seconds(1001);
  ASSERT_TRUE(wal_->Truncate().ok());
  const wal::StorageStats s = wal_->storage()->stats();
  EXPECT_EQ(s.samples_dropped_max_wal_time, static_cast<uint64_t>(kSeries) * kRounds);
  EXPECT_EQ(s.samples_dropped_max_wal_size, 0u);
  EXPECT_EQ(Dropped(registry_, "max_wal_time"), kSeries * kRounds);
  EXPECT_EQ(Dropped(registry_, "max_wal_size"), 0);
  EXPECT_GT(Segments().front(), before.back());
  EXPECT_EQ(s.checkpoint_creations, 1u);
}

TEST_F(IntegrationsWalTest, PartlyStaleLogLosesOnlyTheOldSegments) {
  Fill();
  const uint64_t first = Segments().front();
  wal_->storage()->SetLowestNeededSegment([first] { return std::optional<uint64_t>(first); });
  // now - max_wal_time falls in the middle of the samples.
  now_ = kT0 + absl::Seconds(kRounds / 2) + absl::Seconds(1000);
  ASSERT_TRUE(wal_->Truncate().ok());
  const uint64_t dropped = wal_->storage()->stats().samples_dropped_max_wal_time;
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(dropped, static_cast<uint64_t>(kSeries) * kRounds / 2 + 1);
  EXPECT_GT(Segments().front(), first);
  // The same cutoff again is skipped.
  ASSERT_TRUE(wal_->Truncate().ok());
  EXPECT_EQ(wal_->storage()->stats().truncations, 1u);
}

TEST_F(IntegrationsWalTest, CutoffKeepsMinWalTimeWhenShipped) {
  Fill();
  // No reader needs anything: the cutoff alone decides. Series whose last
  // sample is within min_wal_time of now survive the GC.
  now_ = kT0 + absl::Seconds(kRounds - 1) + absl::Seconds(4);
  ASSERT_TRUE(wal_->Truncate().ok());
  EXPECT_EQ(wal_->storage()->stats().active_series, static_cast<uint64_t>(kSeries));
  now_ += absl::Seconds(2);  // now the last round is 6s old > min_wal_time
  ASSERT_TRUE(wal_->Truncate().ok());
  EXPECT_EQ(wal_->storage()->stats().active_series, 0u);
  EXPECT_EQ(wal_->storage()->stats().samples_dropped_max_wal_time, 0u);
}

}  // namespace
}  // namespace outpost
