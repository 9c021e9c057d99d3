// What the integration benchmarks share: an Appender that only counts
// samples (series handles are numbers), and this process's CPU time.
#ifndef OUTPOST_TESTS_BENCH_INTEGRATION_BENCH_H_
#define OUTPOST_TESTS_BENCH_INTEGRATION_BENCH_H_

#include <time.h>

#include <cstddef>
#include <string_view>

#include "core/base/metric.h"

namespace outpost::bench {

class CountingAppender final : public Appender {
 public:
  SeriesRef Series(const MetricFamily&, const Labels&, std::string_view) override {
    return ++series_;
  }
  void Add(SeriesRef, double) override { ++samples; }
  size_t samples = 0;

 private:
  SeriesRef series_ = 0;
};

// CPU seconds of this process (every thread), CLOCK_PROCESS_CPUTIME_ID.
inline double ProcessCpuSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace outpost::bench

#endif  // OUTPOST_TESTS_BENCH_INTEGRATION_BENCH_H_
