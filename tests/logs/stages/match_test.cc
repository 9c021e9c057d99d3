// The match stage and its LogQL selector (Promtail stages/match.go,
// match_test.go, docs stages/match.md; logentry/logql).
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "logs/stages/logql.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"
#include "stage_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

// Upstream TestMatcher: a nested stage that marks the entries it ran on.
TEST(MatchStage, MatcherTable) {
  struct Case {
    std::string selector;
    Labels labels;
    std::string action;
    bool drop, run, error;
  };
  const Labels bar{{"foo", "bar"}};
  const std::vector<Case> cases = {
      {R"({foo="bar"} |= "foo")", bar, "keep", false, true, false},
      {R"({foo="bar"} |~ "foo")", bar, "keep", false, true, false},
      {R"({foo="bar"} |= "bar")", bar, "keep", false, false, false},
      {R"({foo="bar"} |~ "bar")", bar, "keep", false, false, false},
      {R"({foo="bar"} != "bar")", bar, "keep", false, true, false},
      {R"({foo="bar"} !~ "bar")", bar, "keep", false, true, false},
      {R"({foo="bar"} != "foo")", bar, "keep", false, false, false},
      {R"({foo="bar"} |= "foo")", bar, "drop", true, false, false},
      {R"({foo="bar"} |~ "foo")", bar, "drop", true, false, false},
      {R"({foo="bar"} |= "bar")", bar, "drop", false, false, false},
      {R"({foo="bar"} |~ "bar")", bar, "drop", false, false, false},
      {R"({foo="bar"} != "bar")", bar, "drop", true, false, false},
      {R"({foo="bar"} !~ "bar")", bar, "drop", true, false, false},
      {R"({foo="bar"} != "foo")", bar, "drop", false, false, false},
      {R"({foo="bar"} !~ "[]")", bar, "drop", false, false, true},
      {"foo", bar, "keep", false, false, true},
      {"{}", bar, "keep", false, false, true},
      {"{", bar, "keep", false, false, true},
      {"", bar, "keep", false, false, true},
      {R"({foo="bar"})", bar, "keep", false, true, false},
      {R"({foo=""})", bar, "keep", false, false, false},
      {R"({foo=""})", {}, "keep", false, true, false},
      {R"({foo!="bar"})", bar, "keep", false, false, false},
      {R"({foo!="bar"})", bar, "drop", false, false, false},
      {R"({foo="bar",bar!="test"})", bar, "keep", false, true, false},
      {R"({foo="bar",bar!="test"})", bar, "drop", true, false, false},
      {R"({foo="bar",bar!="test"})", {{"foo", "bar"}, {"bar", "test"}}, "keep", false, false,
       false},
      {R"({foo="bar",bar=~"te.*"})", {{"foo", "bar"}, {"bar", "test"}}, "drop", true, false,
       false},
      {R"({foo="bar",bar=~"te.*"})", {{"foo", "bar"}, {"bar", "test"}}, "keep", false, true,
       false},
      {R"({foo="bar",bar!~"te.*"})", {{"foo", "bar"}, {"bar", "test"}}, "keep", false, false,
       false},
      {R"({foo="bar",bar!~"te.*"})", {{"foo", "bar"}, {"bar", "test"}}, "drop", false, false,
       false},
      // Label regexes are anchored (Prometheus matchers): "te" is not "test".
      {R"({bar=~"te"})", {{"bar", "test"}}, "keep", false, false, false},
      {R"({foo="bar"} |= "foo" | status >= 200)", bar, "keep", false, false, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.selector + " / " + c.action);
    YAML::Node sel(c.selector);
    std::string yaml = "- match:\n    selector: " + YAML::Dump(sel) + "\n    action: " + c.action +
                       "\n";
    if (c.action == "keep") yaml += "    stages:\n    - static_labels: {test_label: ran}\n";
    config::Errors errors;
    auto p = BuildPipeline(yaml, &errors);
    if (c.error) {
      EXPECT_EQ(p, nullptr);
      EXPECT_FALSE(errors.errors.empty());
      continue;
    }
    ASSERT_NE(p, nullptr) << errors.errors.front();
    Entry e = MakeEntry("foo", c.labels);
    Collect out;
    p->Process(e, out);
    if (c.drop) {
      EXPECT_TRUE(out.out.empty());
      EXPECT_EQ(out.dropped.size(), 1u);
      continue;
    }
    ASSERT_EQ(out.out.size(), 1u);
    EXPECT_EQ(out.out[0].labels.Has("test_label"), c.run);
  }
}

