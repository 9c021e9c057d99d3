#include "core/wal/sample_batch.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace outpost::wal {
namespace {

std::vector<RefSample> All(const SampleBatch& b) {
  std::vector<RefSample> out;
  b.Get(0, b.size(), &out);
  return out;
}

// Against a plain vector: runs of shared timestamps (a scrape's), single
// samples with their own (honored timestamps), filtering that empties runs
// and joins equal neighbours, and reads of any range.
TEST(SampleBatchTest, HoldsWhatAVectorHolds) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 200; ++round) {
    SampleBatch b;
    std::vector<RefSample> want;
    const int n = static_cast<int>(rng() % 3000);
    int64_t t = 1000;
    for (int i = 0; i < n; ++i) {
      if (rng() % 50 == 0) t = 1000 + static_cast<int64_t>(rng() % 4);  // few distinct
      const RefSample s{rng() % 100, rng() % 7 == 0 ? t + 1 : t, static_cast<double>(i)};
      b.push_back(s);
      want.push_back(s);
    }
    ASSERT_EQ(b.size(), want.size());
    ASSERT_EQ(All(b), want);
    for (int k = 0; k < 5; ++k) {
      const size_t at = rng() % (want.size() + 2), len = rng() % 1100;
      std::vector<RefSample> got;
      b.Get(at, len, &got);
      const size_t from = std::min(at, want.size());
      const size_t to = std::min(want.size(), from + len);
      ASSERT_EQ(got, std::vector<RefSample>(want.begin() + from, want.begin() + to));
    }
    const uint64_t drop = rng() % 5;
    std::vector<RefSample> seen;
    const size_t kept = b.Filter([&](const RefSample& s) {
      seen.push_back(s);
      return s.ref % 5 != drop;
    });
    EXPECT_EQ(seen, want);  // every sample, in order
    std::erase_if(want, [&](const RefSample& s) { return s.ref % 5 == drop; });
    EXPECT_EQ(kept, want.size());
    ASSERT_EQ(All(b), want);
    b.clear();
    EXPECT_TRUE(b.empty());
    b.push_back(RefSample{1, 5, 1});
    EXPECT_EQ(All(b), (std::vector<RefSample>{{1, 5, 1}}));
  }
}

}  // namespace
}  // namespace outpost::wal
