// Helpers of the drop/sampling/limit/timestamp tests: a registry with
// logentry_dropped_lines_total{reason} handed to stages as an instance
// does, and the first error of a pipeline that must not build.
#ifndef OUTPOST_TESTS_LOGS_STAGES_STAGE_METRICS_TEST_UTIL_H_
#define OUTPOST_TESTS_LOGS_STAGES_STAGE_METRICS_TEST_UTIL_H_

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"
#include "stage_test_util.h"

namespace outpost::logs::stages::testing {

struct DroppedLines {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& family =
      prometheus::BuildCounter().Name("logentry_dropped_lines_total").Register(*registry);
  // A context whose dropped_lines(reason) is a counter of `family`.
  StageContext ctx() {
    StageContext c;
    c.registry = registry.get();
    c.dropped_lines = [this](const std::string& reason) -> prometheus::Counter& {
      return family.Add({{"reason", reason}});
    };
    return c;
  }
  double count(const std::string& reason) { return family.Add({{"reason", reason}}).Value(); }
};

// The first error of `yaml`, which must fail to build.
inline std::string BuildError(const std::string& yaml) {
  config::Errors errors;
  EXPECT_EQ(BuildPipeline(yaml, &errors), nullptr) << yaml;
  return errors.errors.empty() ? std::string() : errors.errors.front();
}

}  // namespace outpost::logs::stages::testing

#endif  // OUTPOST_TESTS_LOGS_STAGES_STAGE_METRICS_TEST_UTIL_H_