// A registry's logentry_dropped_lines_total for StageContext::dropped_lines.
struct DropCounter {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& family =
      prometheus::BuildCounter().Name("logentry_dropped_lines_total").Register(registry);
  StageContext Context() {
    StageContext ctx;
    ctx.job_name = "job";
    ctx.dropped_lines = [this](const std::string& reason) -> prometheus::Counter& {
      return family.Add({{"reason", reason}});
    };
    return ctx;
  }
  double Value(const std::string& reason) { return family.Add({{"reason", reason}}).Value(); }
};

// The documentation's example (stages/match.md) with labels set up front
// and labels/static_labels as the nested stages (json is not built here).
TEST(MatchStage, DocumentationExample) {
  DropCounter drops;
  config::Errors errors;
  auto p = BuildPipeline(R"(
- match:
    selector: '{app="loki"}'
    stages:
    - labels:
        msg: message
- match:
    pipeline_name: "app2"
    selector: '{app="pokey"}'
    action: keep
    stages:
    - static_labels:
        pokey: "yes"
- match:
    selector: '{app="promtail"} |~ ".*noisy error.*"'
    action: drop
    drop_counter_reason: promtail_noisy_error
)",
                         &errors, drops.Context());
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  Entry loki = MakeEntry(R"({"app":"loki","message":"app1 log line"})", {{"app", "loki"}});
  loki.extracted.SetString("message", "app1 log line");
  p->Process(loki, out);
  Entry noisy = MakeEntry(R"({"app":"promtail","message":"foo noisy error"})",
                          {{"app", "promtail"}});
  p->Process(noisy, out);
  Entry quiet = MakeEntry(R"({"app":"promtail","message":"all fine"})", {{"app", "promtail"}});
  p->Process(quiet, out);
  ASSERT_EQ(out.out.size(), 2u);
  EXPECT_EQ(out.out[0].labels, (Labels{{"app", "loki"}, {"msg", "app1 log line"}}));
  EXPECT_EQ(out.out[1].labels, (Labels{{"app", "promtail"}}));
  ASSERT_EQ(out.dropped.size(), 1u);
  EXPECT_EQ(out.dropped[0].line, noisy.line);
  EXPECT_EQ(drops.Value("promtail_noisy_error"), 1);
  EXPECT_EQ(drops.Value("match_stage"), 0);
}

TEST(MatchStage, DropCountsDefaultReason) {
  DropCounter drops;
  config::Errors errors;
  auto p = BuildPipeline("- match:\n    selector: '{drop=\"true\"}'\n    action: drop\n"
                         "    stages: []\n",
                         &errors, drops.Context());
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  Entry a = MakeEntry("a", {{"drop", "true"}});
  Entry b = MakeEntry("b", {{"drop", "false"}});
  p->Process(a, out);
  p->Process(b, out);
  EXPECT_EQ(out.dropped.size(), 1u);
  EXPECT_EQ(out.out.size(), 1u);
  EXPECT_EQ(drops.Value("match_stage"), 1);
}

