// WriteExposition(): ordering, escaping, number formatting, and the round
// trip writer -> parser.
#include <cmath>
#include <limits>
#include <random>
#include <cstring>

#include "core/base/exposition_parser.h"
#include "core/base/exposition_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outpost {
namespace {

std::string Value(double v) {
  std::string out;
  AppendExpositionValue(v, out);
  return out;
}

TEST(ExpositionWriter, Numbers) {
  EXPECT_EQ(Value(0), "0");
  EXPECT_EQ(Value(1), "1");
  EXPECT_EQ(Value(-2.5), "-2.5");
  EXPECT_EQ(Value(0.1), "0.1");
  EXPECT_EQ(Value(1e-9), "1e-09");
  EXPECT_EQ(Value(1e21), "1e+21");
  EXPECT_EQ(Value(123456789), "123456789");
  EXPECT_EQ(Value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Value(HUGE_VAL), "+Inf");
  EXPECT_EQ(Value(-HUGE_VAL), "-Inf");
  EXPECT_EQ(Value(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(Value(std::numeric_limits<double>::denorm_min()), "5e-324");
}

TEST(ExpositionWriter, HelpEscaping) {
  EXPECT_EQ(EscapeHelp("a\\b\nc\"d"), "a\\\\b\\nc\"d");
}

TEST(ExpositionWriter, TypeNames) {
  EXPECT_EQ(ExpositionTypeName(MetricType::kCounter), "counter");
  EXPECT_EQ(ExpositionTypeName(MetricType::kGauge), "gauge");
  EXPECT_EQ(ExpositionTypeName(MetricType::kHistogram), "histogram");
  EXPECT_EQ(ExpositionTypeName(MetricType::kGaugeHistogram), "histogram");
  EXPECT_EQ(ExpositionTypeName(MetricType::kSummary), "summary");
  EXPECT_EQ(ExpositionTypeName(MetricType::kInfo), "gauge");
  EXPECT_EQ(ExpositionTypeName(MetricType::kUnknown), "untyped");
}

TEST(ExpositionWriter, SortsFamiliesAndSeriesAndEscapes) {
  std::vector<ExpositionFamily> fams(2);
  fams[0].meta = {"zz_total", MetricType::kCounter, "Last one.\nTwo lines \\ here.", ""};
  fams[0].samples = {{"zz_total", {{"b", "2"}}, 5, std::nullopt},
                     {"zz_total", {{"a", "x\"y\\z\nw"}}, 1, 1700000000123}};
  fams[1].meta = {"aa", MetricType::kGauge, "", ""};
  fams[1].samples = {{"", {}, 0.5, std::nullopt}};
  EXPECT_EQ(WriteExposition(fams),
            "# TYPE aa gauge\n"
            "aa 0.5\n"
            "# HELP zz_total Last one.\\nTwo lines \\\\ here.\n"
            "# TYPE zz_total counter\n"
            "zz_total{a=\"x\\\"y\\\\z\\nw\"} 1 1700000000123\n"
            "zz_total{b=\"2\"} 5\n");
}

TEST(ExpositionWriter, HistogramPartsInClientOrder) {
  ExpositionFamily h;
  h.meta = {"rpc_seconds", MetricType::kHistogram, "RPC latency.", ""};
  // Deliberately shuffled, two series.
  h.samples = {
      {"rpc_seconds_count", {{"m", "b"}}, 3, std::nullopt},
      {"rpc_seconds_bucket", {{"m", "a"}, {"le", "+Inf"}}, 2, std::nullopt},
      {"rpc_seconds_sum", {{"m", "a"}}, 0.75, std::nullopt},
      {"rpc_seconds_bucket", {{"m", "a"}, {"le", "10"}}, 2, std::nullopt},
      {"rpc_seconds_bucket", {{"m", "a"}, {"le", "2.5"}}, 1, std::nullopt},
      {"rpc_seconds_count", {{"m", "a"}}, 2, std::nullopt},
      {"rpc_seconds_sum", {{"m", "b"}}, 9, std::nullopt},
      {"rpc_seconds_bucket", {{"m", "b"}, {"le", "+Inf"}}, 3, std::nullopt},
  };
  EXPECT_EQ(WriteExposition({&h, 1}),
            "# HELP rpc_seconds RPC latency.\n"
            "# TYPE rpc_seconds histogram\n"
            "rpc_seconds_bucket{le=\"2.5\",m=\"a\"} 1\n"
            "rpc_seconds_bucket{le=\"10\",m=\"a\"} 2\n"
            "rpc_seconds_bucket{le=\"+Inf\",m=\"a\"} 2\n"
            "rpc_seconds_sum{m=\"a\"} 0.75\n"
            "rpc_seconds_count{m=\"a\"} 2\n"
            "rpc_seconds_bucket{le=\"+Inf\",m=\"b\"} 3\n"
            "rpc_seconds_sum{m=\"b\"} 9\n"
            "rpc_seconds_count{m=\"b\"} 3\n");
}

TEST(ExpositionWriter, SummaryQuantilesThenSumCount) {
  ExpositionFamily s;
  s.meta = {"gc_seconds", MetricType::kSummary, "", ""};
  s.samples = {
      {"gc_seconds_count", {}, 4, std::nullopt},
      {"gc_seconds", {{"quantile", "1"}}, 0.3, std::nullopt},
      {"gc_seconds", {{"quantile", "0.5"}}, 0.1, std::nullopt},
      {"gc_seconds_sum", {}, 0.6, std::nullopt},
      {"gc_seconds", {{"quantile", "0"}}, std::numeric_limits<double>::quiet_NaN(),
       std::nullopt},
  };
  EXPECT_EQ(WriteExposition({&s, 1}),
            "# TYPE gc_seconds summary\n"
            "gc_seconds{quantile=\"0\"} NaN\n"
            "gc_seconds{quantile=\"0.5\"} 0.1\n"
            "gc_seconds{quantile=\"1\"} 0.3\n"
            "gc_seconds_sum 0.6\n"
            "gc_seconds_count 4\n");
}

TEST(ExpositionWriter, EmptyFamilyKeepsHeaders) {
  ExpositionFamily f;
  f.meta = {"nothing", MetricType::kGauge, "No samples.", ""};
  EXPECT_EQ(WriteExposition({&f, 1}), "# HELP nothing No samples.\n# TYPE nothing gauge\n");
  EXPECT_EQ(WriteExposition({}), "");
}

// Writer -> parser gives back the same families (sorted as written).
TEST(ExpositionRoundTrip, WriterOutputParsesBack) {
  std::vector<ExpositionFamily> fams(3);
  fams[0].meta = {"b_total", MetricType::kCounter, "Help with \\ and\nnewline \"q\".", ""};
  fams[0].samples = {{"b_total", {{"path", "/a\"b\\c\nd"}, {"code", "200"}}, 7, std::nullopt},
                     {"b_total", {{"path", "é☃"}}, -0.0, -5}};
  fams[1].meta = {"a_seconds", MetricType::kHistogram, "", ""};
  fams[1].samples = {{"a_seconds_bucket", {{"le", "0.1"}}, 1, std::nullopt},
                     {"a_seconds_bucket", {{"le", "+Inf"}}, 2, std::nullopt},
                     {"a_seconds_sum", {}, 0.3, std::nullopt},
                     {"a_seconds_count", {}, 2, std::nullopt}};
  fams[2].meta = {"c", MetricType::kUnknown, "", ""};
  fams[2].samples = {{"c", {}, HUGE_VAL, std::nullopt},
                     {"c", {{"x", "1"}}, -HUGE_VAL, std::nullopt},
                     {"c", {{"x", "2"}}, 1e-300, std::nullopt},
                     {"c", {{"x", "3"}}, 0.1 + 0.2, std::nullopt}};
  const std::string text = WriteExposition(fams);
  auto parsed = ParseExposition(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ(WriteExposition(*parsed), text);
  const ExpositionFamily& b = (*parsed)[1];  // a_seconds, b_total, c
  EXPECT_EQ(b.meta.name, "b_total");
  EXPECT_EQ(b.meta.help, fams[0].meta.help);
  EXPECT_EQ(b.meta.type, MetricType::kCounter);
  ASSERT_EQ(b.samples.size(), 2u);
  EXPECT_EQ(b.samples[0].labels.Get("path"), "/a\"b\\c\nd");
  EXPECT_EQ(b.samples[1].labels.Get("path"), "é☃");
  EXPECT_EQ(b.samples[1].timestamp_ms, -5);
  EXPECT_TRUE(std::signbit(b.samples[1].value));
  const ExpositionFamily& c = (*parsed)[2];
  EXPECT_EQ(c.samples[3].value, 0.1 + 0.2);  // shortest text is exact
  EXPECT_EQ(c.samples[2].value, 1e-300);
}

TEST(ExpositionRoundTrip, RandomValuesSurviveExactly) {
  std::mt19937_64 rng(42);
  ExpositionFamily f;
  f.meta = {"r", MetricType::kGauge, "", ""};
  for (int i = 0; i < 2000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (std::isnan(v)) v = 0;
    f.samples.push_back({"r", {{"i", std::to_string(i)}}, v, std::nullopt});
  }
  auto parsed = ParseExposition(WriteExposition({&f, 1}));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1u);
  ASSERT_EQ((*parsed)[0].samples.size(), f.samples.size());
  for (const ExpositionSample& s : (*parsed)[0].samples) {
    const int i = std::stoi(std::string(s.labels.Get("i")));
    EXPECT_EQ(std::memcmp(&s.value, &f.samples[i].value, sizeof(double)), 0) << i;
  }
}

}  // namespace
}  // namespace outpost
