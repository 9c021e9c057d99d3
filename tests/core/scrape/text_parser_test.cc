#include "core/scrape/text_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>


namespace outpost::scrape {
namespace {

using ::testing::HasSubstr;

std::string S(std::string_view v) { return std::string(v); }
std::string Num(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

// Renders every entry of the body, given as `pieces` of whole lines (the
// last one may end without a newline), one per line, or
// "error: <message>".
std::string WalkPieces(const std::vector<std::string_view>& pieces, Format f) {
  TextParser p(f);
  size_t next_piece = 0;
  std::string out;
  for (;;) {
    if (next_piece == 0) {
      p.SetInput(pieces.empty() ? "" : pieces[0], pieces.size() <= 1);
      next_piece = 1;
    }
    absl::StatusOr<TextParser::Entry> e = p.Next();
    if (!e.ok()) return out + "error: " + std::string(e.status().message());
    switch (*e) {
      case TextParser::Entry::kEnd:
        if (next_piece < pieces.size()) {
          p.SetInput(pieces[next_piece], next_piece + 1 == pieces.size());
          ++next_piece;
          break;
        }
        return out;
      case TextParser::Entry::kHelp:
        out += "HELP " + S(p.metric()) + " [" + S(p.help()) + "]\n";
        break;
      case TextParser::Entry::kType:
        out += "TYPE " + S(p.metric()) + " " + S(MetricTypeName(p.type())) + "\n";
        break;
      case TextParser::Entry::kUnit:
        out += "UNIT " + S(p.metric()) + " " + S(p.unit()) + "\n";
        break;
      case TextParser::Entry::kSeries: {
        Labels l;
        absl::Status st = p.Labels(&l);
        if (!st.ok()) return out + "labels error: " + std::string(st.message());
        char v[64];
        std::snprintf(v, sizeof v, "%g", p.value());
        out += S(p.series()) + " => " + l.ToString() + " " + v;
        if (p.timestamp_ms()) out += " @" + std::to_string(*p.timestamp_ms());
        if (p.has_exemplar()) {
          Exemplar ex;
          EXPECT_TRUE(p.ParseExemplar(&ex).ok());
          out += " ex" + ex.labels.ToString() + "=" + Num(ex.value);
          if (ex.timestamp_ms) out += "@" + std::to_string(*ex.timestamp_ms);
        }
        out += "\n";
        break;
      }
    }
  }
}

std::string Walk(std::string_view body, Format f) { return WalkPieces({body}, f); }
// The body one line a piece, as a scrape hands it over while it arrives.
std::string WalkLines(std::string_view body, Format f) {
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    const size_t nl = body.find('\n');
    const size_t n = nl == std::string_view::npos ? body.size() : nl + 1;
    lines.push_back(body.substr(0, n));
    body.remove_prefix(n);
  }
  return WalkPieces(lines, f);
}

std::string Text(std::string_view body) { return Walk(body, Format::kPrometheusText); }
std::string Om(std::string_view body) { return Walk(body, Format::kOpenMetrics); }

TEST(TextParserTest, TextFormat) {
  EXPECT_EQ(Text("# HELP go_gc gc \\\\ time\\nsecond\n"
                 "# TYPE go_gc summary\n"
                 "go_gc{quantile=\"0.5\"} 1.5e-05\n"
                 "go_gc_sum 3 1700000000000\n"
                 "\n"
                 "# a comment\n"
                 "#no space\n"
                 "  up  1\n"
                 "x{a=\"b\",} NaN\n"
                 "x { a = \"q\\\"\\\\\\n\" , b=\"\" } -Inf\n"
                 "# TYPE y untyped\n"
                 "y{c=\"1\",a=\"2\"} +Inf\n"
                 "z 0x1p-2"),
            "HELP go_gc [gc \\ time\nsecond]\n"
            "TYPE go_gc summary\n"
            "go_gc{quantile=\"0.5\"} => {__name__=\"go_gc\", quantile=\"0.5\"} 1.5e-05\n"
            "go_gc_sum => {__name__=\"go_gc_sum\"} 3 @1700000000000\n"
            "up => {__name__=\"up\"} 1\n"
            "x{a=\"b\",} => {__name__=\"x\", a=\"b\"} nan\n"
            "x { a = \"q\\\"\\\\\\n\" , b=\"\" } => {__name__=\"x\", a=\"q\\\"\\\\\\n\"} -inf\n"
            "TYPE y untyped\n"
            "y{c=\"1\",a=\"2\"} => {__name__=\"y\", a=\"2\", c=\"1\"} inf\n"
            "z => {__name__=\"z\"} 0.25\n");
}

TEST(TextParserTest, TextLabelsWithBlanksAndEscapes) {
  // The whole label set belongs to the series text: the cache key.
  TextParser p("x{ a = \"q\\\"\\\\\\n\" , b=\"\" } 1\n", Format::kPrometheusText);
  ASSERT_EQ(*p.Next(), TextParser::Entry::kSeries);
  EXPECT_EQ(p.series(), "x{ a = \"q\\\"\\\\\\n\" , b=\"\" }");
  Labels l;
  ASSERT_TRUE(p.Labels(&l).ok());
  EXPECT_EQ(l.Get("a"), "q\"\\\n");
  EXPECT_FALSE(l.Has("b"));
}

TEST(TextParserTest, GoFloatSyntax) {
  double v = 0;
  for (const char* ok : {"1", "-2.5e3", ".5", "5.", "+3", "NaN", "nan", "Inf", "+inf", "-Infinity",
                         "1e308", "0x1.8p1", "1E-3"}) {
    EXPECT_TRUE(ParseGoFloat(ok, &v)) << ok;
  }
  for (const char* bad : {"", "+", "--1", "1e", "abc", "+NaN", "1.2.3", "0x10", "1e999",
                          "nan(1)", "1 ", " 1", "inf1"}) {
    EXPECT_FALSE(ParseGoFloat(bad, &v)) << bad;
  }
  ASSERT_TRUE(ParseGoFloat("0x1.8p1", &v));
  EXPECT_EQ(v, 3.0);
}

TEST(TextParserTest, TextErrorsNameTheLine) {
  struct Case {
    const char* body;
    const char* error;
  } cases[] = {
      {"a 1\n{b=\"c\"} 1\n", "line 2: invalid metric name in \"{b=\"c\"} 1\""},
      {"a\n", "line 1: expected a value after metric a"},
      {"a x\n", "line 1: invalid value \"x\" of metric a"},
      {"a 1 2.5\n", "line 1: invalid timestamp \"2.5\" of metric a"},
      {"a 1 2 3\n", "line 1: unexpected text after the timestamp of metric a"},
      {"a{b=\"c\" 1\n", "line 1: expected \",\" or \"}\" after label value of metric a"},
      {"a{b=\"c} 1\n", "line 1: unterminated label value of metric a"},
      {"a{b=c} 1\n", "line 1: expected quoted label value of metric a"},
      {"a{1=\"c\"} 1\n", "line 1: invalid label name of metric a"},
      {"a{b=\"c\"", "line 1: unexpected end of label set of metric a"},
      {"# TYPE a counters\n", "line 1: invalid metric type \"counters\""},
      {"# TYPE a info\n", "line 1: invalid metric type \"info\""},
      {"# TYPE 1a counter\n", "line 1: invalid metric name in comment"},
      {"a{b=\"1\",b=\"2\"} 1\n", "labels error: label name \"b\" is not unique"},
      {"a{b=\"\xff\"} 1\n", "labels error: invalid UTF-8 label value for label b"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Text(c.body), HasSubstr(c.error)) << c.body;
  }
}

TEST(TextParserTest, ErrorIsSticky) {
  TextParser p("a x\nb 1\n", Format::kPrometheusText);
  EXPECT_FALSE(p.Next().ok());
  EXPECT_FALSE(p.Next().ok());
}

TEST(TextParserTest, OpenMetrics) {
  EXPECT_EQ(Om("# TYPE req counter\n"
               "# HELP req Requests \\\"served\\\".\n"
               "# UNIT req_seconds seconds\n"
               "req_total{code=\"200\"} 10 1520879607.789 # {trace_id=\"KOO5S4vxi0o\"} 0.67 1520879606.1\n"
               "req_created{code=\"200\"} 1520430000.123\n"
               "# TYPE st stateset\n"
               "st{st=\"a\"} 1\n"
               "# TYPE i info\n"
               "i_info{v=\"1\"} 1\n"
               "# TYPE h histogram\n"
               "h_bucket{le=\"+Inf\"} 3 # {id=\"x\"} 2\n"
               "# TYPE u unknown\n"
               "u 1\n"
               "# EOF\n"),
            "TYPE req counter\n"
            "HELP req [Requests \"served\".]\n"
            "UNIT req_seconds seconds\n"
            "req_total{code=\"200\"} => {__name__=\"req_total\", code=\"200\"} 10 @1520879607789 "
            "ex{trace_id=\"KOO5S4vxi0o\"}=0.67@1520879606100\n"
            "req_created{code=\"200\"} => {__name__=\"req_created\", code=\"200\"} 1.52043e+09\n"
            "TYPE st stateset\n"
            "st{st=\"a\"} => {__name__=\"st\", st=\"a\"} 1\n"
            "TYPE i info\n"
            "i_info{v=\"1\"} => {__name__=\"i_info\", v=\"1\"} 1\n"
            "TYPE h histogram\n"
            "h_bucket{le=\"+Inf\"} => {__name__=\"h_bucket\", le=\"+Inf\"} 3 ex{id=\"x\"}=2\n"
            "TYPE u untyped\n"
            "u => {__name__=\"u\"} 1\n");
  EXPECT_EQ(Om("a 1\n# EOF"), "a => {__name__=\"a\"} 1\n");
}

TEST(TextParserTest, OpenMetricsErrors) {
  struct Case {
    std::string body;
    const char* error;
  } cases[] = {
      {"a 1\n", "error: line 2: data does not end with # EOF"},
      {"a 1\n# EOF\nb 1\n", "error: line 3: unexpected data after # EOF"},
      {"a 1\n\n# EOF\n", "error: line 2: unexpected empty line"},
      {"# random comment\n# EOF\n", "error: line 1: invalid comment"},
      {"a  1\n# EOF\n", "error: line 1: invalid value \"\" of metric a"},
      {"a{b=\"c\",} 1\n# EOF\n", "error: line 1: unexpected \"}\" after \",\""},
      {"a 1 # {x=\"y\"}\n# EOF\n", "exemplar without a value"},
      {"a 1 NaN\n# EOF\n", "error: line 1: invalid timestamp \"NaN\" of metric a"},
      {"# TYPE a untyped\n# EOF\n", "error: line 1: invalid metric type \"untyped\""},
      {"a 1 # {x=\"" + std::string(130, 'y') + "\"} 1\n# EOF\n", "longer than 128 characters"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Om(c.body), HasSubstr(c.error)) << c.body;
  }
}

// Fed one line at a time, the parser finds what it finds in the whole body:
// the same entries, the same line numbers in errors, OpenMetrics' # EOF
// checked at the end of the last piece only.
TEST(TextParserTest, PiecesOfLinesParseAsTheWholeBody) {
  const std::string bodies[] = {
      "# HELP a An \\\\ a.\n# TYPE a counter\na_total{x=\"1\"} 5\n  b 2 17\n#c\n\nc{} 4",
      "a 1\nbroken\n",
      "a 1\n# EOF\n",
      "a 1\n",
      "a 1\n# EOF\nb 1\n",
      "a 1\n\n# EOF\n",
      "# TYPE r counter\nr_total 7 1.5 # {t=\"x\"} 1 1\n# EOF",
      "",
  };
  for (const std::string& b : bodies) {
    for (Format f : {Format::kPrometheusText, Format::kOpenMetrics}) {
      EXPECT_EQ(WalkLines(b, f), Walk(b, f)) << b;
    }
  }
  // A piece that ends the body without # EOF is the error, not one before.
  EXPECT_EQ(WalkPieces({"a 1\n", "b 1\n", "# EOF\n"}, Format::kOpenMetrics),
            "a => {__name__=\"a\"} 1\nb => {__name__=\"b\"} 1\n");
  EXPECT_EQ(WalkPieces({"a 1\n", "b 1\n"}, Format::kOpenMetrics),
            "a => {__name__=\"a\"} 1\nb => {__name__=\"b\"} 1\n"
            "error: line 3: data does not end with # EOF");
}

TEST(TextParserTest, ContentType) {
  EXPECT_EQ(FormatFromContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            Format::kOpenMetrics);
  EXPECT_EQ(FormatFromContentType("text/plain; version=0.0.4"), Format::kPrometheusText);
  EXPECT_EQ(FormatFromContentType(""), Format::kPrometheusText);
}

TEST(TextParserTest, TruncatedInputNeverCrashes) {
  const std::string body =
      "# HELP a h\\n\n# TYPE a histogram\na_bucket{le=\"1\",x=\"a\\\"b\"} 1 123\n"
      "a_sum 2\n# UNIT a s\nb 1 # {t=\"1\"} 2 3\n# EOF\n";
  for (Format f : {Format::kPrometheusText, Format::kOpenMetrics}) {
    for (size_t n = 0; n <= body.size(); ++n) {
      Walk(std::string(body.substr(0, n)), f);  // the sanitizer build checks the bounds
    }
  }
}

}  // namespace
}  // namespace outpost::scrape
