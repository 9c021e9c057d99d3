#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "stage_metrics_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

using Dropped = testing::DroppedLines;
using testing::BuildError;

struct In {
  std::string line;
  std::map<std::string, std::string> extracted;
  int64_t ts_ns = 1'700'000'000'000'000'000;
};

// Which of `in` the pipeline drops.
std::vector<bool> DroppedOf(const std::string& yaml, const std::vector<In>& in,
                            Dropped* d = nullptr) {
  config::Errors errors;
  Dropped local;
  auto p = BuildPipeline(yaml, &errors, (d != nullptr ? d : &local)->ctx());
  EXPECT_NE(p, nullptr) << (errors.errors.empty() ? "" : errors.errors.front());
  std::vector<bool> out;
  if (p == nullptr) return out;
  for (const In& i : in) {
    Entry e = MakeEntry(i.line, {{"filename", "/x.log"}}, 1'700'000'000'000'000'000);
    e.ts_ns = i.ts_ns;
    for (const auto& [k, v] : i.extracted) e.extracted.SetString(k, v);
    Collect c;
    p->Process(e, c);
    EXPECT_EQ(c.out.size() + c.dropped.size(), 1u);
    out.push_back(c.dropped.size() == 1);
  }
  return out;
}

using B = std::vector<bool>;

