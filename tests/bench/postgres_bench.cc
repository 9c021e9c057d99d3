// postgres integration cost per default collection, in steady state
// (series handles cached), into an Appender that only counts:
// BM_FullDefaultCollection runs, with POSTGRES_BENCH_DSN set (URL or
// key=value DSN), whole default collections against that server: cpu_ms is
// this process's CPU per collection (libpq included), wall time includes
// the server; allocs/sample shows that nothing is allocated per sample
// after the first collection (libpq's per-query PGresult allocations
// remain).
// Target (issue 19): ≤ 1.5 ms outpost CPU per default collection against a
// server with 100 tables. tests/bench/postgres_side_by_side.sh makes that
// server and measures postgres_exporter 0.11.1 beside it.
//
//   POSTGRES_BENCH_DSN=postgresql://... build-rel/tests/bench/postgres_bench
#include <time.h>

#include <cstdlib>
#include <string>

#include "benchmark/benchmark.h"
#include "core/base/metric.h"
#include "integrations/postgres/postgres.h"
#include "tests/bench/counting_allocator.h"
#include "tests/bench/integration_bench.h"

namespace {

using outpost::bench::CountingAppender;
using outpost::bench::ProcessCpuSeconds;

void BM_FullDefaultCollection(benchmark::State& state) {
  const char* dsn = std::getenv("POSTGRES_BENCH_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    state.SkipWithError("POSTGRES_BENCH_DSN is not set");
    return;
  }
  outpost::integrations::postgres::Options o;
  o.data_source_names.push_back(outpost::config::Secret(dsn));
  auto integ = outpost::integrations::postgres::NewPostgresIntegration(o);
  if (!integ.ok()) {
    state.SkipWithError(std::string(integ.status().message()).c_str());
    return;
  }
  CountingAppender app;
  absl::Status first = (*integ)->Collect(app, absl::Now() + absl::Seconds(10));
  if (!first.ok()) {
    state.SkipWithError(std::string(first.message()).c_str());
    return;
  }
  app.samples = 0;
  const size_t allocs0 = outpost::bench::AllocationCount();
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    benchmark::DoNotOptimize((*integ)->Collect(app, absl::Now() + absl::Seconds(10)));
  }
  const double n = static_cast<double>(state.iterations());
  const double allocs = static_cast<double>(outpost::bench::AllocationCount() - allocs0) / n;
  state.counters["cpu_ms"] = (ProcessCpuSeconds() - cpu0) * 1e3 / n;
  state.counters["samples"] = static_cast<double>(app.samples) / n;
  state.counters["allocs"] = allocs;
  state.counters["allocs/sample"] = allocs * n / static_cast<double>(app.samples);
}
BENCHMARK(BM_FullDefaultCollection)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
