#include <string>

#include "gtest/gtest.h"
#include "stage_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

Entry Line(const std::string& text, int64_t start, uint64_t source = 1, int64_t ts = 1000) {
  Entry e = MakeEntry(text, {{"filename", "/var/log/app.log"}}, ts);
  e.src = EntrySource{source, start, start + static_cast<int64_t>(text.size()) + 1};
  return e;
}

// Promtail docs stages/multiline.md: a PHP/Laravel log with stack traces.
TEST(MultilineStage, DocsExampleJoinsBlocks) {
  config::Errors errors;
  auto p = BuildPipeline(R"y(
- multiline:
    firstline: '^\[\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}\]'
    max_wait_time: 3s
)y",
                         &errors);
  ASSERT_NE(p, nullptr) << errors.errors.front();
  const std::vector<std::string> lines = {
      "[2020-12-03 11:36:20] production.ERROR: foo",
      "#0 /app/vendor/laravel/framework/src/Illuminate/Foundation/Application.php(123): foo()",
      "#1 {main}",
      "[2020-12-03 11:36:21] production.INFO: bar",
  };
  Collect c;
  int64_t at = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    Entry e = Line(lines[i], at, 1, 1000 + static_cast<int64_t>(i));
    at = e.src.end;
    p->Process(e, c);
  }
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].line, lines[0] + "\n" + lines[1] + "\n" + lines[2]);
  EXPECT_EQ(c.out[0].ts_ns, 1000);  // the first line's
  EXPECT_EQ(c.out[0].src.start, 0);
  EXPECT_EQ(c.out[0].src.end, static_cast<int64_t>(lines[0].size() + lines[1].size() +
                                                    lines[2].size() + 3));
  // The last block waits for max_wait_time, then goes on.
  EXPECT_EQ(p->NextDeadline(), absl::FromUnixNanos(1003) + absl::Seconds(3));
  p->Tick(absl::FromUnixNanos(1003) + absl::Seconds(2), c);
  EXPECT_EQ(c.out.size(), 1u);
  p->Tick(absl::FromUnixNanos(1003) + absl::Seconds(3), c);
  ASSERT_EQ(c.out.size(), 2u);
  EXPECT_EQ(c.out[1].line, lines[3]);
  EXPECT_EQ(p->NextDeadline(), absl::InfiniteFuture());
}

TEST(MultilineStage, LinesBeforeAFirstLinePassAndSourcesAreApart) {
  config::Errors errors;
  auto p = BuildPipeline("- multiline:\n    firstline: '^START'\n    max_lines: 2\n", &errors);
  ASSERT_NE(p, nullptr);
  Collect c;
  Entry a = Line("orphan", 0);
  p->Process(a, c);
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].line, "orphan");
  Entry s1 = Line("START 1", 7, 1), s2 = Line("START 2", 0, 2), m1 = Line("more 1", 15, 1),
        m2 = Line("more 1b", 22, 1);
  p->Process(s1, c);
  p->Process(s2, c);
  p->Process(m1, c);  // max_lines 2: the block of source 1 goes on now
  ASSERT_EQ(c.out.size(), 2u);
  EXPECT_EQ(c.out[1].line, "START 1\nmore 1");
  p->Process(m2, c);  // source 1 has a state: joins a new block
  Collect rest;
  p->Flush(rest);
  ASSERT_EQ(rest.out.size(), 2u);
  // Forget drops what a source holds (it is read again).
  Entry s3 = Line("START 3", 0, 3);
  p->Process(s3, c);
  p->Forget(3);
  Collect none;
  p->Flush(none);
  EXPECT_TRUE(none.out.empty());
}

TEST(MultilineStage, ConfigErrors) {
  config::Errors errors;
  EXPECT_EQ(BuildPipeline("- multiline:\n    max_lines: 3\n", &errors), nullptr);
  EXPECT_NE(errors.errors.at(0).find("multiline stage config must define `firstline`"),
            std::string::npos);
  errors = {};
  EXPECT_EQ(BuildPipeline("- multiline:\n    firstline: '('\n", &errors), nullptr);
  EXPECT_NE(errors.errors.at(0).find("test.yml:2:16: pipeline_stages[0].multiline.firstline"),
            std::string::npos)
      << errors.errors.at(0);
  errors = {};
  EXPECT_EQ(BuildPipeline("- multiline:\n    firstline: x\n    max_wait_time: soon\n", &errors),
            nullptr);
  EXPECT_NE(errors.errors.at(0).find("max_wait_time"), std::string::npos);
}

}  // namespace
}  // namespace outpost::logs::stages
