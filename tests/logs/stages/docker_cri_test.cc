// The docker and cri stages: upstream's extensions_test.go rows, and the
// partial-line bookkeeping outpost adds (sources, byte ranges, Forget,
// Flush).
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "stage_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

constexpr int64_t kNow = 1'700'000'000'000'000'000;

std::unique_ptr<Pipeline> Build(const std::string& yaml) {
  config::Errors errors;
  auto p = BuildPipeline(yaml, &errors);
  EXPECT_NE(p, nullptr) << ::testing::PrintToString(errors.errors);
  return p;
}

// One entry in, one out: its line, timestamp and labels.
struct Row {
  std::string line, want_line;
  int64_t want_ts;
  Labels want_labels;
};

// Each row through its own pipeline: after a good timestamp a bad one is
// fudged (the last one + 1ns, timestamp's action_on_failure).
template <size_t N>
void CheckRows(const std::string& yaml, const Row (&rows)[N]) {
  for (const Row& r : rows) {
    auto p = Build(yaml);
    ASSERT_NE(p, nullptr);
    Collect c;
    Entry e = MakeEntry(r.line, {}, kNow);
    p->Process(e, c);
    ASSERT_EQ(c.out.size(), 1u) << r.line;
    EXPECT_EQ(c.out[0].line, r.want_line);
    EXPECT_EQ(c.out[0].ts_ns, r.want_ts) << r.line;
    EXPECT_EQ(c.out[0].labels, r.want_labels) << r.line;
  }
}

TEST(DockerStage, UpstreamRows) {
  const Row rows[] = {
      {R"({"log":"level=info msg=\"Adding target\" key=\"{a=\\\"b\\\"}\"\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"})",
       "level=info msg=\"Adding target\" key=\"{a=\\\"b\\\"}\"\n", 1556590361844351500,
       Labels{{"stream", "stderr"}}},
      // An invalid time keeps the entry's timestamp.
      {R"({"log":"log message\n","stream":"stderr","time":"hi!"})", "log message\n", kNow,
       Labels{{"stream", "stderr"}}},
      {"i'm not json!", "i'm not json!", kNow, Labels{}},
  };
  CheckRows("- docker: {}\n", rows);
}

TEST(DockerStage, StagesAfterItSeeTheResult) {
  auto p = Build("- docker:\n- labels:\n    out: output\n");
  ASSERT_NE(p, nullptr);
  Collect c;
  Entry e = MakeEntry(R"({"log":"hi","stream":"stdout","time":"2019-04-30T02:12:41Z"})", {});
  p->Process(e, c);
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].labels, (Labels{{"out", "hi"}, {"stream", "stdout"}}));
}

TEST(CriStage, UpstreamNewCri) {
  const Row rows[] = {
      {"2019-01-01T01:00:00.000000001Z stderr F message", "message", 1546304400000000001,
       Labels{{"stream", "stderr"}}},
      {"2019-01-01T01:00:00.000000001Z stderr F message\nmessage2", "message\nmessage2",
       1546304400000000001, Labels{{"stream", "stderr"}}},
      {"3242 stderr F message", "message", kNow, Labels{{"stream", "stderr"}}},
      {"i'm invalid!!!", "i'm invalid!!!", kNow, Labels{}},
  };
  CheckRows("- cri: {}\n", rows);
}

struct In {
  std::string line;
  Labels labels;
};

// Runs `in` through a cri stage with `body`; the lines that came out, in
// order (then what Flush emitted).
std::vector<std::string> RunCri(const std::string& body, const std::vector<In>& in) {
  auto p = Build("- cri: " + body + "\n");
  if (p == nullptr) return {"BUILD FAILED"};
  Collect c;
  for (const In& i : in) {
    Entry e = MakeEntry(i.line, i.labels);
    p->Process(e, c);
  }
  std::vector<std::string> out;
  for (const Entry& e : c.out) out.push_back(e.line);
  c.out.clear();
  p->Flush(c);
  for (const Entry& e : c.out) out.push_back("flushed: " + e.line);
  return out;
}

const char kT1[] = "2019-05-07T18:57:50.904275087+00:00 stdout ";
const char kT2[] = "2019-05-07T18:57:55.904275087+00:00 stdout ";

