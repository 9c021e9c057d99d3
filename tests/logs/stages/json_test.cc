// Table tests of the json stage (Promtail docs stages/json.md and
// json_test.go examples), the JMESPath subset, Go's re-marshalling, and the
// json pipelines of corpus files 11, 15 and 34.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "logs/stages/go_json.h"
#include "logs/stages/jmespath.h"
#include "stage_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;
using Kind = Value::Kind;

// Runs `yaml` on `line`; the one entry that comes out (or is dropped).
Entry RunJson(const std::string& yaml, const std::string& line, bool* dropped = nullptr) {
  config::Errors errors;
  auto p = BuildPipeline(yaml, &errors);
  EXPECT_NE(p, nullptr) << (errors.errors.empty() ? "" : errors.errors.front());
  if (p == nullptr) return {};
  Entry e = MakeEntry(line);
  Collect c;
  p->Process(e, c);
  if (dropped != nullptr) *dropped = !c.dropped.empty();
  if (!c.dropped.empty()) return c.dropped[0];
  EXPECT_EQ(c.out.size(), 1u);
  return c.out.empty() ? Entry{} : c.out[0];
}

// "kind:text" of an extracted key, "absent" when missing.
std::string Get(const Entry& e, const std::string& key) {
  const Value* v = e.extracted.Find(key);
  if (v == nullptr) return "absent";
  static const char* kNames[] = {"string", "number", "bool", "null"};
  return std::string(kNames[static_cast<int>(v->kind)]) + ":" + v->text;
}

TEST(JsonStage, DocsExampleDockerLine) {
  const Entry e = RunJson(R"(
- json:
    expressions:
      output: log
      stream: stream
      timestamp: time
)",
                          R"({"log":"log message\n","stream":"stderr",)"
                          R"("time":"2019-04-30T02:12:41.8443515Z"})");
  EXPECT_EQ(Get(e, "output"), "string:log message\n");
  EXPECT_EQ(Get(e, "stream"), "string:stderr");
  EXPECT_EQ(Get(e, "timestamp"), "string:2019-04-30T02:12:41.8443515Z");
  EXPECT_EQ(Get(e, "filename"), "string:/var/log/x.log");
  EXPECT_EQ(e.line,
            R"({"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"})");
}

TEST(JsonStage, DocsExampleSourceOfExtracted) {
  const Entry e = RunJson(R"(
- json:
    expressions:
      extra:
- json:
    expressions:
      user:
    source: extra
)",
                      R"({"time":"2019-04-30T02:12:41.8443515Z","extra":"{\"user\":\"marco\"}"})");
  EXPECT_EQ(Get(e, "extra"), R"(string:{"user":"marco"})");
  EXPECT_EQ(Get(e, "user"), "string:marco");
}

constexpr char kLogLine[] = R"({
  "time":"2012-11-01T22:08:41+00:00",
  "app":"loki",
  "component": ["parser","type"],
  "level" : "WARN",
  "nested" : {"child":"value"},
  "duration" : 125,
  "message" : "this is a log line",
  "complex" : {
    "log" : {"array":[{"test1":"test2"},{"test3":"test4"}],"prop":"value",
             "prop.with.period":"value"}
  }
})";

TEST(JsonStage, UpstreamTestLineTypesAndPaths) {
  const Entry e = RunJson(R"(
- json:
    expressions:
      out: message
      app:
      nested:
      duration:
      component:
      unknown:
      prop: complex.log.prop
      array: complex.log.array[1].test3
      last: complex.log.array[-1].test3
      period: complex.log."prop.with.period"
      first: component[0]
      outside: component[2]
)",
                      kLogLine);
  EXPECT_EQ(Get(e, "out"), "string:this is a log line");
  EXPECT_EQ(Get(e, "app"), "string:loki");
  EXPECT_EQ(Get(e, "nested"), R"(string:{"child":"value"})");
  EXPECT_EQ(Get(e, "duration"), "number:125");
  EXPECT_EQ(e.extracted.Find("duration")->number, 125);
  EXPECT_EQ(Get(e, "component"), R"(string:["parser","type"])");
  EXPECT_EQ(Get(e, "unknown"), "null:");
  EXPECT_EQ(Get(e, "prop"), "string:value");
  EXPECT_EQ(Get(e, "array"), "string:test4");
  EXPECT_EQ(Get(e, "last"), "string:test4");
  EXPECT_EQ(Get(e, "period"), "string:value");
  EXPECT_EQ(Get(e, "first"), "string:parser");
  EXPECT_EQ(Get(e, "outside"), "null:");
}

