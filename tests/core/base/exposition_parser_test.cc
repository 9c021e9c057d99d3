// ParseExposition(): the accepted syntax and every error of expfmt's
// TextParser (prometheus/common expfmt/text_parse.go and its tests).
#include <cmath>
#include <random>
#include <string>

#include "core/base/exposition_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outpost {
namespace {

using ::testing::HasSubstr;

std::vector<ExpositionFamily> MustParse(std::string_view text) {
  auto r = ParseExposition(text);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : std::vector<ExpositionFamily>{};
}

std::string ErrorOf(std::string_view text, const ExpositionParseOptions& o = {}) {
  auto r = ParseExposition(text, o);
  if (r.ok()) return "<ok>";
  return std::string(r.status().message());
}

TEST(ExpositionParser, EmptyAndBlankInput) {
  EXPECT_TRUE(MustParse("").empty());
  EXPECT_TRUE(MustParse("\n\n  \t\n").empty());
  EXPECT_TRUE(MustParse("   ").empty());  // blanks need no final newline
}

TEST(ExpositionParser, SimpleSamples) {
  auto fams = MustParse(
      "# a plain comment\n"
      "\n"
      "minimal_metric 1.234\n"
      "another_metric -3e3 103948\n"
      "  indented{a=\"b\"}\t2\n"
      "name:with:colons 1\n");
  ASSERT_EQ(fams.size(), 4u);
  EXPECT_EQ(fams[0].meta.name, "minimal_metric");
  EXPECT_EQ(fams[0].meta.type, MetricType::kUnknown);
  EXPECT_EQ(fams[0].samples[0].value, 1.234);
  EXPECT_FALSE(fams[0].samples[0].timestamp_ms);
  EXPECT_EQ(fams[1].samples[0].value, -3000);
  EXPECT_EQ(fams[1].samples[0].timestamp_ms, 103948);
  EXPECT_EQ(fams[2].samples[0].labels, Labels({{"a", "b"}}));
  EXPECT_EQ(fams[2].samples[0].value, 2);
  EXPECT_EQ(fams[3].meta.name, "name:with:colons");
}

TEST(ExpositionParser, HelpTypeAndLabels) {
  auto fams = MustParse(
      "# TYPE name counter\n"
      "# HELP name two-line\\n doc  str\\\\ing\n"
      "name{labelname=\"val1\",basename=\"basevalue\"} NaN\n"
      "name {labelname=\"val2\",basename=\"base\\\"v\\\\al\\nue\"} 0.23 1234567890\n"
      "name{ spaced = \"x\" , trailing=\"comma\", } +Inf\n"
      "name{} -Inf\n");
  ASSERT_EQ(fams.size(), 1u);
  const ExpositionFamily& f = fams[0];
  EXPECT_EQ(f.meta.type, MetricType::kCounter);
  EXPECT_EQ(f.meta.help, "two-line\n doc  str\\ing");
  ASSERT_EQ(f.samples.size(), 4u);
  EXPECT_TRUE(std::isnan(f.samples[0].value));
  EXPECT_EQ(f.samples[1].labels.Get("basename"), "base\"v\\al\nue");
  EXPECT_EQ(f.samples[1].timestamp_ms, 1234567890);
  EXPECT_EQ(f.samples[2].labels, Labels({{"spaced", "x"}, {"trailing", "comma"}}));
  EXPECT_EQ(f.samples[2].value, HUGE_VAL);
  EXPECT_EQ(f.samples[3].value, -HUGE_VAL);
  EXPECT_TRUE(f.samples[3].labels.empty());
}

TEST(ExpositionParser, TypeWordsAndIncompleteCommentsAreIgnored) {
  auto fams = MustParse(
      "# TYPE a GAUGE\n"
      "# TYPE b untyped\n"
      "# TYPE c histogram\n"
      "# TYPE d summary\n"
      "# TYPE e gauge_histogram\n"
      "#\n"
      "# HELP\n"
      "# HELP a\n"
      "# TYPE b   \n"
      "a 1\nb 1\nc_count 1\nd_sum 1\ne 1\n");
  ASSERT_EQ(fams.size(), 5u);
  EXPECT_EQ(fams[0].meta.type, MetricType::kGauge);
  EXPECT_EQ(fams[0].meta.help, "");
  EXPECT_EQ(fams[1].meta.type, MetricType::kUnknown);
  EXPECT_EQ(fams[2].meta.type, MetricType::kHistogram);
  EXPECT_EQ(fams[3].meta.type, MetricType::kSummary);
  EXPECT_EQ(fams[4].meta.type, MetricType::kGaugeHistogram);
}

TEST(ExpositionParser, SummaryAndHistogramPartsJoinTheirFamily) {
  auto fams = MustParse(
      "# TYPE s summary\n"
      "s{quantile=\"0.5\",a=\"x\"} 1\n"
      "s_sum{a=\"x\"} 2\n"
      "s_count{a=\"x\"} 3\n"
      "s_bucket 9\n"  // not a summary part: its own family
      "# TYPE h histogram\n"
      "# HELP h_count goes to h\n"
      "h_bucket{le=\"+Inf\"} 4\n"
      "h_sum 5\n"
      "h_count 4\n"
      "g_count 1\n");  // no family g: its own family
  ASSERT_EQ(fams.size(), 4u);
  EXPECT_EQ(fams[0].meta.name, "s");
  ASSERT_EQ(fams[0].samples.size(), 3u);
  EXPECT_EQ(fams[0].samples[1].name, "s_sum");
  EXPECT_EQ(fams[0].samples[0].labels.Get("quantile"), "0.5");
  EXPECT_EQ(fams[1].meta.name, "s_bucket");
  EXPECT_EQ(fams[2].meta.name, "h");
  EXPECT_EQ(fams[2].meta.help, "goes to h");
  EXPECT_EQ(fams[2].samples.size(), 3u);
  EXPECT_EQ(fams[3].meta.name, "g_count");
}

TEST(ExpositionParser, FamiliesWithoutSamplesAreDropped) {
  auto fams = MustParse("# HELP lonely nobody\n# TYPE lonely gauge\nx 1\n");
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].meta.name, "x");
}

