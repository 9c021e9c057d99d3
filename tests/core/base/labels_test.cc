#include "core/base/labels.h"

#include "gtest/gtest.h"

namespace outpost {
namespace {

TEST(LabelsTest, SortedUniqueAndEmptyValuesAbsent) {
  Labels l{{"b", "2"}, {"a", "1"}, {"c", ""}, {"a", "3"}};
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].name, "a");
  EXPECT_EQ(l[0].value, "3");  // a later duplicate wins
  EXPECT_EQ(l[1].name, "b");
  EXPECT_FALSE(l.Has("c"));
}

TEST(LabelsTest, FromUnsortedMatchesInitializerList) {
  EXPECT_EQ(Labels::FromUnsorted({{"z", "1"}, {"a", "2"}, {"m", ""}}), (Labels{{"a", "2"}, {"z", "1"}}));
}

TEST(LabelsTest, SetReplacesDeletes) {
  Labels l;
  l.Set("x", "1");
  l.Set("a", "2");
  l.Set("x", "3");
  EXPECT_EQ(l.Get("x"), "3");
  EXPECT_EQ(l[0].name, "a");
  l.Set("x", "");
  EXPECT_FALSE(l.Has("x"));
  l.Del("a");
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.Get("missing"), "");
}

TEST(LabelsTest, ToStringEscapes) {
  Labels l{{"__name__", "up"}, {"v", "a\"b\\c\nd"}};
  EXPECT_EQ(l.ToString(), "{__name__=\"up\", v=\"a\\\"b\\\\c\\nd\"}");
}

TEST(LabelsTest, OrderingAndHash) {
  Labels a{{"a", "1"}}, b{{"a", "2"}}, c{{"a", "1"}, {"b", "1"}};
  EXPECT_LT(a, b);
  EXPECT_LT(a, c);
  EXPECT_FALSE(b < a);
  EXPECT_EQ(a.Hash(), Labels({{"a", "1"}}).Hash());
  EXPECT_NE(a.Hash(), b.Hash());
}

}  // namespace
}  // namespace outpost

namespace outpost {
namespace {

TEST(LabelsAssignFrom, EqualsTheSourceAndKeepsSharedStrings) {
  Labels a{{"env", "x"}, {"filename", std::string(64, 'f')}, {"level", "info"}};
  const Labels base{{"filename", std::string(64, 'g')}, {"job", "j"}};
  const char* kept = a.Get("filename").data();
  a.AssignFrom(base);
  EXPECT_EQ(a, base);
  EXPECT_EQ(a.Get("filename").data(), kept);  // the same buffer, assigned in place
  a.AssignFrom(Labels{});
  EXPECT_TRUE(a.empty());
  a.AssignFrom(Labels{{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(a, (Labels{{"a", "1"}, {"b", "2"}}));
}

}  // namespace
}  // namespace outpost