TEST(CriStage, UpstreamTags) {
  const Labels bar = {{"foo", "bar"}}, bar2 = {{"foo", "bar2"}};
  EXPECT_EQ(RunCri("{}", {{std::string(kT1) + "F some full line", bar},
                          {std::string(kT2) + "F log", bar}}),
            (std::vector<std::string>{"some full line", "log"}));
  EXPECT_EQ(RunCri("{}", {{std::string(kT1) + "P partial line 1 ", bar},
                          {std::string(kT1) + "P partial line 2 ", bar2},
                          {std::string(kT2) + "F log finished", bar},
                          {std::string(kT2) + "F another full log", bar2}}),
            (std::vector<std::string>{"partial line 1 log finished",
                                      "partial line 2 another full log"}));
  const Labels v12 = {{"label1", "val1"}, {"label2", "val2"}}, v1 = {{"label1", "val1"}},
               v3 = {{"label1", "val3"}}, v4 = {{"label1", "val4"}};
  // The 5th partial finds 3 streams held: they go on as they are.
  EXPECT_EQ(RunCri("{max_partial_lines: 3}",
                   {{std::string(kT1) + "P partial line 1 ", v12},
                    {std::string(kT1) + "P partial line 2 ", v1},
                    {std::string(kT1) + "P partial line 3 ", v12},
                    {std::string(kT1) + "P partial line 4 ", v3},
                    {std::string(kT1) + "P partial line 5 ", v4},
                    {std::string(kT2) + "F log finished", v12},
                    {std::string(kT2) + "F another full log", v3},
                    {std::string(kT2) + "F yet an another full log", v4}}),
            (std::vector<std::string>{"partial line 1 partial line 3 ", "partial line 2 ",
                                      "partial line 4 ", "log finished", "another full log",
                                      "partial line 5 yet an another full log"}));
  // The bound is on streams, not on lines of one stream.
  EXPECT_EQ(RunCri("{max_partial_lines: 3}",
                   {{std::string(kT1) + "P partial line 1 ", bar},
                    {std::string(kT1) + "P partial line 2 ", bar},
                    {std::string(kT1) + "P partial line 3 ", bar},
                    {std::string(kT1) + "P partial line 4 ", bar},
                    {std::string(kT2) + "F log finished", bar},
                    {std::string(kT2) + "F another full log", bar}}),
            (std::vector<std::string>{
                "partial line 1 partial line 2 partial line 3 partial line 4 log finished",
                "another full log"}));
  EXPECT_EQ(RunCri("{max_partial_line_size: 11, max_partial_line_size_truncate: true}",
                   {{std::string(kT1) + "P partial line 1 ", bar},
                    {std::string(kT1) + "P partial", bar2},
                    {std::string(kT2) + "F log finished", bar},
                    {std::string(kT2) + "F full", bar2}}),
            (std::vector<std::string>{"partial lin", "partialfull"}));
  // Sizes as flagext.ByteSize text; a partial past the size is cut when held.
  EXPECT_EQ(RunCri("{max_partial_line_size: 1kb, max_partial_line_size_truncate: true}",
                   {{std::string(kT1) + "P " + std::string(1000, 'a'), bar},
                    {std::string(kT1) + "P " + std::string(100, 'b'), bar},
                    {std::string(kT2) + "F c", bar}}),
            (std::vector<std::string>{std::string(1000, 'a') + std::string(24, 'b')}));
  // Without truncate the size is not used.
  EXPECT_EQ(RunCri("{max_partial_line_size: 2}", {{std::string(kT1) + "P abc", bar},
                                                  {std::string(kT2) + "F d", bar}}),
            (std::vector<std::string>{"abcd"}));
}

TEST(CriStage, FlushEmitsHeldPartials) {
  EXPECT_EQ(RunCri("", {{std::string(kT1) + "P a", {}}, {std::string(kT1) + "P b", {}}}),
            (std::vector<std::string>{"flushed: ab"}));
}

TEST(CriStage, JoinedEntryCoversEveryLine) {
  auto p = Build("- cri:\n");
  ASSERT_NE(p, nullptr);
  Collect c;
  const std::string lines[] = {std::string(kT1) + "P one ", std::string(kT1) + "P two ",
                               "2019-05-07T18:57:55Z stdout F three"};
  int64_t off = 100;
  for (const std::string& l : lines) {
    Entry e = MakeEntry(l, {{"job", "x"}});
    e.src = {7, off, off + static_cast<int64_t>(l.size()) + 1};
    off = e.src.end;
    p->Process(e, c);
    if (&l != &lines[2]) {
      EXPECT_TRUE(c.out.empty());
    }
  }
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].line, "one two three");
  EXPECT_EQ(c.out[0].src.source, 7u);
  EXPECT_EQ(c.out[0].src.start, 100);
  EXPECT_EQ(c.out[0].src.end, off);
  // The last line's own timestamp and labels.
  EXPECT_EQ(c.out[0].ts_ns, 1557255475000000000);
  EXPECT_EQ(c.out[0].labels, (Labels{{"job", "x"}, {"stream", "stdout"}}));
  EXPECT_TRUE(c.dropped.empty());
}

TEST(CriStage, PartialsAreHeldPerSourceAndForgotten) {
  auto p = Build("- cri:\n");
  ASSERT_NE(p, nullptr);
  Collect c;
  auto feed = [&](uint64_t source, const std::string& line) {
    Entry e = MakeEntry(line, {{"job", "x"}});
    e.src = {source, 0, static_cast<int64_t>(line.size())};
    p->Process(e, c);
  };
  feed(1, std::string(kT1) + "P a1 ");
  feed(2, std::string(kT1) + "P b1 ");
  feed(1, std::string(kT1) + "P a2 ");
  p->Forget(1);
  feed(1, std::string(kT2) + "F a3");
  feed(2, std::string(kT2) + "F b2");
  ASSERT_EQ(c.out.size(), 2u);
  EXPECT_EQ(c.out[0].line, "a3");
  EXPECT_EQ(c.out[1].line, "b1 b2");
  EXPECT_EQ(c.out[1].src.source, 2u);
  c.out.clear();
  p->Flush(c);
  EXPECT_TRUE(c.out.empty());
}

TEST(CriStage, ConfigErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"- cri:\n    max_partial_lines: many\n", "max_partial_lines"},
      {"- cri:\n    max_partial_line_size: 12 parsecs\n", "strconv.UnmarshalText"},
      {"- cri:\n    max_partial_line_size_truncate: maybe\n", "max_partial_line_size_truncate"},
  };
  for (const auto& [yaml, want] : cases) testing::ExpectOneBuildError(yaml, want);
}

}  // namespace
}  // namespace outpost::logs::stages