TEST(ExpositionParser, EmptyLabelValueIsAbsent) {
  auto fams = MustParse("m{a=\"\",b=\"1\"} 1\n");
  EXPECT_EQ(fams[0].samples[0].labels, Labels({{"b", "1"}}));
}

TEST(ExpositionParser, FloatSyntaxOfGo) {
  auto fams = MustParse(
      "m{i=\"1\"} +1\nm{i=\"2\"} .5\nm{i=\"3\"} 5.\nm{i=\"4\"} 1E3\n"
      "m{i=\"5\"} inf\nm{i=\"6\"} -Infinity\nm{i=\"7\"} nan\nm{i=\"8\"} 1e-400\n"
      "m{i=\"9\"} 0 +15\n");
  const auto& s = fams[0].samples;
  ASSERT_EQ(s.size(), 9u);
  EXPECT_EQ(s[0].value, 1);
  EXPECT_EQ(s[1].value, 0.5);
  EXPECT_EQ(s[2].value, 5);
  EXPECT_EQ(s[3].value, 1000);
  EXPECT_EQ(s[4].value, HUGE_VAL);
  EXPECT_EQ(s[5].value, -HUGE_VAL);
  EXPECT_TRUE(std::isnan(s[6].value));
  EXPECT_EQ(s[7].value, 0);
  EXPECT_EQ(s[8].timestamp_ms, 15);
}

struct ErrorCase {
  const char* input;
  const char* error;
};

