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
  outpost::bench::RunCollections(state, **integ, app, outpost::bench::AllocationCount);
}
BENCHMARK(BM_FullDefaultCollection)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
