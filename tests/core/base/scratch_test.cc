#include "core/base/scratch.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace outpost {
namespace {

TEST(ScratchTest, KeepsSmallBuffersAndBuffersStillMostlyUsed) {
  std::string s(60 << 10, 'x');
  ReleaseIfOversized(s, 10);  // under 64 KiB: kept
  EXPECT_GE(s.capacity(), size_t{60} << 10);
  std::string big(1 << 20, 'x');
  ReleaseIfOversized(big, (1 << 20) / 2);  // half used: kept
  EXPECT_GE(big.capacity(), size_t{1} << 20);
}

TEST(ScratchTest, ReleasesABufferThatOnceHeldFarMore) {
  std::string s(1 << 20, 'x');
  s.resize(100);
  ReleaseIfOversized(s, s.size());
  EXPECT_LT(s.capacity(), size_t{64} << 10);
  EXPECT_TRUE(s.empty());
}

TEST(ScratchTest, CountsVectorCapacityInBytes) {
  std::vector<uint64_t> v(10000);  // 80 KB
  ReleaseIfOversized(v, 100);
  EXPECT_EQ(v.capacity(), 0u);
  std::vector<char> c(10000);  // 10 KB: kept
  ReleaseIfOversized(c, 100);
  EXPECT_EQ(c.capacity(), 10000u);
}

}  // namespace
}  // namespace outpost