// Stages after the match stage see what the nested stages emitted; a
// nested pipeline seeds extracted with the labels (pipeline.go Run), and
// matches nest.
TEST(MatchStage, NestedOutputContinuesOuterPipeline) {
  config::Errors errors;
  auto p = BuildPipeline(R"(
- static_labels: {env: prod}
- match:
    selector: '{env="prod"}'
    stages:
    - labels: {copy: env}
    - match:
        selector: '{copy="prod"} |= "deep"'
        stages:
        - static_labels: {deep: "1"}
- labeldrop: [env]
)",
                         &errors);
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Collect out;
  Entry e = MakeEntry("a deep line", {{"job", "j"}});
  e.extracted.SetString("env", "stale");  // overwritten by the label on entering
  p->Process(e, out);
  Entry shallow = MakeEntry("shallow", {{"job", "j"}});
  p->Process(shallow, out);
  ASSERT_EQ(out.out.size(), 2u);
  EXPECT_EQ(out.out[0].labels, (Labels{{"copy", "prod"}, {"deep", "1"}, {"job", "j"}}));
  EXPECT_EQ(out.out[1].labels, (Labels{{"copy", "prod"}, {"job", "j"}}));
  EXPECT_EQ(p->NextDeadline(), absl::InfiniteFuture());
}

// A regex in a selector: Go string escapes first, so `\d` is written `\\d`
// in the selector text (and `\\\\` inside a YAML double-quoted string,
// the Grafana Agent docs' note).
TEST(MatchStage, RegexBackslashes) {
  for (const std::string yaml : {
           "- match:\n    selector: '{app=\"a\"} |~ \"code=\\\\d+\"'\n"
           "    stages: [{static_labels: {hit: \"1\"}}]\n",
           "- match:\n    selector: \"{app=\\\"a\\\"} |~ \\\"code=\\\\\\\\d+\\\"\"\n"
           "    stages: [{static_labels: {hit: \"1\"}}]\n"}) {
    SCOPED_TRACE(yaml);
    config::Errors errors;
    auto p = BuildPipeline(yaml, &errors);
    ASSERT_NE(p, nullptr) << errors.errors.front();
    Collect out;
    Entry hit = MakeEntry("x code=42", {{"app", "a"}});
    Entry miss = MakeEntry("x code=d", {{"app", "a"}});
    p->Process(hit, out);
    p->Process(miss, out);
    ASSERT_EQ(out.out.size(), 2u);
    EXPECT_TRUE(out.out[0].labels.Has("hit"));
    EXPECT_FALSE(out.out[1].labels.Has("hit"));
  }
  // A single backslash before d is not a Go escape.
  config::Errors errors;
  EXPECT_EQ(BuildPipeline("- match:\n    selector: '{a=\"b\"} |~ \"\\d\"'\n    action: drop\n",
                          &errors),
            nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_NE(errors.errors[0].find("invalid char escape"), std::string::npos) << errors.errors[0];
}

std::string ErrorOf(const std::string& yaml) {
  config::Errors errors;
  auto p = BuildPipeline(yaml, &errors);
  if (p != nullptr || errors.errors.empty()) return "(built)";
  return errors.errors[0];
}

TEST(MatchStage, ConfigErrors) {
  EXPECT_EQ(ErrorOf("- match:\n"),
            "test.yml:1:3: pipeline_stages[0].match: match stage config cannot be empty");
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"}'\n    pipeline_name: \"\"\n"
                    "    stages: [{labeldrop: [a]}]\n"),
            "test.yml:3:20: pipeline_stages[0].match.pipeline_name: match stage pipeline name "
            "can be omitted but cannot be an empty string");
  EXPECT_EQ(ErrorOf("- match:\n    action: drop\n"),
            "test.yml:2:5: pipeline_stages[0].match: selector statement required for match "
            "stage");
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"}'\n    action: Drop\n"),
            "test.yml:3:13: pipeline_stages[0].match.action: match stage action should be "
            "'keep' or 'drop'");
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"}'\n"),
            "test.yml:2:5: pipeline_stages[0].match: match stage requires at least one "
            "additional stage to be defined in '- stages'");
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"}'\n    stages: []\n"),
            "test.yml:3:5: pipeline_stages[0].match.stages: match stage requires at least one "
            "additional stage to be defined in '- stages'");
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"}'\n    action: drop\n"
                    "    stages: [{labeldrop: [a]}]\n"),
            "test.yml:4:5: pipeline_stages[0].match.stages: match stage configured to drop "
            "entries cannot contains stages");
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"'\n    action: drop\n"),
            "test.yml:2:15: pipeline_stages[0].match.selector: invalid selector syntax for "
            "match stage: parse error at line 1, col 7: syntax error: unexpected end of input, "
            "expecting , or }");
  // Nested stages: the loader's checks, at the nested path.
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"}'\n    stages:\n    - nope: {}\n"),
            "test.yml:4:7: pipeline_stages[0].match.stages[0]: Unknown stage type: nope");
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"}'\n    stages:\n"
                    "    - {labeldrop: [a], labelallow: [b]}\n"),
            "test.yml:4:7: pipeline_stages[0].match.stages[0]: pipeline stage must contain only "
            "one key");
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"}'\n    stages:\n"
                    "    - labels:\n        bad-name: x\n"),
            "test.yml:5:9: pipeline_stages[0].match.stages[0].labels.bad-name: \"bad-name\" is "
            "not a valid label name");
  EXPECT_EQ(ErrorOf("- match:\n    selector: '{a=\"b\"}'\n    stages: {labeldrop: [a]}\n"),
            "test.yml:3:13: pipeline_stages[0].match.stages: expected a list of stages");
}

