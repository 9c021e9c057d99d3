// The integration-neutral helpers of integrations/common/: text parsing
// (shared by node, mysqld and redis) and the series-handle cache.
#include "integrations/common/text.h"

#include <cmath>
#include <string_view>

#include "core/base/labels.h"
#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/common/series_cache.h"

namespace outpost::integrations {
namespace {

TEST(ParseGoFloatTest, GoSyntax) {
  double v = 0;
  EXPECT_TRUE(ParseGoFloat("1.5", &v));
  EXPECT_EQ(v, 1.5);
  EXPECT_TRUE(ParseGoFloat("-2e3", &v));
  EXPECT_EQ(v, -2000);
  EXPECT_TRUE(ParseGoFloat("+.5", &v));
  EXPECT_EQ(v, 0.5);
  EXPECT_TRUE(ParseGoFloat("-Infinity", &v));
  EXPECT_EQ(v, -HUGE_VAL);
  EXPECT_TRUE(ParseGoFloat("NaN", &v));
  EXPECT_TRUE(std::isnan(v));
  for (std::string_view bad : {"", "-", "+nan", " 1", "1 ", "1.5x", "0x10", "1_000", "e5"}) {
    EXPECT_FALSE(ParseGoFloat(bad, &v)) << bad;
  }
}

TEST(ParseGoFloatTest, OutOfRangeRejectedOrKept) {
  double v = 0;
  EXPECT_FALSE(ParseGoFloat("1e400", &v));
  EXPECT_FALSE(ParseGoFloat("-1e400", &v, OutOfRange::kReject));
  EXPECT_TRUE(ParseGoFloat("-1e400", &v, OutOfRange::kKeep));
  EXPECT_EQ(v, -HUGE_VAL);
  EXPECT_TRUE(ParseGoFloat("1e-400", &v, OutOfRange::kKeep));
  EXPECT_EQ(v, 0);
  EXPECT_FALSE(ParseGoFloat("1e400x", &v, OutOfRange::kKeep));
}

TEST(TextTest, IntegersAndDoubles) {
  uint64_t u = 0;
  int64_t i = 0;
  double d = 0;
  EXPECT_TRUE(ParseUint("18446744073709551615", &u));
  EXPECT_FALSE(ParseUint("18446744073709551616", &u));
  EXPECT_FALSE(ParseUint("-1", &u));
  EXPECT_TRUE(ParseInt("-42", &i));
  EXPECT_EQ(i, -42);
  EXPECT_FALSE(ParseInt("", &i));
  EXPECT_FALSE(ParseInt("4 2", &i));
  EXPECT_TRUE(ParseDouble("+1e3", &d));
  EXPECT_EQ(d, 1000);
  EXPECT_TRUE(ParseHexAsDouble("ff", &d));
  EXPECT_EQ(d, 255);
  EXPECT_TRUE(ParseUintAsDouble("7", &d));
  EXPECT_EQ(d, 7);
}

TEST(TextTest, SplitLinesTrim) {
  std::string_view f[3];
  ASSERT_EQ(SplitFields("  a\t b  c d", f, 3), 3u);
  EXPECT_EQ(f[0], "a");
  EXPECT_EQ(f[2], "c");
  std::string_view text = "x\n\ny", line;
  ASSERT_TRUE(NextLine(&text, &line));
  EXPECT_EQ(line, "x");
  ASSERT_TRUE(NextLine(&text, &line));
  EXPECT_EQ(line, "");
  ASSERT_TRUE(NextLine(&text, &line));
  EXPECT_EQ(line, "y");
  EXPECT_FALSE(NextLine(&text, &line));
  EXPECT_EQ(Trim(" \t\v\f\r\nab c\n"), "ab c");
  EXPECT_EQ(Trim(" \n "), "");
}

TEST(TextTest, CatAndUtf8) {
  EXPECT_EQ(Cat("a", std::string_view("b"), absl::string_view("c"), std::string("d"), 42, -1L),
            "abcd42-1");
  EXPECT_EQ(ToValidUtf8("ok \xC3\xA9 \xFF\xFE!"), "ok \xC3\xA9 \xEF\xBF\xBD!");
}

TEST(SeriesCacheTest, OneHandlePerLabelValuesAndAppender) {
  const MetricFamily fam{"x_total", MetricType::kCounter, "help", ""};
  MemoryAppender app;
  SeriesCache cache;
  cache.Begin(app);
  const SeriesRef a = cache.Get(fam, {{"dev", "a"}});
  EXPECT_EQ(cache.Get(fam, {{"dev", "a"}}), a);
  EXPECT_NE(cache.Get(fam, {{"dev", "b"}}), a);
  EXPECT_EQ(cache.size(), 2u);
  cache.Add(fam, {{"dev", "a"}}, 3);
  ASSERT_NE(app.Find("x_total", Labels::FromUnsorted({{"dev", "a"}})), nullptr);
  EXPECT_EQ(*app.Find("x_total", Labels::FromUnsorted({{"dev", "a"}})), 3);

  MemoryAppender other;
  cache.Begin(other);  // handles belong to `app`: dropped
  EXPECT_EQ(cache.size(), 0u);
}

TEST(SeriesCacheTest, OneLookupPerRowOfFamilies) {
  const MetricFamily fams[] = {{"a_total", MetricType::kCounter, "", ""},
                               {"b", MetricType::kGauge, "", ""}};
  const std::vector<std::string_view> names = {"db", "table"};
  MemoryAppender app;
  SeriesCache cache;
  cache.Begin(app);
  const auto first = cache.GetRow(fams, names, {"x", "t1"});
  const std::vector<SeriesRef> row(first.begin(), first.end());
  ASSERT_EQ(row.size(), 2u);
  EXPECT_NE(row[0], row[1]);
  const auto again = cache.GetRow(fams, names, {"x", "t1"});
  EXPECT_EQ(std::vector<SeriesRef>(again.begin(), again.end()), row);
  EXPECT_NE(cache.GetRow(fams, names, {"x", "t2"})[0], row[0]);
  // The same series a plain Get names; an empty value is an absent label.
  EXPECT_EQ(cache.Get(fams[1], names, {"x", "t1"}), row[1]);
  const auto no_table = cache.GetRow(fams, names, {"x", ""});
  cache.Add(no_table[0], 4);
  ASSERT_NE(app.Find("a_total", Labels::FromUnsorted({{"db", "x"}})), nullptr);
  EXPECT_EQ(cache.size(), 4u);  // three rows and one Get
  MemoryAppender other;
  cache.Begin(other);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(DynamicFamiliesTest, MadeOnceAtAStableAddress) {
  DynamicFamilies families;
  int made = 0;
  auto make = [&made](std::string_view key) {
    ++made;
    return MetricFamily{Cat("m_", key), MetricType::kGauge, "", ""};
  };
  const MetricFamily& a = families.Get("a", make);
  for (int i = 0; i < 100; ++i) families.Get(Cat("k", i), make);
  EXPECT_EQ(&families.Get("a", make), &a);
  EXPECT_EQ(a.name, "m_a");
  EXPECT_EQ(made, 101);
}

}  // namespace
}  // namespace outpost::integrations
