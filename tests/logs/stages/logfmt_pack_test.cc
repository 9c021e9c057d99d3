// Table tests of the logfmt and pack stages (Promtail docs stages/logfmt.md,
// pack.md; logfmt_test.go, pack_test.go; go-logfmt's decoder behaviour).
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "stage_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

Entry RunOne(const std::string& yaml, Entry e) {
  config::Errors errors;
  auto p = BuildPipeline(yaml, &errors);
  EXPECT_NE(p, nullptr) << (errors.errors.empty() ? "" : errors.errors.front());
  if (p == nullptr) return {};
  Collect c;
  p->Process(e, c);
  EXPECT_EQ(c.out.size(), 1u);
  return c.out.empty() ? Entry{} : c.out[0];
}

std::string Get(const Entry& e, const std::string& key) {
  const Value* v = e.extracted.Find(key);
  return v == nullptr ? "<absent>" : v->text;
}

TEST(LogfmtStage, DocsExample) {
  const Entry e = RunOne(R"(
- logfmt:
    mapping:
      timestamp: time
      app:
      duration:
      unknown:
)",
                         MakeEntry("time=2012-11-01T22:08:41+00:00 app=loki level=WARN "
                                   "duration=125 message=\"this is a log line\" "
                                   "extra=\"user=foo\""));
  EXPECT_EQ(Get(e, "timestamp"), "2012-11-01T22:08:41+00:00");
  EXPECT_EQ(Get(e, "app"), "loki");
  EXPECT_EQ(Get(e, "duration"), "125");
  EXPECT_EQ(Get(e, "unknown"), "<absent>");
  EXPECT_EQ(Get(e, "level"), "<absent>");
}

TEST(LogfmtStage, DocsExampleSource) {
  const Entry e = RunOne(R"(
- logfmt:
    mapping:
      extra:
- logfmt:
    mapping:
      user:
    source: extra
)",
                         MakeEntry("time=2012-11-01T22:08:41+00:00 app=loki level=WARN "
                                   "duration=125 message=\"this is a log line\" "
                                   "extra=\"user=foo\""));
  EXPECT_EQ(Get(e, "extra"), "user=foo");
  EXPECT_EQ(Get(e, "user"), "foo");
}

TEST(LogfmtStage, DecoderCases) {
  const std::string yaml = "- logfmt:\n    mapping:\n      a:\n      b:\n      c:\n";
  struct Case {
    const char* line;
    const char* a;
    const char* b;
    const char* c;
  } cases[] = {
      {"a=1 b=2 c=3", "1", "2", "3"},
      {"  a  b= c=\"\"", "", "", ""},                          // bare key, empty values
      {"a=\"x \\\"q\\\" \\u00e9\\n\" b=\"plain \\\\\"", "x \"q\" \xc3\xa9\n", "plain \\",
       "<absent>"},
      {"a=1 b=2\nb=3 c=4\r\n", "1", "3", "4"},                // records: later values win
      {"a=1 b=x=y c=3", "1", "<absent>", "<absent>"},         // '=' in a value stops decoding
      {"a=1 =2 c=3", "1", "<absent>", "<absent>"},            // key missing
      {"a=1 b\"=2 c=3", "1", "<absent>", "<absent>"},         // quote in a key
      {"a=1 b=\"open c=3", "1", "<absent>", "<absent>"},      // unterminated
      {"a=1 b=\"bad \\x\" c=3", "1", "<absent>", "<absent>"}, // invalid escape
      {"a=\"raw \x01 no escapes\" b=\"a\\tb\"", "raw \x01 no escapes", "a\tb", "<absent>"},
      {"a=1 \xff=2 b=2", "1", "<absent>", "<absent>"},        // invalid key
      {"a=\"\xff\\n\" b='x'", "\xef\xbf\xbd\n", "'x'", "<absent>"},
  };
  for (const Case& c : cases) {
    const Entry e = RunOne(yaml, MakeEntry(c.line));
    EXPECT_EQ(Get(e, "a"), c.a) << c.line;
    EXPECT_EQ(Get(e, "b"), c.b) << c.line;
    EXPECT_EQ(Get(e, "c"), c.c) << c.line;
  }
  // A record of 64 KiB or more ends decoding (bufio.Scanner's limit).
  const Entry e = RunOne(yaml, MakeEntry("a=1\nb=" + std::string(70000, 'x') + "\nc=3"));
  EXPECT_EQ(Get(e, "a"), "1");
  EXPECT_EQ(Get(e, "b"), "<absent>");
  EXPECT_EQ(Get(e, "c"), "<absent>");
}

