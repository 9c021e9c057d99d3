#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "stage_metrics_test_util.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

// How many of n entries a sampling stage with `body` keeps; the drop
// counter's value of `reason` in *dropped.
int Kept(const std::string& body, int n, const std::string& reason, double* dropped) {
  testing::DroppedLines d;
  config::Errors errors;
  auto p = BuildPipeline("- sampling:\n" + body, &errors, d.ctx());
  EXPECT_NE(p, nullptr) << (errors.errors.empty() ? "" : errors.errors.front());
  if (p == nullptr) return -1;
  Collect c;
  for (int i = 0; i < n; ++i) {
    Entry e = MakeEntry("line");
    p->Process(e, c);
  }
  *dropped = d.count(reason);
  return static_cast<int>(c.out.size());
}

TEST(SamplingStage, Rates) {
  double dropped = 0;
  EXPECT_EQ(Kept("    rate: 1\n", 1000, "sampling_stage", &dropped), 1000);
  EXPECT_EQ(dropped, 0);
  EXPECT_EQ(Kept("    rate: 0\n", 1000, "sampling_stage", &dropped), 0);
  EXPECT_EQ(dropped, 1000);
  // docs example: rate 0.1 with a reason. 20000 draws: mean 2000, sd 42.
  const int kept =
      Kept("    rate: 0.1\n    drop_counter_reason: logs_sampling\n", 20000, "logs_sampling",
           &dropped);
  EXPECT_GT(kept, 1500);
  EXPECT_LT(kept, 2500);
  EXPECT_EQ(dropped, 20000 - kept);
}

TEST(SamplingStage, ConfigErrors) {
  EXPECT_EQ(testing::BuildError("- sampling:\n    rate: 1.5\n"),
            "test.yml:2:11: pipeline_stages[0].sampling.rate: sampling stage failed to parse "
            "rate,Sampling Rate must be between 0.0 and 1.0, received 1.500000");
}

}  // namespace
}  // namespace outpost::logs::stages