std::string ParseError(std::string_view text) {
  absl::StatusOr<LogSelector> s = LogSelector::Parse(text);
  return s.ok() ? "(ok)" : std::string(s.status().message());
}

TEST(LogSelector, Syntax) {
  absl::StatusOr<LogSelector> s = LogSelector::Parse(
      "{ a = \"x\\ty\", b!=\"\\u00e9\\x41\\101\",c=~\"v.*\" , d != \"\\\"q\\\\\"}\n"
      "  /* comment */ |= \"one\" != \"two\" // end\n |~ \"t(h)?ree\" !~ \"four\"");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->matchers().size(), 4u);
  EXPECT_EQ(s->matchers()[0].name, "a");
  EXPECT_EQ(s->matchers()[0].value, "x\ty");
  EXPECT_EQ(s->matchers()[1].op, LogSelector::Op::kNeq);
  EXPECT_EQ(s->matchers()[1].value, "\xC3\xA9" "AA");
  EXPECT_EQ(s->matchers()[2].op, LogSelector::Op::kRe);
  EXPECT_EQ(s->matchers()[3].op, LogSelector::Op::kNeq);
  EXPECT_EQ(s->matchers()[3].value, "\"q\\");
  ASSERT_EQ(s->filters().size(), 4u);
  EXPECT_EQ(s->filters()[0].op, LogSelector::Op::kEq);
  EXPECT_EQ(s->filters()[1].op, LogSelector::Op::kNeq);
  EXPECT_EQ(s->filters()[2].op, LogSelector::Op::kRe);
  EXPECT_EQ(s->filters()[3].op, LogSelector::Op::kNre);
  const Labels l{{"a", "x\ty"}, {"c", "value"}, {"d", "other"}};
  EXPECT_TRUE(s->Matches(l, "one three"));
  EXPECT_TRUE(s->Matches(l, "one tree"));
  EXPECT_FALSE(s->Matches(l, "one two three"));
  EXPECT_FALSE(s->Matches(l, "one three four"));
  EXPECT_FALSE(s->Matches(l, "three"));
  EXPECT_FALSE(s->Matches(Labels{{"a", "x\ty"}, {"c", "xvalue"}}, "one three"));
  absl::StatusOr<LogSelector> runes = LogSelector::Parse(R"({a="\u20ac\U0001F600\x7f"})");
  ASSERT_TRUE(runes.ok()) << runes.status();
  EXPECT_EQ(runes->matchers()[0].value, "\xE2\x82\xAC\xF0\x9F\x98\x80\x7f");
}

