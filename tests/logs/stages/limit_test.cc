#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "logs/token_bucket.h"
#include "stage_metrics_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

TEST(TokenBucket, AllowAndReserve) {
  TokenBucket b(2, 3);  // 2/s, burst 3
  EXPECT_TRUE(b.Allow(kT0));
  EXPECT_TRUE(b.Allow(kT0));
  EXPECT_TRUE(b.Allow(kT0));
  EXPECT_FALSE(b.Allow(kT0));
  EXPECT_FALSE(b.Allow(kT0 + absl::Milliseconds(499)));
  EXPECT_TRUE(b.Allow(kT0 + absl::Milliseconds(500)));
  EXPECT_FALSE(b.Allow(kT0 + absl::Milliseconds(500)));
  // Refills up to the burst only.
  const absl::Time later = kT0 + absl::Hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.Allow(later));
  EXPECT_FALSE(b.Allow(later));
  // Reserve owes tokens: each one 0.5s later than the one before.
  TokenBucket w(2, 1);
  EXPECT_EQ(w.Reserve(kT0), absl::ZeroDuration());
  EXPECT_EQ(w.Reserve(kT0), absl::Milliseconds(500));
  EXPECT_EQ(w.Reserve(kT0), absl::Seconds(1));
  EXPECT_EQ(w.Reserve(kT0 + absl::Seconds(1)), absl::Milliseconds(500));
}

struct LimitRun {
  std::vector<bool> dropped;
  double counted = 0;
  std::string exposed;  // logentry_dropped_lines_by_label_total series
};

// Entries (label app, read time offset in ms) through a limit stage.
LimitRun Limit(const std::string& body, const std::vector<std::pair<std::string, int>>& in) {
  testing::DroppedLines d;
  config::Errors errors;
  auto p = BuildPipeline("- limit:\n" + body, &errors, d.ctx());
  EXPECT_NE(p, nullptr) << (errors.errors.empty() ? "" : errors.errors.front());
  LimitRun r;
  if (p == nullptr) return r;
  for (const auto& [app, ms] : in) {
    Labels labels{{"filename", "/x"}};
    if (!app.empty()) labels.Set("app", app);
    Entry e = MakeEntry("line", labels);
    e.read_at = kT0 + absl::Milliseconds(ms);
    Collect c;
    p->Process(e, c);
    r.dropped.push_back(c.dropped.size() == 1);
  }
  r.counted = d.count("ratelimit_drop_stage");
  for (const auto& f : d.registry->Collect()) {
    if (f.name != "logentry_dropped_lines_by_label_total") continue;
    std::vector<std::string> series;
    for (const auto& m : f.metric) {
      std::string one;
      for (const auto& l : m.label) one += l.name + "=" + l.value + " ";
      series.push_back(one + std::to_string(static_cast<int>(m.counter.value)) + ";");
    }
    std::sort(series.begin(), series.end());
    for (const std::string& one : series) r.exposed += one;
  }
  return r;
}

using B = std::vector<bool>;

TEST(LimitStage, DropOverTheRate) {
  // docs: rate 10, burst 10, drop.
  const LimitRun r = Limit("    rate: 10\n    burst: 10\n    drop: true\n",
                      {{"", 0}, {"", 0}, {"", 0}, {"", 0}, {"", 0}, {"", 0}, {"", 0}, {"", 0},
                       {"", 0}, {"", 0}, {"", 0}, {"", 99}, {"", 100}, {"", 100}});
  EXPECT_EQ(r.dropped, (B{false, false, false, false, false, false, false, false, false, false,
                          true, true, false, true}));
  EXPECT_EQ(r.counted, 3);
}

TEST(LimitStage, ByLabel) {
  // Each value has its own bucket; entries without the label pass.
  const LimitRun r = Limit("    rate: 1\n    burst: 1\n    drop: true\n    by_label_name: app\n",
                      {{"a", 0}, {"a", 0}, {"b", 0}, {"b", 0}, {"", 0}, {"b", 0}, {"a", 1000}});
  EXPECT_EQ(r.dropped, (B{false, true, false, true, false, true, false}));
  EXPECT_EQ(r.counted, 3);
  EXPECT_EQ(r.exposed,
            "label_name=app label_value=a logs_config= 1;"
            "label_name=app label_value=b logs_config= 2;");
}

TEST(LimitStage, WaitsInsteadOfDropping) {
  // Without drop nothing is dropped (the reader waits: 4 entries at
  // 1000/s with burst 1 take ~3ms; no time is asserted).
  const LimitRun r = Limit("    rate: 1000\n    burst: 1\n", {{"", 0}, {"", 0}, {"", 0}, {"", 0}});
  EXPECT_EQ(r.dropped, (B{false, false, false, false}));
  EXPECT_EQ(r.counted, 0);
}

TEST(LimitStage, ConfigErrors) {
  auto error = testing::BuildError;
  EXPECT_NE(error("- limit:\n    rate: 10\n").find("limit stage failed to parse rate or burst"),
            std::string::npos);
  EXPECT_NE(error("- limit:\n    burst: 10\n").find("limit stage failed to parse rate or burst"),
            std::string::npos);
  EXPECT_NE(error("- limit:\n    rate: 1\n    burst: 1\n    by_label_name: app\n")
                .find("When ratelimiting by label, drop must be true"),
            std::string::npos);
}

}  // namespace
}  // namespace outpost::logs::stages
