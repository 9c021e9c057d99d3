// What the integration benchmarks share: an Appender that only counts
// samples (series handles are numbers), this process's CPU time, and the
// steady-state collection loop.
#ifndef OUTPOST_TESTS_BENCH_INTEGRATION_BENCH_H_
#define OUTPOST_TESTS_BENCH_INTEGRATION_BENCH_H_

#include <time.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "core/base/integration.h"
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

// Steady-state collections: `collect()` (returning absl::Status, adding to
// `app`) once as a warm-up (series handles cached, buffers grown), then in
// the benchmark loop, reported per collection: cpu_ms (this process),
// samples, allocs and allocs/sample. `allocations` is counting_allocator.h's
// AllocationCount (that header defines operator new, so only the
// benchmark's own file includes it). Skips with the warm-up's error.
template <typename Collect>
void RunCollections(benchmark::State& state, CountingAppender& app, uint64_t (*allocations)(),
                    Collect collect) {
  absl::Status first = collect();
  if (!first.ok()) {
    state.SkipWithError(std::string(first.message()).c_str());
    return;
  }
  app.samples = 0;
  const uint64_t allocs0 = allocations();
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) benchmark::DoNotOptimize(collect());
  const double n = static_cast<double>(state.iterations());
  const double allocs = static_cast<double>(allocations() - allocs0) / n;
  state.counters["cpu_ms"] = (ProcessCpuSeconds() - cpu0) * 1e3 / n;
  state.counters["samples"] = static_cast<double>(app.samples) / n;
  state.counters["allocs"] = allocs;
  state.counters["allocs/sample"] = allocs * n / static_cast<double>(app.samples);
}

// The same for whole collections of an integration.
inline void RunCollections(benchmark::State& state, Integration& integ, CountingAppender& app,
                           uint64_t (*allocations)()) {
  RunCollections(state, app, allocations,
                 [&] { return integ.Collect(app, absl::Now() + absl::Seconds(10)); });
}

}  // namespace outpost::bench

#endif  // OUTPOST_TESTS_BENCH_INTEGRATION_BENCH_H_