TEST(LogSelector, ErrorsNameWhatIsNotSupported) {
  EXPECT_EQ(ParseError("{}"),
            "parse error at line 1, col 2: syntax error: a stream selector needs at least one "
            "label matcher");
  EXPECT_EQ(ParseError("{a=\"b\",}"),
            "parse error at line 1, col 8: syntax error: unexpected \"}\", expecting a label "
            "name");
  EXPECT_EQ(ParseError("{a==\"b\"}"),
            "parse error at line 1, col 4: syntax error: unexpected \"=\", expecting a "
            "double-quoted string");
  EXPECT_EQ(ParseError("{a=\"b\"} | json"),
            "parse error at line 1, col 9: `| json` is not supported in a match selector: LogQL "
            "parsers, label filters and formatting stages cannot be used there, only line "
            "filters |=, !=, |~ and !~");
  EXPECT_EQ(ParseError("{a=\"b\"} |> \"<_> x\""),
            "parse error at line 1, col 9: pattern line filter `|>` is not supported in a match "
            "selector");
  EXPECT_EQ(ParseError("{a=\"b\"} !> \"<_> x\""),
            "parse error at line 1, col 9: pattern line filter `!>` is not supported in a match "
            "selector");
  EXPECT_EQ(ParseError("rate({a=\"b\"}[5m])"),
            "parse error at line 1, col 1: metric query `rate(...)` is not supported in a match "
            "selector: it takes a stream selector {...} with optional line filters");
  EXPECT_EQ(ParseError("sum by (a) (count_over_time({a=\"b\"}[1m]))"),
            "parse error at line 1, col 1: metric query `sum(...)` is not supported in a match "
            "selector: it takes a stream selector {...} with optional line filters");
  EXPECT_EQ(ParseError("foo"),
            "parse error at line 1, col 1: syntax error: unexpected \"foo\", expecting {");
  EXPECT_EQ(ParseError("{a=`b`}"),
            "parse error at line 1, col 4: syntax error: raw strings (`...`) are not accepted "
            "by Promtail's match selector; use a double-quoted string");
  EXPECT_EQ(ParseError("{a=\"b\"} |= \"x"),
            "parse error at line 1, col 12: literal not terminated");
  EXPECT_EQ(ParseError("{a=\"\\400\"}"), "parse error at line 1, col 4: invalid syntax");
  EXPECT_EQ(ParseError("{a=\"\\ud800\"}"), "parse error at line 1, col 4: invalid syntax");
  EXPECT_EQ(ParseError("{a=\"\\'\"}"), "parse error at line 1, col 4: invalid char escape");
  EXPECT_EQ(ParseError("{a=\"b\"}\n  /* x"),
            "parse error at line 2, col 3: comment not terminated");
  EXPECT_EQ(ParseError("{é=\"b\"} x"),
            "parse error at line 1, col 9: syntax error: unexpected \"x\", expecting a line "
            "filter (|=, !=, |~, !~) or the end");
  EXPECT_EQ(ParseError("{a=~\"(\"}"),
            "error parsing regexp: missing ): (: `(`");
  EXPECT_EQ(ParseError(std::string_view("{a=\"\xff\"}")),
            "parse error at line 1, col 1: invalid UTF-8 encoding");
}

// Mutated selectors (fixed seed) parse or fail cleanly; a parsed one
// matches without fault (run under the sanitizers).
TEST(LogSelector, MutatedInputsParseOrFailCleanly) {
  const std::vector<std::string> seeds = {
      R"({a="b", c!~"d.*"} |= "x" != "y" |~ "z+" !~ "\\d")",
      "{a=\"\\x41\\101\\u00e9\\U0001F600\"} /* c */ // d\n |= \"e\"",
      "{a=`b`} | json |> \"<_>\" rate(x[5m])"};
  const std::string alphabet = "{}=!~|\"`'\\,/*.[]()<>_ aZ09\n\t\xc3\xa9\xff";
  std::mt19937 rng(18);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[i % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !s.empty(); ++k) {
      const size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s.erase(at, 1); break;
        case 1: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: s[at] = alphabet[rng() % alphabet.size()]; break;
      }
    }
    absl::StatusOr<LogSelector> sel = LogSelector::Parse(s);
    if (!sel.ok()) {
      EXPECT_EQ(sel.status().message().substr(0, 6) == "parse " ||
                    sel.status().message().substr(0, 6) == "error ",
                true)
          << sel.status();
      continue;
    }
    ++parsed;
    sel->Matches(Labels{{"a", "b"}, {"c", "e"}}, s);
  }
  EXPECT_GT(parsed, 100);
}

}  // namespace
}  // namespace outpost::logs::stages