TEST(JsonStage, ValuesAsGoHasThem) {
  const Entry e = RunJson(R"(
- json:
    expressions:
      t: t
      f: f
      n: n
      big: big
      small: small
      neg: neg
      huge: huge
      obj: obj
      dup: dup
      s: s
)",
                      R"({"t":true,"f":false,"n":null,"big":1e21,"small":1.5e-7,"neg":-0.25,)"
                      R"("huge":123456789012345678901234,"dup":1,"dup":2,)"
                          R"("obj":{"z":[1],"a":{"y":1,"b":null},"z":true},)"
                          R"("s":"x\"12345678901234567890123\"y"})");
  EXPECT_EQ(Get(e, "t"), "bool:true");
  EXPECT_EQ(Get(e, "f"), "bool:false");
  EXPECT_EQ(Get(e, "n"), "null:");
  EXPECT_EQ(Get(e, "big"), "number:1000000000000000000000");
  EXPECT_EQ(Get(e, "small"), "number:0.00000015");
  EXPECT_EQ(Get(e, "neg"), "number:-0.25");
  EXPECT_EQ(Get(e, "huge"), "number:123456789012345690000000");
  EXPECT_EQ(Get(e, "dup"), "number:2");
  EXPECT_EQ(Get(e, "s"), "string:x\"12345678901234567890123\"y");
  // Keys sorted, the last of duplicates, Go's numbers and HTML escaping.
  EXPECT_EQ(Get(e, "obj"), R"(string:{"a":{"b":null,"y":1},"z":true})");
}

TEST(JsonStage, ReMarshalledArrayAsGoWritesIt) {
  const Entry e = RunJson("- json:\n    expressions:\n      a:\n",
                      R"({"a":[1.0,1e21,1e-7,-0.0,2.5e-6,"<a&b>\u2028\u0001\t\"\\",{}]})");
  EXPECT_EQ(Get(e, "a"),
            R"(string:[1,1e+21,1e-7,-0,0.0000025,"\u003ca\u0026b\u003e\u2028\u0001\t\"\\",{}])");
}

TEST(JsonStage, InvalidUtf8IsReplacedNotMalformed) {
  const Entry e = RunJson("- json:\n    expressions:\n      a:\n      o:\n",
                      "{\"a\":\"x\xffy\",\"o\":[\"\xc3\"]}");
  EXPECT_EQ(Get(e, "a"), "string:x\xef\xbf\xbdy");
  EXPECT_EQ(Get(e, "o"), "string:[\"\\ufffd\"]");
}

TEST(JsonStage, MalformedPassesOrIsDropped) {
  const std::string keep = "- json:\n    expressions:\n      a:\n";
  const std::string drop = keep + "    drop_malformed: true\n";
  for (const std::string line :
       {"not json", "", "[1,2]", "\"str\"", "42", "{\"a\":1} trailing", "{\"a\":", "{'a':1}"}) {
    bool dropped = true;
    Entry e = RunJson(keep, line, &dropped);
    EXPECT_FALSE(dropped) << line;
    EXPECT_EQ(e.line, line);
    EXPECT_EQ(Get(e, "a"), "absent") << line;
    RunJson(drop, line, &dropped);
    EXPECT_TRUE(dropped) << line;
  }
  // null unmarshals into a nil map: every expression finds nothing.
  bool dropped = true;
  EXPECT_EQ(Get(RunJson(drop, " null ", &dropped), "a"), "null:");
  EXPECT_FALSE(dropped);
}

TEST(JsonStage, MissingOrNullSourceLeavesEntryAlone) {
  const std::string yaml = "- json:\n    expressions:\n      a:\n    source: src\n"
                           "    drop_malformed: true\n";
  bool dropped = true;
  Entry e = RunJson(yaml, R"({"a":1})", &dropped);
  EXPECT_FALSE(dropped);
  EXPECT_EQ(Get(e, "a"), "absent");
  config::Errors errors;
  auto p = BuildPipeline(yaml, &errors);
  ASSERT_NE(p, nullptr);
  Entry in = MakeEntry("x");
  in.extracted.Put("src").kind = Kind::kNull;
  Collect c;
  p->Process(in, c);
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(Get(c.out[0], "a"), "absent");
  // A number source is its text: not an object, so malformed.
  in = MakeEntry("x");
  Value& num = in.extracted.Put("src");
  num.kind = Kind::kNumber;
  num.text = "5";
  Collect d;
  p->Process(in, d);
  EXPECT_EQ(d.dropped.size(), 1u);
}

