// The replace stage: upstream's replace_test.go rows and the examples of
// its documentation (docs/sources/send-data/promtail/stages/replace.md).
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "stage_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

std::map<std::string, std::string> Map(const Extracted& x) {
  std::map<std::string, std::string> m;
  for (size_t i = 0; i < x.size(); ++i) m[std::string(x.key(i))] = x.value(i).text;
  return m;
}

// Runs `yaml` on one entry without labels; the entry that comes out.
Entry RunReplace(const std::string& yaml, const std::string& line) {
  config::Errors errors;
  auto p = BuildPipeline(yaml, &errors);
  EXPECT_NE(p, nullptr) << ::testing::PrintToString(errors.errors);
  if (p == nullptr) return Entry{};
  Collect c;
  Entry e = MakeEntry(line, {});
  p->Process(e, c);
  EXPECT_EQ(c.out.size(), 1u);
  return c.out.empty() ? Entry{} : c.out[0];
}

const char kLine[] =
    R"(11.11.11.11 - frank [25/Jan/2000:14:00:01 -0500] "GET /1986.js HTTP/1.1" 200 932 "-" )"
    R"("Mozilla/5.0 (Windows; U; Windows NT 5.1; de; rv:1.9.1.7) Gecko/20091221 Firefox/3.5.7 GTB6")";
const char kUpper[] =
    R"(11.11.11.11 - FRANK [25/JAN/2000:14:00:01 -0500] "GET /1986.JS HTTP/1.1" HttpStatusOk 932 "-" )"
    R"("MOZILLA/5.0 (WINDOWS; U; WINDOWS NT 5.1; DE; RV:1.9.1.7) GECKO/20091221 FIREFOX/3.5.7 GTB6")";
const char kUserAgentUpper[] =
    "MOZILLA/5.0 (WINDOWS; U; WINDOWS NT 5.1; DE; RV:1.9.1.7) GECKO/20091221 FIREFOX/3.5.7 GTB6";
const char kStatusTemplate[] =
    R"Y('{{ if eq .Value "200" }}{{ Replace .Value "200" "HttpStatusOk" -1 }}{{ else }}{{ .Value | ToUpper }}{{ end }}')Y";

// A replace stage with `expression` (YAML double-quoted) and `tmpl`
// (YAML text) on kLine.
Entry RunOnAccessLog(const std::string& expression, const std::string& tmpl) {
  return RunReplace("- replace:\n    expression: " + expression + "\n    replace: " + tmpl + "\n",
                    kLine);
}

// The named groups of upstream's access log row after kStatusTemplate.
const std::map<std::string, std::string> kNamedUpper = {
    {"ip", "11.11.11.11"},
    {"identd", "-"},
    {"user", "FRANK"},
    {"timestamp", "25/JAN/2000:14:00:01 -0500"},
    {"action", "GET"},
    {"path", "/1986.JS"},
    {"protocol", "HTTP/1.1"},
    {"status", "HttpStatusOk"},
    {"referer", "-"},
    {"useragent", kUserAgentUpper},
};

TEST(ReplaceStage, WithoutSource) {
  Entry e = RunOnAccessLog(R"Y("11.11.11.11 - (\\S+) .*")Y", R"Y("dummy")Y");
  std::string want = kLine;
  want.replace(14, 5, "dummy");
  EXPECT_EQ(e.line, want);
  EXPECT_TRUE(Map(e.extracted).empty());
}

TEST(ReplaceStage, DocsPassword) {
  Entry e = RunReplace(R"Y(
- replace:
    expression: "password (\\S+)"
    replace: "****"
)Y", "2019-01-01T01:00:00.000000001Z stderr P i'm a log message who has sensitive "
     "information with password xyz!");
  EXPECT_EQ(e.line, "2019-01-01T01:00:00.000000001Z stderr P i'm a log message who has sensitive "
                    "information with password ****");  // \S+ took the "!" too
}

