// One full node_exporter collection of this machine (every implemented
// collector that node_exporter enables by default, Grafana Agent's
// defaults) into an Appender that only counts, in steady state (handles
// cached). Compare with node_exporter 1.5's 6.4 ms CPU per scrape and the
// 0.26 ms pread floor of issue 5.
//
//   build-node/tests/bench/node_bench --benchmark_counters_tabular=true
#include <time.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>

#include "benchmark/benchmark.h"
#include "core/base/metric.h"
#include "integrations/node/node.h"
#include "tests/bench/counting_allocator.h"
#include "tests/bench/integration_bench.h"

namespace {

using outpost::bench::CountingAppender;
using outpost::bench::ProcessCpuSeconds;

void BM_NodeFullCollection(benchmark::State& state) {
  outpost::integrations::node::Options opts;  // defaults: this machine
  auto node = outpost::integrations::node::NewNodeIntegration(opts);
  if (!node.ok()) {
    state.SkipWithError("cannot create the node integration");
    return;
  }
  CountingAppender app;
  (void)(*node)->Collect(app, absl::InfiniteFuture());  // warm-up: handles, fds
  size_t samples = 0;
  double cpu = 0;
  const size_t allocs_before = outpost::bench::AllocationCount();
  for (auto _ : state) {
    app.samples = 0;
    double start = ProcessCpuSeconds();
    (void)(*node)->Collect(app, absl::InfiniteFuture());
    cpu += ProcessCpuSeconds() - start;
    samples = app.samples;
  }
  state.counters["samples"] = static_cast<double>(samples);
  // Heap allocations per collection (directory listings, per-device paths).
  state.counters["allocs"] = static_cast<double>(outpost::bench::AllocationCount() - allocs_before) /
                             static_cast<double>(state.iterations());
  // CPU of the whole process per collection (includes the statfs worker).
  state.counters["cpu_ms"] =
      benchmark::Counter(cpu * 1e3 / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_NodeFullCollection)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
