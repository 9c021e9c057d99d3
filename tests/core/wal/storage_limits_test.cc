// WAL storage truncation limits: max_wal_time and max_wal_size force
// truncation past the "lowest segment still needed" hook; what they take
// from needed segments is counted per reason and logged.
#include <map>
#include <string>
#include <vector>

#include "core/base/log.h"
#include "core/wal/mem_env.h"
#include "core/wal/storage.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/wal/storage_test_util.h"

namespace outpost::wal {
namespace {

using ::testing::HasSubstr;

constexpr char kWal[] = "/t/wal";
constexpr int kSeries = 100;
constexpr int kRounds = 300;
constexpr int64_t kStep = 1000;  // ms between rounds

struct SegmentSamples {
  uint64_t samples = 0;
  int64_t max_ts = 0;
};

class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    auto app = st_->NewAppender();
    for (int i = 0; i < kSeries; ++i) refs_.push_back(app->Ref(Series("m", i)));
    for (int r = 1; r <= kRounds; ++r) {
      for (uint64_t ref : refs_) app->Append(ref, r * kStep, r);
      ASSERT_TRUE(app->Commit().ok());
    }
  }
  void Open() {
    st_.reset();
    auto s = Storage::Open(&env_, kWal, StorageOptions{.segment_size = kPageSize, .compress = false});
    ASSERT_TRUE(s.ok()) << s.status();
    st_ = std::move(*s);
  }
  std::vector<uint64_t> Segments() { return *ListSegments(&env_, kWal); }
  std::vector<uint64_t> Checkpoints() { return *ListCheckpoints(&env_, kWal); }

  // Samples and newest timestamp of every segment, read back from the log.
  std::map<uint64_t, SegmentSamples> PerSegment() {
    std::map<uint64_t, SegmentSamples> out;
    CountingReporter rep;
    auto r = Reader::Open(&env_, kWal, &rep, 0);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return out;
    std::string_view rec;
    std::vector<RefSample> samples;
    while ((*r)->ReadRecord(&rec)) {
      if (GetRecordType(rec) != RecordType::kSamples) continue;
      samples.clear();
      EXPECT_TRUE(DecodeSamples(rec, &samples).ok());
      SegmentSamples& s = out[(*r)->segment()];
      for (const RefSample& x : samples) {
        ++s.samples;
        s.max_ts = std::max(s.max_ts, x.t);
      }
    }
    return out;
  }
  // A reader that has acknowledged nothing: it needs the oldest segment.
  void NeedEverything() {
    const uint64_t first = Segments().front();
    st_->SetLowestNeededSegment([first] { return std::optional<uint64_t>(first); });
  }
  uint64_t DirBytes() {
    uint64_t total = 0;
    for (uint64_t s : Segments()) total += *env_.GetFileSize(std::string(kWal) + "/" + SegmentName(s));
    for (uint64_t k : Checkpoints()) {
      const std::string cp = std::string(kWal) + "/" + CheckpointName(k);
      const std::vector<uint64_t> segments = *ListSegments(&env_, cp);
      for (uint64_t s : segments) total += *env_.GetFileSize(cp + "/" + SegmentName(s));
    }
    return total;
  }

  MemEnv env_;
  std::unique_ptr<Storage> st_;
  std::vector<uint64_t> refs_;
};

TEST_F(LimitsTest, HookWinsWithoutLimits) {
  NeedEverything();
  const std::vector<uint64_t> before = Segments();
  ASSERT_GE(before.size(), 6u);
  ASSERT_TRUE(st_->Truncate(TruncateOptions{.mint_ms = kRounds * kStep, .now_ms = kRounds * kStep})
                  .ok());
  EXPECT_TRUE(Checkpoints().empty());
  EXPECT_EQ(Segments().front(), before.front());
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_time, 0u);
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_size, 0u);
}

TEST_F(LimitsTest, MaxWalTimeDropsOldNeededSegmentsAndCountsThem) {
  NeedEverything();
  const std::map<uint64_t, SegmentSamples> per = PerSegment();
  ASSERT_GE(per.size(), 6u);
  // now - max_wal_time falls in the middle of the log.
  const int64_t now = 100 * kStep;
  const absl::Duration max_time = absl::Milliseconds(now - (kRounds / 2) * kStep);
  const int64_t cutoff = kRounds / 2 * kStep;
  uint64_t expect_dropped = 0, expect_last = 0;
  for (const auto& [seg, s] : per) {
    if (s.max_ts >= cutoff) break;
    expect_dropped += s.samples;
    expect_last = seg;
  }
  ASSERT_GT(expect_dropped, 0u);

  std::vector<std::string> lines;
  log::SetSinkForTesting([&](std::string_view l) { lines.emplace_back(l); });
  absl::Status st = st_->Truncate(
      TruncateOptions{.mint_ms = now - 5 * kStep, .now_ms = now, .max_wal_time = max_time});
  log::SetSinkForTesting(nullptr);
  ASSERT_TRUE(st.ok()) << st;

  EXPECT_THAT(Checkpoints(), ::testing::ElementsAre(expect_last));
  EXPECT_EQ(Segments().front(), expect_last + 1);
  EXPECT_GE(PerSegment().begin()->second.max_ts, cutoff);
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_time, expect_dropped);
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_size, 0u);

  int warnings = 0;
  for (const std::string& l : lines) {
    if (l.find("dropped segments a reader still needed") == std::string::npos) continue;
    ++warnings;
    EXPECT_THAT(l, HasSubstr("reason=max_wal_time"));
    EXPECT_THAT(l, HasSubstr("first_segment=" + SegmentName(per.begin()->first)));
    EXPECT_THAT(l, HasSubstr("last_segment=" + SegmentName(expect_last)));
    EXPECT_THAT(l, HasSubstr("samples_max_wal_time=" + std::to_string(expect_dropped)));
    EXPECT_THAT(l, HasSubstr("mint=1970-01-01T00:00:01.000Z"));  // the first round
  }
  EXPECT_EQ(warnings, 1);

  // A second truncation with nothing newly forced drops nothing more.
  ASSERT_TRUE(st_->Truncate(TruncateOptions{
                                .mint_ms = now - 5 * kStep, .now_ms = now, .max_wal_time = max_time})
                  .ok());
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_time, expect_dropped);
}