TEST(JsonStage, ConfigErrors) {
  struct Case {
    const char* yaml;
    const char* error;
  } cases[] = {
      {"- json:\n",
       "test.yml:1:3: pipeline_stages[0].json.expressions: JMES expression is required"},
      {"- json:\n    expressions: {}\n",
       "test.yml:2:18: pipeline_stages[0].json.expressions: JMES expression is required"},
      {"- json:\n    expressions:\n      a:\n    source: \"\"\n",
       "test.yml:4:13: pipeline_stages[0].json.source: empty source"},
      {"- json:\n    expressions:\n      a: b[*]\n",
       "test.yml:3:10: pipeline_stages[0].json.expressions.a: json stage: unsupported JMESPath "
       "expression b[*]: wildcard `[*]`"},
      {"- json:\n    expressions:\n      user-agent:\n",
       "test.yml:3:7: pipeline_stages[0].json.expressions.user-agent: could not compile JMES "
       "expression user-agent: unexpected character '-' at offset 4"},
      {"- json:\n    expressions:\n      a: [x]\n",
       "test.yml:3:10: pipeline_stages[0].json.expressions.a: expected a string, got a list"},
  };
  for (const Case& c : cases) {
    config::Errors errors;
    EXPECT_EQ(BuildPipeline(c.yaml, &errors), nullptr) << c.yaml;
    ASSERT_FALSE(errors.errors.empty()) << c.yaml;
    EXPECT_EQ(errors.errors[0], c.error);
  }
}

TEST(Jmespath, Subset) {
  using jmespath::Compile;
  using jmespath::Status;
  std::vector<jmespath::Step> steps;
  std::string what;
  ASSERT_EQ(Compile(R"( a . "b-c\n\u00e9" [ -2 ][0].d_1 )", &steps, &what), Status::kOk) << what;
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].field, "a");
  EXPECT_EQ(steps[1].field, "b-c\n\xc3\xa9");
  EXPECT_TRUE(steps[2].is_index);
  EXPECT_EQ(steps[2].index, -2);
  EXPECT_EQ(steps[3].index, 0);
  EXPECT_EQ(steps[4].field, "d_1");
  ASSERT_EQ(Compile("[3]", &steps, &what), Status::kOk);
  for (const char* unsupported :
       {"a.*", "*", "a[*]", "a[]", "a[?b==`1`]", "a[1:2]", "a | b", "length(a)", "a.[b, c]",
        "{x: a}", "`1`", "'raw'", "a || b", "a && b", "!a", "@", "&a", "(a)", "a.{x: b}",
        "a == b"}) {
    EXPECT_EQ(Compile(unsupported, &steps, &what), Status::kUnsupported) << unsupported;
  }
  for (const char* bad : {"", "a.", "a..b", "1a", "a-b", "\"open", "a[", "a[1", "a[x", "a b",
                          "\"\\q\"", "a.1"}) {
    EXPECT_NE(Compile(bad, &steps, &what), Status::kOk) << bad;
  }
}

TEST(GoJson, FloatForms) {
  const auto f = [](double v) {
    std::string s;
    AppendGoFloatF(s, v);
    return s;
  };
  const auto j = [](double v) {
    std::string s;
    AppendGoJsonFloat(s, v);
    return s;
  };
  EXPECT_EQ(f(0), "0");
  EXPECT_EQ(f(-0.0), "-0");
  EXPECT_EQ(f(125), "125");
  EXPECT_EQ(f(0.1), "0.1");
  EXPECT_EQ(f(1.5e-7), "0.00000015");
  EXPECT_EQ(f(123.456), "123.456");
  EXPECT_EQ(f(1e23), "100000000000000000000000");
  EXPECT_EQ(f(5e-324), "0." + std::string(323, '0') + "5");
  EXPECT_EQ(j(1e20), "100000000000000000000");
  EXPECT_EQ(j(1e21), "1e+21");
  EXPECT_EQ(j(1.25e-7), "1.25e-7");
  EXPECT_EQ(j(1e-6), "0.000001");
  EXPECT_EQ(j(-1e100), "-1e+100");
  EXPECT_EQ(j(5e-324), "5e-324");
}

// Corpus file 11 (windows_events jobs): json then labels.
TEST(JsonStage, Corpus11Pipeline) {
  const Entry e = RunJson(R"(
- json:
    expressions:
      source: source
- labels:
    source:
)",
                          R"({"source":"Service Control Manager","channel":"System",)"
                          R"("event_id":7036})");
  EXPECT_EQ(e.labels,
            (Labels{{"filename", "/var/log/x.log"}, {"source", "Service Control Manager"}}));
}

