// WAL storage truncation: series GC, checkpoint content, segment deletion,
// the "lowest segment still needed" hook, replay from the checkpoint.
#include <algorithm>

#include "core/wal/mem_env.h"
#include "core/wal/storage.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/wal/storage_test_util.h"

namespace outpost::wal {
namespace {

constexpr char kWal[] = "/t/wal";
constexpr int kLive = 200;  // series appended every round
constexpr int kRounds = 100;

class TruncateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Storage::Open(&env_, kWal, Opts());
    ASSERT_TRUE(s.ok()) << s.status();
    st_ = std::move(*s);
    auto app = st_->NewAppender();
    fam_ = MetricFamily{"live", MetricType::kCounter, "Live series.", ""};
    for (int i = 0; i < kLive; ++i) live_.push_back(app->Ref(Series("live", i)));
    dead_ = app->Ref(Series("dead", 0));
    for (int t = 1; t <= kRounds; ++t) {
      for (uint64_t r : live_) {
        app->SetMetadata(r, fam_);
        app->Append(r, t, t);
      }
      if (t <= 10) app->Append(dead_, t, t);
      ASSERT_TRUE(app->Commit().ok());
      if (t == 20) fam_.help = "Live series, new help.";
    }
  }
  static StorageOptions Opts() {
    return StorageOptions{.segment_size = kPageSize, .compress = false};
  }
  std::vector<uint64_t> Segments() { return *ListSegments(&env_, kWal); }
  std::vector<uint64_t> Checkpoints() { return *ListCheckpoints(&env_, kWal); }

  MemEnv env_;
  std::unique_ptr<Storage> st_;
  MetricFamily fam_;
  std::vector<uint64_t> live_;
  uint64_t dead_ = 0;
};

TEST_F(TruncateTest, CheckpointKeepsLiveSeriesNewSamplesLatestMetadata) {
  const std::vector<uint64_t> before = Segments();
  ASSERT_GE(before.size(), 5u);
  ASSERT_TRUE(st_->Truncate(/*mint_ms=*/50).ok());
  const StorageStats s = st_->stats();
  EXPECT_EQ(s.truncations, 1u);
  EXPECT_EQ(s.checkpoint_creations, 1u);
  EXPECT_EQ(s.active_series, static_cast<uint64_t>(kLive));
  EXPECT_EQ(st_->LookupRef(Series("dead", 0)), 0u);

  // NextSegment cut one more; the lower two thirds of the finished ones
  // are checkpointed and deleted.
  const uint64_t cur = before.back() + 1;
  const uint64_t last = before.front() + (cur - 1 - before.front()) * 2 / 3;
  EXPECT_THAT(Checkpoints(), ::testing::ElementsAre(last));
  EXPECT_EQ(Segments().front(), last + 1);

  DecodedWal cp = ReadWal(&env_, std::string(kWal) + "/" + CheckpointName(last));
  EXPECT_EQ(cp.corruptions, 0u);
  // Live series, plus "dead" only because it holds the highest ref (kept
  // so that refs are never reused after a restart).
  EXPECT_EQ(cp.series.size(), static_cast<size_t>(kLive) + 1);
  EXPECT_EQ(cp.series.back().ref, dead_);
  ASSERT_FALSE(cp.samples.empty());
  for (const RefSample& x : cp.samples) {
    EXPECT_GE(x.t, 50);
    EXPECT_NE(x.ref, dead_);
  }
  // One metadata entry per live series: the latest one in the covered
  // segments (the help changed after t=20; those commits are covered).
  EXPECT_EQ(cp.metadata.size(), static_cast<size_t>(kLive));
  EXPECT_EQ(cp.metadata[0].help, "Live series, new help.");

  // Reopen: checkpoint + remaining segments rebuild the same state.
  ASSERT_TRUE(st_->Close().ok());
  st_.reset();
  auto re = Storage::Open(&env_, kWal, Opts());
  ASSERT_TRUE(re.ok()) << re.status();
  EXPECT_EQ((*re)->stats().active_series, static_cast<uint64_t>(kLive) + 1);
  EXPECT_EQ((*re)->LookupRef(Series("live", 7)), live_[7]);
  EXPECT_EQ((*re)->LastTimestamp(live_[7]), kRounds);
  auto app = (*re)->NewAppender();
  EXPECT_EQ(app->Ref(Series("new", 0)), dead_ + 1);  // refs never reused
  EXPECT_EQ((*re)->stats().corruptions, 0u);
}

TEST_F(TruncateTest, LowestNeededSegmentIsNeverDeleted) {
  const std::vector<uint64_t> before = Segments();
  st_->SetLowestNeededSegment([&] { return std::optional<uint64_t>(before.front()); });
  ASSERT_TRUE(st_->Truncate(50).ok());
  EXPECT_TRUE(Checkpoints().empty());
  EXPECT_EQ(Segments().front(), before.front());
  EXPECT_EQ(st_->stats().checkpoint_creations, 0u);

  const uint64_t need = before.front() + 2;
  st_->SetLowestNeededSegment([&] { return std::optional<uint64_t>(need); });
  ASSERT_TRUE(st_->Truncate(50).ok());
  EXPECT_THAT(Checkpoints(), ::testing::ElementsAre(need - 1));
  EXPECT_EQ(Segments().front(), need);

  // No reader: the usual two thirds; the older checkpoint is removed.
  st_->SetLowestNeededSegment([] { return std::optional<uint64_t>(); });
  ASSERT_TRUE(st_->Truncate(50).ok());
  ASSERT_EQ(Checkpoints().size(), 1u);
  EXPECT_GT(Checkpoints()[0], need - 1);
}

TEST_F(TruncateTest, AppendingContinuesAfterTruncate) {
  ASSERT_TRUE(st_->Truncate(50).ok());
  auto app = st_->NewAppender();
  app->Append(live_[0], kRounds + 1, 1);
  app->Append(dead_, kRounds + 1, 1);  // GC'd ref: dropped and counted
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(st_->stats().unknown_ref_samples, 1u);
  // Re-creating the dead series gives it a new ref.
  uint64_t again = app->Ref(Series("dead", 0));
  EXPECT_GT(again, dead_);
}

}  // namespace
}  // namespace outpost::wal