// The examples of docs/sources/send-data/promtail/stages/drop.md.
TEST(DropStage, DocsExamples) {
  // Every source must be present (drop.go; the docs say "at least").
  EXPECT_EQ(DroppedOf("- drop:\n    source: [\"level\",\"msg\"]\n",
                      {{"a", {{"level", "x"}, {"msg", "y"}}}, {"b", {{"level", "x"}}}, {"c", {}}}),
            (B{true, false, false}));
  EXPECT_EQ(DroppedOf("- drop:\n    expression: \".*debug.*\"\n",
                      {{"a debug line", {}}, {"an info line", {}}}),
            (B{true, false}));
  const std::string msg =
      "11.11.11.11 - \"POST /loki/api/push/ HTTP/1.1\" 200 932 \"-\" \"Mozilla/5.0\"";
  EXPECT_EQ(DroppedOf("- drop:\n    source: [\"level\",\"msg\"]\n    separator: \"#\"\n"
                      "    expression: \"(error|ERROR)#.*\\/loki\\/api\\/push.*\"\n",
                      {{"l", {{"level", "error"}, {"msg", msg}}},
                       {"l", {{"level", "ERROR"}, {"msg", msg}}},
                       {"l", {{"level", "info"}, {"msg", msg}}},
                       {"l", {{"msg", msg}}}}),
            (B{true, true, false, false}));
  EXPECT_EQ(DroppedOf("- drop:\n    source: \"level\"\n    value: \"error\"\n",
                      {{"l", {{"level", "error"}}}, {"l", {{"level", "errors"}}}, {"l", {}}}),
            (B{true, false, false}));
  // older_than: read at 2020-08-12T12:00:00Z, 24h.
  Dropped d;
  const int64_t now = 1597233600'000'000'000;  // 2020-08-12T12:00:00Z
  auto old = [&](int64_t ago_h) {
    In i{"l", {}, now - ago_h * 3600'000'000'000};
    return i;
  };
  config::Errors errors;
  auto p = BuildPipeline("- drop:\n    older_than: 24h\n    drop_counter_reason: \"line_too_old\"\n",
                         &errors, d.ctx());
  ASSERT_NE(p, nullptr);
  std::vector<bool> got;
  for (int64_t h : {25, 23}) {
    Entry e = MakeEntry("l", {{"filename", "/x"}}, now);
    e.ts_ns = old(h).ts_ns;
    Collect c;
    p->Process(e, c);
    got.push_back(c.dropped.size() == 1);
  }
  EXPECT_EQ(got, (B{true, false}));
  EXPECT_EQ(d.count("line_too_old"), 1);
  // longer_than: 8kb is 8192 bytes.
  Dropped d2;
  EXPECT_EQ(DroppedOf("- drop:\n    longer_than: 8kb\n    drop_counter_reason: line_too_long\n",
                      {{std::string(8192, 'x'), {}}, {std::string(8193, 'x'), {}}}, &d2),
            (B{false, true}));
  EXPECT_EQ(d2.count("line_too_long"), 1);
  // Conditions together are an AND.
  EXPECT_EQ(DroppedOf("- drop:\n    expression: \".*debug.*\"\n    longer_than: 1kb\n",
                      {{"debug", {}},
                       {"debug" + std::string(1100, 'x'), {}},
                       {std::string(1100, 'x'), {}}}),
            (B{false, true, false}));
  // Stages in a row are an OR; the default reason is drop_stage.
  Dropped d3;
  EXPECT_EQ(DroppedOf("- drop:\n    longer_than: 10\n- drop:\n    source: msg\n"
                      "    expression: \".*trace.*\"\n",
                      {{"short", {{"msg", "a trace"}}},
                       {"long line here", {{"msg", "x"}}},
                       {"short", {{"msg", "x"}}}},
                      &d3),
            (B{true, true, false}));
  EXPECT_EQ(d3.count("drop_stage"), 2);
}

TEST(DropStage, NullValuesAndByteSizes) {
  config::Errors errors;
  auto p = BuildPipeline("- drop:\n    source: level\n    expression: \".*\"\n", &errors);
  ASSERT_NE(p, nullptr);
  Entry e = MakeEntry("l");
  e.extracted.Put("level").kind = Value::Kind::kNull;
  Collect c;
  p->Process(e, c);
  EXPECT_EQ(c.out.size(), 1u);  // getString fails on nil: kept
  for (const char* size : {"1KB", "1 kb", "1k", "1kilobytes", "1024", "1024b", "1024 B"}) {
    EXPECT_EQ(DroppedOf(std::string("- drop:\n    longer_than: \"") + size + "\"\n",
                        {{std::string(1024, 'x'), {}}, {std::string(1025, 'x'), {}}}),
              (B{false, true}))
        << size;
  }
  EXPECT_EQ(DroppedOf("- drop:\n    longer_than: 1MB\n", {{std::string(1 << 20, 'x'), {}}}),
            (B{false}));
}

TEST(DropStage, ConfigErrors) {
  auto error = BuildError;
  EXPECT_NE(error("- drop:\n    value: x\n    drop_counter_reason: y\n")
                .find("drop stage config must contain at least one of `source`, `expression`, "
                      "`older_than` or `longer_than`"),
            std::string::npos);
  EXPECT_NE(error("- drop:\n    value: x\n    expression: y\n")
                .find("drop stage config must contain `source` if `value` is specified"),
            std::string::npos);
  EXPECT_NE(error("- drop:\n    source: s\n    value: x\n    expression: y\n")
                .find("`value` and `expression` cannot both be defined"),
            std::string::npos);
  EXPECT_EQ(error("- drop:\n    expression: \"(\"\n"),
            "test.yml:2:17: pipeline_stages[0].drop.expression: drop stage regex compilation "
            "error: missing ): (");
  EXPECT_EQ(error("- drop:\n    older_than: 1d\n"),
            "test.yml:2:17: pipeline_stages[0].drop.older_than: drop stage invalid duration, 1d "
            "cannot be converted to a duration: time: unknown unit \"d\" in duration \"1d\"");
  EXPECT_NE(error("- drop:\n    longer_than: 1MiB\n")
                .find("drop stage failed to parse longer_than to bytes: strconv.UnmarshalText: "
                      "parsing \"1MIB\": invalid syntax"),
            std::string::npos);
  EXPECT_NE(error("- drop:\n    source: {a: b}\n")
                .find("drop stage source invalid type should be string or list of strings"),
            std::string::npos);
}

}  // namespace
}  // namespace outpost::logs::stages