TEST(LogfmtStage, ConfigErrors) {
  config::Errors errors;
  EXPECT_EQ(BuildPipeline("- logfmt:\n    source: x\n", &errors), nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_NE(errors.errors[0].find("logfmt mapping is required"), std::string::npos);
  errors = {};
  EXPECT_EQ(BuildPipeline("- logfmt:\n    mapping: {a: }\n    source: ''\n", &errors), nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_EQ(errors.errors[0], "test.yml:3:13: pipeline_stages[0].logfmt.source: empty source");
}

TEST(PackStage, DocsExample) {
  Entry in = MakeEntry("original log message",
                       {{"container", "myapp"}, {"env", "prod"}, {"pod", "pod-3223f"}});
  const absl::Time before = absl::Now();
  const Entry e = RunOne("- pack:\n    labels:\n      - pod\n      - container\n", in);
  EXPECT_EQ(e.line,
            R"({"container":"myapp","pod":"pod-3223f","_entry":"original log message"})");
  EXPECT_EQ(e.labels, (Labels{{"env", "prod"}}));
  EXPECT_GE(e.ts_ns, absl::ToUnixNanos(before));  // ingest_timestamp defaults to true
}

TEST(PackStage, ExtractedValuesEscapingAndTimestampKept) {
  Entry in = MakeEntry("<b>\"quoted\"</b>\n", {{"app", "a"}});
  in.extracted.SetString("level", "warn & <up>");
  Value& num = in.extracted.Put("took");
  num.kind = Value::Kind::kNumber;
  num.text = "1.5";
  in.extracted.Put("nil").kind = Value::Kind::kNull;
  const Entry e = RunOne(
      "- pack:\n    labels: [took, level, nil, missing, app, level]\n"
      "    ingest_timestamp: false\n",
      in);
  EXPECT_EQ(e.line,
            R"({"app":"a","level":"warn \u0026 \u003cup\u003e","took":"1.5",)"
            R"("_entry":"\u003cb\u003e\"quoted\"\u003c/b\u003e\n"})");
  EXPECT_EQ(e.labels, Labels{});
  EXPECT_EQ(e.ts_ns, in.ts_ns);
  // Nothing to pack: the line is still wrapped.
  const Entry empty = RunOne("- pack:\n    labels: nothing\n    ingest_timestamp: false\n",
                             MakeEntry("x"));
  EXPECT_EQ(empty.line, R"({"_entry":"x"})");
}

}  // namespace
}  // namespace outpost::logs::stages

namespace outpost::logs::stages {
namespace {

// Mutated and truncated lines through json, logfmt and pack: every entry
// comes out once (meant for the sanitizer build).
TEST(ParsingStages, MutatedLinesAreHandled) {
  config::Errors errors;
  auto p = testing::BuildPipeline(R"(
- json:
    expressions: {a: a, b: "b[0].c", c: 'c."d-e"[-1]', msg:}
- logfmt:
    mapping: {msg:, x:, y:}
    source: msg
- pack:
    labels: [a, b, msg]
)",
                                  &errors);
  ASSERT_NE(p, nullptr) << errors.errors.front();
  const std::string seeds[] = {
      R"({"a":"x","b":[{"c":{"z":[1,2e3,"\u00e9"]}}],"c":{"d-e":[null,true]},)"
      R"("msg":"x=1 y=\"q\\\"\""})",
      "x=1 y=\"a\\u00e9\\n\" z= w \"\xff\"",
      "{\"a\":12345678901234567890123,\"msg\":\"\xc3\"}",
  };
  uint32_t rnd = 12345;
  const auto next = [&rnd] {
    rnd = rnd * 1103515245 + 12345;
    return rnd >> 8;
  };
  size_t n = 0;
  for (const std::string& seed : seeds) {
    for (int round = 0; round < 3000; ++round) {
      std::string line = seed;
      const int edits = static_cast<int>(next() % 4);
      for (int k = 0; k < edits && !line.empty(); ++k) {
        const size_t at = next() % line.size();
        switch (next() % 3) {
          case 0: line[at] = static_cast<char>(next() & 0xff); break;
          case 1: line.erase(at, 1); break;
          default: line.resize(at); break;
        }
      }
      Entry e = testing::MakeEntry(line);
      testing::Collect c;
      p->Process(e, c);
      n += c.out.size() + c.dropped.size();
    }
  }
  EXPECT_EQ(n, 9000u);
}

}  // namespace
}  // namespace outpost::logs::stages