// Corpus file 15 (AdGuard Home query log): the json stages; the regex
// between them (the lead's stage) is replaced by setting rule0 by hand.
TEST(JsonStage, Corpus15Pipeline) {
  config::Errors errors;
  auto p = BuildPipeline(R"(
- json:
    expressions:
      T:
      Elapsed:
      QH:
      QT:
      QC:
      CP:
      Upstream:
      Result:
- json:
    expressions:
      IsFiltered:
      Reason:
      Rules:
    source: Result
)",
                         &errors);
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Entry e = MakeEntry(
      R"({"T":"2023-01-02T10:11:12.123456789+01:00","QH":"ads.example.com","QT":"A","QC":"IN",)"
      R"("CP":"","Answer":"AAA=","Result":{"IsFiltered":true,"Reason":3,)"
      R"("Rules":[{"FilterListID":91,"Text":"||ads.example.com^"}]},"Elapsed":1234567,)"
      R"("Upstream":"https://dns.example:443/dns-query"})");
  Collect c;
  p->Process(e, c);
  ASSERT_EQ(c.out.size(), 1u);
  const Entry& o = c.out[0];
  EXPECT_EQ(Get(o, "T"), "string:2023-01-02T10:11:12.123456789+01:00");
  EXPECT_EQ(Get(o, "Elapsed"), "number:1234567");
  EXPECT_EQ(Get(o, "QH"), "string:ads.example.com");
  EXPECT_EQ(Get(o, "QT"), "string:A");
  EXPECT_EQ(Get(o, "QC"), "string:IN");
  EXPECT_EQ(Get(o, "CP"), "string:");
  EXPECT_EQ(Get(o, "Upstream"), "string:https://dns.example:443/dns-query");
  EXPECT_EQ(Get(o, "Result"),
            R"(string:{"IsFiltered":true,"Reason":3,)"
            R"("Rules":[{"FilterListID":91,"Text":"||ads.example.com^"}]})");
  EXPECT_EQ(Get(o, "IsFiltered"), "bool:true");
  EXPECT_EQ(Get(o, "Reason"), "number:3");
  EXPECT_EQ(Get(o, "Rules"), R"(string:[{"FilterListID":91,"Text":"||ads.example.com^"}])");
  // What the regex `\[(?P<rule0>.+)]` takes from Rules, then the last json.
  auto last = BuildPipeline("- json:\n    expressions:\n      FilterListID:\n    source: rule0\n",
                            &errors);
  ASSERT_NE(last, nullptr);
  Entry r = c.out[0];
  r.extracted.SetString("rule0", R"({"FilterListID":91,"Text":"||ads.example.com^"})");
  Collect d;
  last->Process(r, d);
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(Get(d.out[0], "FilterListID"), "number:91");
}

// Corpus file 34 (Laravel/Monolog JSON logs): json then labels.
TEST(JsonStage, Corpus34Pipeline) {
  const Entry e = RunJson(R"(
- json:
    expressions:
      channel: channel
      level: level_name
      timestamp: datetime
- labels:
    channel:
    level:
)",
                          R"({"message":"User logged in","context":{"id":7},"level":200,)"
                          R"("level_name":"INFO","channel":"production",)"
                          R"("datetime":"2024-03-01T12:00:00+00:00","extra":{}})");
  EXPECT_EQ(Get(e, "timestamp"), "string:2024-03-01T12:00:00+00:00");
  EXPECT_EQ(e.labels, (Labels{{"filename", "/var/log/x.log"}, {"channel", "production"},
                              {"level", "INFO"}}));
}

// Not an assertion: how fast json (5 fields) runs on a ~200-byte line.
TEST(JsonStage, TimingFiveFields) {
  config::Errors errors;
  auto p = BuildPipeline(R"(
- json:
    expressions:
      level:
      msg:
      ts:
      caller:
      status: http.status
)",
                         &errors);
  ASSERT_NE(p, nullptr);
  const std::string line =
      R"({"ts":"2024-03-01T12:00:00.123456Z","level":"info","caller":"server/handler.go:142",)"
      R"("msg":"request served","http":{"method":"GET","path":"/api/v1/items","status":200},)"
      R"("duration_ms":12.5,"user":"u-1234"})";
  class Null final : public Output {
   public:
    void Emit(Entry&) override { ++n; }
    void Dropped(const Entry&) override {}
    size_t n = 0;
  } sink;
  Entry e = MakeEntry(line);
  constexpr int kLines = 200000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kLines; ++i) {
    e.line.assign(line);
    p->Process(e, sink);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("json 5 fields, %zu-byte line: %.0f lines/s\n", line.size(), kLines / s);
  EXPECT_EQ(sink.n, static_cast<size_t>(kLines));
  EXPECT_EQ(Get(e, "status"), "number:200");
}

}  // namespace
}  // namespace outpost::logs::stages
