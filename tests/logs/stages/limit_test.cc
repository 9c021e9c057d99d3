#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "logs/token_bucket.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"
#include "stage_test_util.h"

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
};

// Entries (label app, read time offset in ms) through a limit stage.
LimitRun Limit(const std::string& body, const std::vector<std::pair<std::string, int>>& in) {
  prometheus::Registry registry;
  auto& family = prometheus::BuildCounter().Name("logentry_dropped_lines_total").Register(registry);
  StageContext ctx;
  ctx.registry = &registry;
  ctx.dropped_lines = [&](const std::string& r) -> prometheus::Counter& {
    return family.Add({{"reason", r}});
  };
  config::Errors errors;
  auto p = BuildPipeline("- limit:\n" + body, &errors, ctx);
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
  r.counted = family.Add({{"reason", "ratelimit_drop_stage"}}).Value();
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
                      {{"a", 0}, {"a", 0}, {"b", 0}, {"b", 0}, {"", 0}, {"", 0}, {"a", 1000}});
  EXPECT_EQ(r.dropped, (B{false, true, false, true, false, false, false}));
  EXPECT_EQ(r.counted, 2);
}

TEST(LimitStage, WaitsInsteadOfDropping) {
  // Without drop nothing is dropped (the reader waits: 4 entries at
  // 1000/s with burst 1 take ~3ms; no time is asserted).
  const LimitRun r = Limit("    rate: 1000\n    burst: 1\n", {{"", 0}, {"", 0}, {"", 0}, {"", 0}});
  EXPECT_EQ(r.dropped, (B{false, false, false, false}));
  EXPECT_EQ(r.counted, 0);
}

TEST(LimitStage, ConfigErrors) {
  auto error = [](const std::string& yaml) {
    config::Errors errors;
    EXPECT_EQ(BuildPipeline(yaml, &errors), nullptr) << yaml;
    return errors.errors.empty() ? std::string() : errors.errors.front();
  };
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