// Each input fails with this message (and the line number in it).
TEST(ExpositionParser, ErrorCases) {
  const ErrorCase cases[] = {
      {"metric", "line 1: unexpected end of input stream"},
      {"metric 1", "line 1: unexpected end of input stream"},
      {"# comment", "line 1: unexpected end of input stream"},
      {"# TYPE m counter", "line 1: unexpected end of input stream"},
      {"metric\n", "line 1: expected float as value, got \"\""},
      {"metric 1 \n", "line 1: expected integer as timestamp, got \"\""},
      {"a 1\nmetric{label=\"\\t\"} 3.14 42\n", "line 2: invalid escape sequence '\\t'"},
      {"metric{label=\"bla\"} 3.14 2 3\n", "line 1: spurious string after timestamp: \" 3\""},
      {"metric{label=\"bla\"} blubb\n", "line 1: expected float as value, got \"blubb\""},
      {"metric{label=\"bla\"} 1 1.5\n", "line 1: expected integer as timestamp, got \"1.5\""},
      {"metric 1 99999999999999999999\n",
       "line 1: expected integer as timestamp, got \"99999999999999999999\""},
      {"metric 0x1p3\n", "expected float as value, got \"0x1p3\""},
      {"metric 1_000\n", "expected float as value, got \"1_000\""},
      {"metric 0x10\n", "expected float as value, got \"0x10\""},
      {"metric 1e400\n", "expected float as value, got \"1e400\""},
      {"metric +nan\n", "expected float as value, got \"+nan\""},
      {"metric nan(1)\n", "expected float as value, got \"nan(1)\""},
      {"metric --1\n", "expected float as value, got \"--1\""},
      {"\n\n# HELP metric one\n# HELP metric two\n",
       "line 4: second HELP line for metric name \"metric\""},
      {"# TYPE metric counter\n# TYPE metric untyped\n",
       "line 2: second TYPE line for metric name \"metric\", or TYPE reported after samples"},
      {"metric 4.12\n# TYPE metric counter\n",
       "line 2: second TYPE line for metric name \"metric\", or TYPE reported after samples"},
      {"# TYPE metric bla\n", "line 1: unknown metric type \"bla\""},
      {"# TYPE m counter \n", "unknown metric type \"counter \""},
      {"# TYPE met-ric counter\n", "line 1: invalid metric name in comment"},
      {"# HELP 1metric x\n", "line 1: invalid metric name in comment"},
      {"@invalidmetric{label=\"bla\"} 3.14 2\n", "line 1: invalid metric name"},
      {"{label=\"bla\"} 3.14 2\n", "line 1: invalid metric name"},
      {"1metric 1\n", "line 1: invalid metric name"},
      {"metric{label=\"bla\",label=\"bla\"} 3.14\n",
       "line 1: duplicate label names for metric \"metric\""},
      {"metric{__name__=\"x\"} 1\n", "line 1: label name \"__name__\" is reserved"},
      {"metric{@label=\"x\"} 1\n", "line 1: invalid label name for metric \"metric\""},
      {"metric{1a=\"x\"} 1\n", "line 1: invalid label name for metric \"metric\""},
      {"metric{\n", "line 1: invalid label name for metric \"metric\""},
      {"metric{label-x=\"v\"} 1\n", "line 1: expected '=' after label name, found '-'"},
      {"metric{label}\n", "line 1: expected '=' after label name, found '}'"},
      {"metric{label=bla} 3.14\n",
       "line 1: expected '\"' at start of label value, found 'b'"},
      {"metric{label=\n", "line 1: expected '\"' at start of label value, found '\\n'"},
      {"metric{label=\"bla\"\n", "line 1: unexpected end of label value \"bla\""},
      {"metric{label=\"bla\" x=\"y\"} 1\n", "line 1: unexpected end of label value \"bla\""},
      {"metric{label=\"bla} 1\n",
       "line 1: label value \"bla} 1\" contains unescaped new-line"},
      {"metric{label=\"a\\\n", "line 1: invalid escape sequence '\\\n'"},
      {"metric{label=\"\xff\"} 1\n", "line 1: invalid label value \"\xff\""},
      {"metric{label=\"\xc3\x28\"} 1\n", "invalid label value"},
      {"metric{label=\"\xed\xa0\x80\"} 1\n", "invalid label value"},  // surrogate
      {"# HELP m bad \\t escape\n", "line 1: invalid escape sequence '\\t'"},
      {"# TYPE s summary\ns{quantile=\"x\"} 1\n",
       "line 2: expected float as value for 'quantile' label, got \"x\""},
      {"# TYPE h histogram\nh_bucket{le=\"big\"} 1\n",
       "line 2: expected float as value for 'le' label, got \"big\""},
      {"metric 1\r\n", "expected float as value, got \"1\\r\""},
  };
  for (const ErrorCase& c : cases) {
    const std::string err = ErrorOf(c.input);
    EXPECT_THAT(err, HasSubstr(c.error)) << "input: " << c.input;
    EXPECT_THAT(err, HasSubstr("text format parsing error in line ")) << "input: " << c.input;
  }
}

