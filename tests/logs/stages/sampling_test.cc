#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"
#include "stage_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

// How many of n entries a sampling stage with `body` keeps; the drop
// counter's value in *dropped.
int Kept(const std::string& body, int n, double* dropped, std::string* reason) {
  prometheus::Registry registry;
  auto& family = prometheus::BuildCounter().Name("logentry_dropped_lines_total").Register(registry);
  StageContext ctx;
  ctx.registry = &registry;
  ctx.dropped_lines = [&](const std::string& r) -> prometheus::Counter& {
    *reason = r;
    return family.Add({{"reason", r}});
  };
  config::Errors errors;
  auto p = BuildPipeline("- sampling:\n" + body, &errors, ctx);
  EXPECT_NE(p, nullptr) << (errors.errors.empty() ? "" : errors.errors.front());
  if (p == nullptr) return -1;
  Collect c;
  for (int i = 0; i < n; ++i) {
    Entry e = MakeEntry("line");
    p->Process(e, c);
  }
  *dropped = family.Add({{"reason", *reason}}).Value();
  return static_cast<int>(c.out.size());
}

TEST(SamplingStage, Rates) {
  double dropped = 0;
  std::string reason;
  EXPECT_EQ(Kept("    rate: 1\n", 1000, &dropped, &reason), 1000);
  EXPECT_EQ(Kept("    rate: 0\n", 1000, &dropped, &reason), 0);
  EXPECT_EQ(dropped, 1000);
  EXPECT_EQ(reason, "sampling_stage");
  // docs example: rate 0.1 with a reason. 20000 draws: mean 2000, sd 42.
  const int kept = Kept("    rate: 0.1\n    drop_counter_reason: logs_sampling\n", 20000, &dropped,
                        &reason);
  EXPECT_GT(kept, 1500);
  EXPECT_LT(kept, 2500);
  EXPECT_EQ(reason, "logs_sampling");
  EXPECT_EQ(dropped, 20000 - kept);
}

TEST(SamplingStage, ConfigErrors) {
  config::Errors errors;
  EXPECT_EQ(BuildPipeline("- sampling:\n    rate: 1.5\n", &errors), nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_EQ(errors.errors[0],
            "test.yml:2:11: pipeline_stages[0].sampling.rate: sampling stage failed to parse "
            "rate,Sampling Rate must be between 0.0 and 1.0, received 1.500000");
}

}  // namespace
}  // namespace outpost::logs::stages