TEST(ReplaceStage, WithSource) {
  const std::string line =
      R"({"time":"2019-01-01T01:00:00.000000001Z", "level": "info", "msg": "11.11.11.11 - \"POST )"
      R"(/loki/api/push/ HTTP/1.1\" 200 932 \"-\" \"Mozilla/5.0\""})";
  Entry e = RunReplace(R"Y(
- json:
    expressions:
      level:
      msg:
- replace:
    expression: "\\S+ - \"POST (\\S+) .*"
    source: msg
    replace: "/loki/api/v1/push/"
)Y", line);
  EXPECT_EQ(e.line, line);
  EXPECT_EQ(Map(e.extracted),
            (std::map<std::string, std::string>{
                {"level", "info"},
                {"msg", R"(11.11.11.11 - "POST /loki/api/v1/push/ HTTP/1.1" 200 932 "-" "Mozilla/5.0")"}}));
}

TEST(ReplaceStage, TemplateOverUnnamedGroups) {
  // The docs show the user unchanged; upstream's test (and its code) upper-
  // case every group that is not "200".
  Entry e = RunOnAccessLog(
      R"Y("^(\\S+) (\\S+) (\\S+) \\[([\\w:/]+\\s[+\\-]\\d{4})\\] \"(\\S+)\\s?(\\S+)?\\s?(\\S+)?\" (\\d{3}|-) (\\d+|-)\\s?\"?([^\"]*)\"?\\s?\"?([^\"]*)?\"?$")Y",
      kStatusTemplate);
  EXPECT_EQ(e.line, kUpper);
  EXPECT_TRUE(Map(e.extracted).empty());
}

TEST(ReplaceStage, NamedGroupsGoToExtracted) {
  Entry e = RunOnAccessLog(
      R"Y("^(?P<ip>\\S+) (?P<identd>\\S+) (?P<user>\\S+) \\[(?P<timestamp>[\\w:/]+\\s[+\\-]\\d{4})\\] \"(?P<action>\\S+)\\s?(?P<path>\\S+)?\\s?(?P<protocol>\\S+)?\" (?P<status>\\d{3}|-) (\\d+|-)\\s?\"?(?P<referer>[^\"]*)\"?\\s?\"?(?P<useragent>[^\"]*)?\"?$")Y",
      kStatusTemplate);
  EXPECT_EQ(e.line, kUpper);
  EXPECT_EQ(Map(e.extracted), kNamedUpper);

}

TEST(ReplaceStage, NestedGroupsAreReplacedOnce) {
  Entry e = RunOnAccessLog(
      R"Y("(?P<ip_user>^(?P<ip>\\S+) (?P<identd>\\S+) (?P<user>\\S+)) \\[(?P<timestamp>[\\w:/]+\\s[+\\-]\\d{4})\\] \"(?P<action_path>(?P<action>\\S+)\\s?(?P<path>\\S+)?)\\s?(?P<protocol>\\S+)?\" (?P<status>\\d{3}|-) (\\d+|-)\\s?\"?(?P<referer>[^\"]*)\"?\\s?\"?(?P<useragent>[^\"]*)?\"?$")Y",
      kStatusTemplate);
  EXPECT_EQ(e.line, kUpper);
  auto want = kNamedUpper;
  want["ip_user"] = "11.11.11.11 - FRANK";
  want["action_path"] = "GET /1986.JS";
  EXPECT_EQ(Map(e.extracted), want);
}