TEST(ExpositionParser, ErrorsAreInvalidArgument) {
  EXPECT_EQ(ParseExposition("x y\n").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ExpositionParser, Limits) {
  ExpositionParseOptions o;
  o.max_line_bytes = 10;
  EXPECT_EQ(ErrorOf("short 1\nway_too_long_line 1\n", o),
            "text format parsing error in line 2: line longer than 10 bytes");
  o = {};
  o.max_labels_per_sample = 2;
  EXPECT_EQ(ErrorOf("m{a=\"1\",b=\"2\"} 1\n", o), "<ok>");
  EXPECT_THAT(ErrorOf("m{a=\"1\",b=\"2\",c=\"3\"} 1\n", o),
              HasSubstr("line 1: more than 2 labels for metric \"m\""));
  o = {};
  o.max_samples = 2;
  EXPECT_EQ(ErrorOf("a 1\nb 2\n", o), "<ok>");
  EXPECT_THAT(ErrorOf("a 1\nb 2\nc 3\n", o), HasSubstr("line 3: more than 2 samples"));
  auto r = ParseExposition("a 1\nb 2\nc 3\n", o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
}

// Truncating a valid document anywhere never crashes and either parses or
// fails with a line-numbered error.
TEST(ExpositionParser, EveryPrefixIsSafe) {
  const std::string doc =
      "# HELP a_total Help \\\\ \\n text.\n"
      "# TYPE a_total counter\n"
      "a_total{x=\"1\",y=\"q\\\"\\\\\\n\"} 1.5e3 1700000000000\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n";
  ASSERT_EQ(MustParse(doc).size(), 2u);
  for (size_t n = 0; n <= doc.size(); ++n) {
    auto r = ParseExposition(std::string_view(doc).substr(0, n));
    if (!r.ok()) {
      EXPECT_THAT(r.status().message(), HasSubstr("text format parsing error in line"));
    }
  }
}

// Seeded random byte edits of a valid document (a poor man's fuzzer that
// runs everywhere, ASan/UBSan included): never a crash, every error has a
// line number, every success re-parses to the same families.
TEST(ExpositionParser, RandomMutationsAreSafe) {
  const std::string doc =
      "# HELP a_total Help \\\\ \\n text.\n"
      "# TYPE a_total counter\n"
      "a_total{x=\"1\",y=\"q\\\"\"} 1.5e3 1700000000000\n"
      "# TYPE s summary\n"
      "s{quantile=\"0.5\"} 1\ns_sum 3\ns_count 2\n";
  const char kAlphabet[] = "{}=\",\\\n #\t_aZ09.+-eINx\xff\xc3";
  std::mt19937 rng(1234);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string m = doc;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (m.size() + 1);
      const char ch = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
      switch (rng() % 3) {
        case 0: m.insert(m.begin() + at, ch); break;
        case 1: if (at < m.size()) m.erase(at, 1); break;
        default: if (at < m.size()) m[at] = ch; break;
      }
    }
    auto r = ParseExposition(m);
    if (!r.ok()) {
      EXPECT_THAT(r.status().message(), HasSubstr("text format parsing error in line")) << m;
      continue;
    }
    for (const ExpositionFamily& f : *r) EXPECT_FALSE(f.samples.empty());
    const std::string written = WriteExposition(*r);
    auto again = ParseExposition(written);
    ASSERT_TRUE(again.ok()) << again.status() << "\n" << written;
    EXPECT_EQ(WriteExposition(*again), written);
  }
}

}  // namespace
}  // namespace outpost
