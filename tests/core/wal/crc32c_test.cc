#include "core/wal/crc32c.h"

#include <random>
#include <string>

#include "gtest/gtest.h"

namespace outpost::wal {
namespace {

// Check values from RFC 3720 appendix B.4 and the "123456789" check value.
TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(descending), 0x113FDB5Cu);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32cTest, PortableMatchesDispatchedAtEveryAlignmentAndLength) {
  std::mt19937 rng(7);
  std::string data(300, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t start = 0; start < 9; ++start) {
    for (size_t len = 0; start + len <= data.size(); len += 13) {
      const char* p = data.data() + start;
      ASSERT_EQ(Crc32cExtend(0, p, len), Crc32cExtendPortable(0, p, len))
          << "start " << start << " len " << len;
    }
  }
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  const std::string s = "hello, write-ahead log";
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    uint32_t c = Crc32cExtend(0, s.data(), cut);
    EXPECT_EQ(Crc32cExtend(c, s.data() + cut, s.size() - cut), Crc32c(s));
  }
}

}  // namespace
}  // namespace outpost::wal