TEST(ReplaceStage, DocsNamedAndUnnamedGroups) {
  // The docs' list says status 200 and size 932 as they are: ToUpper keeps
  // digits; the unnamed user group is replaced but not extracted.
  Entry e = RunOnAccessLog(
      R"Y("^(?P<ip>\\S+) (?P<identd>\\S+) (\\S+) \\[(?P<timestamp>[\\w:/]+\\s[+\\-]\\d{4})\\] \"(?P<action>\\S+)\\s?(?P<path>\\S+)?\\s?(?P<protocol>\\S+)?\" (?P<status>\\d{3}|-) (?P<size>\\d+|-)\\s?\"?(?P<referer>[^\"]*)\"?\\s?\"?(?P<useragent>[^\"]*)?\"?$")Y",
      "'{{ .Value | ToUpper }}'");
  std::string want_line = kUpper;
  want_line.replace(want_line.find("HttpStatusOk"), 12, "200");
  EXPECT_EQ(e.line, want_line);
  auto want = kNamedUpper;
  want.erase("user");
  want["status"] = "200";
  want["size"] = "932";
  EXPECT_EQ(Map(e.extracted), want);
}

TEST(ReplaceStage, EmptyReplaceRemovesTheGroup) {
  Entry e = RunOnAccessLog(R"Y("11.11.11.11 - (\\S+\\s)")Y", R"Y("")Y");
  std::string want = kLine;
  want.erase(14, 6);
  EXPECT_EQ(e.line, want);
}

TEST(ReplaceStage, EveryMatchAndAdjacentGroups) {
  EXPECT_EQ(RunReplace("- replace:\n    expression: '(a|b|c)'\n    replace: ''\n", "abc").line, "");
  EXPECT_EQ(RunReplace("- replace:\n    expression: '(\\d+)'\n    replace: '<{{ .Value }}>'\n", "a1b22c").line,
            "a<1>b<22>c");
  // Empty matches: Go's FindAll skips one right after a match.
  EXPECT_EQ(RunReplace("- replace:\n    expression: '(x*)'\n    replace: '-'\n", "axxb").line, "-a-b-");
  EXPECT_EQ(RunReplace("- replace:\n    expression: '(é*)'\n    replace: '-'\n", "éa").line, "-a-");
}

TEST(ReplaceStage, NoGroupNoMatchAndTemplateData) {
  // Without capture groups upstream replaces nothing.
  EXPECT_EQ(RunReplace("- replace:\n    expression: 'secret'\n    replace: 'x'\n", "a secret").line,
            "a secret");
  EXPECT_EQ(RunReplace("- replace:\n    expression: '(zzz)'\n    replace: 'x'\n", "abc").line, "abc");
  // The template sees the extracted map; an unmatched optional group is
  // left alone.
  Entry e = RunReplace(R"Y(
- regex:
    expression: '^(?P<lvl>\w+)'
- replace:
    expression: 'k=(\w+)(x)?'
    replace: '{{ .lvl }}:{{ .Value }}'
)Y", "warn k=v");
  EXPECT_EQ(e.line, "warn k=warn:v");
  // A missing or null source: no change.
  EXPECT_EQ(RunReplace("- replace:\n    expression: '(a)'\n    source: nope\n    replace: 'x'\n", "a").line,
            "a");
  e = RunReplace(R"Y(
- json:
    expressions: {n: n}
- replace:
    expression: '(\d)'
    source: n
    replace: '<{{ .Value }}>'
)Y", R"({"n": 12})");
  EXPECT_EQ(Map(e.extracted)["n"], "<1><2>");
}

TEST(ReplaceStage, ConfigErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"- replace:\n", "expression is required"},
      {"- replace: {}\n", "expression is required"},
      {"- replace:\n    expression: '(?P<ts[0-9]+).*'\n",
       "could not compile regular expression: invalid named capture group"},
      {"- replace:\n    expression: '(?P<ts>[0-9]+).*'\n    source: ''\n",
       "empty source in replace stage"},
      {"- replace:\n    expression: '(a)'\n    replace: '{{ printf .Value }}'\n", "printf"},
  };
  for (const auto& [yaml, want] : cases) testing::ExpectOneBuildError(yaml, want);
  config::Errors errors;
  EXPECT_NE(BuildPipeline("- replace:\n    expression: '(a)'\n    source: log\n", &errors), nullptr);
}

}  // namespace
}  // namespace outpost::logs::stages
