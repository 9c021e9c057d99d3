#include "core/base/label_set.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace outpost {
namespace {

TEST(LabelSetTest, InternedOnceAndFreedWithTheLastHandle) {
  LabelStore store;
  const Labels l{{"__name__", "up"}, {"job", "node"}};
  LabelSet a = store.Intern(l);
  LabelSet b = store.Intern(Labels{{"job", "node"}, {"__name__", "up"}});
  EXPECT_TRUE(a == b);
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(a.ToLabels(), l);
  std::string bytes;
  AppendLabelBytes(&bytes, l);
  EXPECT_EQ(a.bytes(), bytes);
  EXPECT_TRUE(store.Find(bytes, LabelStore::Hash(bytes)) == a);

  LabelSet other = store.Intern(Labels{{"__name__", "up"}, {"job", "redis"}});
  EXPECT_FALSE(other == a);
  EXPECT_EQ(store.size(), 2u);

  LabelSet copy = a;
  a.Reset();
  b.Reset();
  EXPECT_EQ(store.size(), 2u);  // `copy` still holds it
  LabelSet moved = std::move(copy);
  EXPECT_FALSE(copy);  // NOLINT: moved-from is empty by contract
  moved = other;       // drops the last handle of {job="node"}
  EXPECT_EQ(store.size(), 1u);
  EXPECT_FALSE(store.Find(bytes, LabelStore::Hash(bytes)));
  moved.Reset();
  other.Reset();
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.memory_bytes() > 0, true);  // the emptied tables
}

TEST(LabelSetTest, ConcurrentInternAndReleaseKeepOneSetPerLabels) {
  LabelStore store;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, t] {
      std::vector<LabelSet> held;
      for (int round = 0; round < 200; ++round) {
        for (int i = 0; i < 50; ++i) {
          held.push_back(store.Intern(Labels{{"i", std::to_string(i)}}));
        }
        // Each thread drops its handles at a different pace.
        if (round % (t + 1) == 0) held.clear();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store.size(), 0u);
  LabelSet x = store.Intern(Labels{{"i", "1"}});
  LabelSet y = store.Intern(Labels{{"i", "1"}});
  EXPECT_TRUE(x == y);
  EXPECT_EQ(store.size(), 1u);
}

TEST(LabelSetTest, CanonicalBytesSortAndDropEmptyValues) {
  // A Series record written by another writer: unsorted, an empty value.
  std::string raw;
  raw.push_back(3);
  for (const char* s : {"job", "node", "__name__", "up", "empty", ""}) {
    raw.push_back(static_cast<char>(std::string(s).size()));
    raw.append(s);
  }
  std::string scratch;
  std::string want;
  AppendLabelBytes(&want, Labels{{"__name__", "up"}, {"job", "node"}});
  EXPECT_EQ(CanonicalLabelBytes(raw, &scratch), want);
  // Already canonical: the input itself, no copy.
  const std::string_view same = CanonicalLabelBytes(want, &scratch);
  EXPECT_EQ(same.data(), want.data());
  EXPECT_EQ(LabelBytesLength(want + "trailing"), want.size());
}

TEST(LabelSetTest, MalformedBytesAreRejected) {
  std::string good;
  AppendLabelBytes(&good, Labels{{"__name__", "up"}, {"job", "node"}});
  std::string scratch;
  for (size_t cut = 0; cut < good.size(); ++cut) {
    const std::string_view prefix(good.data(), cut);
    EXPECT_TRUE(CanonicalLabelBytes(prefix, &scratch).empty()) << cut;
    EXPECT_EQ(LabelBytesLength(prefix), 0u) << cut;
  }
  const std::string huge_count = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";
  EXPECT_EQ(LabelBytesLength(huge_count), 0u);
  const std::string overlong = std::string(11, '\x80');
  EXPECT_EQ(LabelBytesLength(overlong), 0u);
  Labels out;
  EXPECT_FALSE(DecodeLabelBytes(std::string("\x01\x05") + "ab", &out));
}

// A set names its store by index in its 16-byte header: sets of two live
// stores go back to their own store, and indexes are reused once a store
// is gone.
TEST(LabelSetTest, SetsReturnToTheirOwnStore) {
  const Labels l{{"__name__", "up"}, {"job", "a"}};
  std::string bytes;
  AppendLabelBytes(&bytes, l);
  EXPECT_EQ(LabelStore::Hash(bytes) >> 56, 0u);
  for (size_t i = 0; i < 2 * LabelStore::kMaxStores; ++i) {
    LabelStore a, b;
    LabelSet x = a.Intern(l);
    LabelSet y = b.Intern(l);
    EXPECT_FALSE(x == y);
    EXPECT_EQ(x.bytes(), y.bytes());
    EXPECT_EQ(x.hash(), y.hash());
    EXPECT_EQ(x.hash(), LabelStore::Hash(bytes));
    EXPECT_TRUE(a.Find(bytes, x.hash()) == x);
    // A hash with high bits set (not from LabelStore::Hash) still finds it.
    EXPECT_TRUE(a.Find(bytes, x.hash() | (uint64_t{0xab} << 56)) == x);
    x.Reset();
    EXPECT_EQ(a.size(), 0u);
    EXPECT_EQ(b.size(), 1u);
    y.Reset();
    EXPECT_EQ(b.size(), 0u);
  }
}

}  // namespace
}  // namespace outpost