TEST_F(LimitsTest, MaxWalTimeAfterReplay) {
  // The per-segment timestamps are rebuilt by replay.
  Open();
  NeedEverything();
  const std::map<uint64_t, SegmentSamples> per = PerSegment();
  uint64_t all = 0;
  for (const auto& [seg, s] : per) all += s.samples;
  ASSERT_EQ(all, static_cast<uint64_t>(kSeries) * kRounds);
  // Everything is older than max_wal_time: every complete segment goes.
  const int64_t now = 10 * kRounds * kStep;
  ASSERT_TRUE(st_->Truncate(TruncateOptions{
                                .mint_ms = now, .now_ms = now, .max_wal_time = absl::Seconds(1)})
                  .ok());
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_time, all);
  // Only the segment being written is left.
  EXPECT_EQ(Segments().size(), 1u);
  EXPECT_TRUE(PerSegment().empty());
}

TEST_F(LimitsTest, MaxWalSizeDropsOldestUntilItFits) {
  NeedEverything();
  const std::map<uint64_t, SegmentSamples> per = PerSegment();
  std::map<uint64_t, uint64_t> sizes;
  for (uint64_t s : Segments()) sizes[s] = *env_.GetFileSize(std::string(kWal) + "/" + SegmentName(s));
  const uint64_t limit = DirBytes() / 2;
  ASSERT_TRUE(st_->Truncate(TruncateOptions{.mint_ms = 0, .now_ms = kRounds * kStep,
                                            .max_wal_size = limit})
                  .ok());
  ASSERT_EQ(Checkpoints().size(), 1u);
  const uint64_t last = Checkpoints()[0];
  uint64_t expect_dropped = 0;
  for (const auto& [seg, s] : per) {
    if (seg <= last) expect_dropped += s.samples;
  }
  EXPECT_GT(expect_dropped, 0u);
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_size, expect_dropped);
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_time, 0u);
  // Segments alone now fit; one segment fewer would not have been enough.
  uint64_t segs_bytes = 0;
  for (uint64_t s : Segments()) segs_bytes += *env_.GetFileSize(std::string(kWal) + "/" + SegmentName(s));
  EXPECT_LE(segs_bytes, limit);
  EXPECT_GT(segs_bytes + sizes[last], limit);
}

TEST_F(LimitsTest, MaxWalSizeNeverTakesTheCurrentSegment) {
  NeedEverything();
  ASSERT_TRUE(st_->Truncate(TruncateOptions{.mint_ms = 0, .now_ms = 0, .max_wal_size = 1}).ok());
  const std::vector<uint64_t> segs = Segments();
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0], st_->stats().segment_current);
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_size, static_cast<uint64_t>(kSeries) * kRounds);
  // Appending goes on, and the checkpoint kept the series.
  {
    auto app = st_->NewAppender();  // must not outlive the storage
    app->Append(refs_[0], (kRounds + 1) * kStep, 1);
    ASSERT_TRUE(app->Commit().ok());
  }
  EXPECT_EQ(st_->stats().unknown_ref_samples, 0u);
  Open();
  EXPECT_EQ(st_->LookupRef(Series("m", 0)), refs_[0]);
}

TEST_F(LimitsTest, NothingCountedWhenNoReaderNeedsTheSegments) {
  // No hook: truncating is not dropping anything unsent.
  ASSERT_TRUE(st_->Truncate(TruncateOptions{.mint_ms = 0, .now_ms = 0, .max_wal_size = 1}).ok());
  EXPECT_EQ(Segments().size(), 1u);
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_size, 0u);
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_time, 0u);
}

TEST_F(LimitsTest, OnlySegmentsFromTheNeededOneAreCounted) {
  const std::map<uint64_t, SegmentSamples> per = PerSegment();
  const uint64_t need = per.begin()->first + 2;
  st_->SetLowestNeededSegment([need] { return std::optional<uint64_t>(need); });
  ASSERT_TRUE(st_->Truncate(TruncateOptions{.mint_ms = 0, .now_ms = 0, .max_wal_size = 1}).ok());
  uint64_t expect = 0;
  for (const auto& [seg, s] : per) {
    if (seg >= need) expect += s.samples;
  }
  EXPECT_EQ(st_->stats().samples_dropped_max_wal_size, expect);
}

}  // namespace
}  // namespace outpost::wal
