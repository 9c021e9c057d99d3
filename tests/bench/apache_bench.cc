// apache_http integration: the parse + append of a captured `?auto` page
// of Debian's apache2 (event MPM, proxy balancer of two members) into a
// counting Appender (steady state: handles cached), and, when
// APACHE_BENCH_URI=http://host:port/server-status?auto is set, whole
// collections against that server over the kept connection (cpu_ms: this
// process's CPU per collection, libcurl included). allocs counts operator
// new per collection: 0 for the parse, a fixed few for the HTTP request
// (libcurl's own buffers are malloc'd, not counted), none per sample.
//   tests/bench/apache_side_by_side.sh runs the second beside the Go exporter.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/base/metric.h"
#include "integrations/apache/apache.h"
#include "integrations/apache/status.h"
#include "integrations/common/series_cache.h"
#include "tests/bench/counting_allocator.h"
#include "tests/bench/integration_bench.h"

namespace {

using outpost::bench::CountingAppender;
using outpost::bench::ProcessCpuSeconds;
using namespace outpost;
using namespace outpost::integrations;

std::string Page() {
  std::string dir = __FILE__;
  dir = dir.substr(0, dir.rfind('/'));
  std::ifstream in(dir + "/../integrations/apache/testdata/status_event_balancer.txt");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void BM_ParseCapturedPage(benchmark::State& state) {
  const std::string page = Page();
  if (page.empty()) {
    state.SkipWithError("fixture missing");
    return;
  }
  CountingAppender app;
  SeriesCache cache;
  apache::StatusCollector status;
  cache.Begin(app);
  if (!status.Collect(page, cache).ok()) {
    state.SkipWithError("page does not parse");
    return;
  }
  app.samples = 0;
  const size_t allocs0 = bench::AllocationCount();
  for (auto _ : state) {
    cache.Begin(app);
    benchmark::DoNotOptimize(status.Collect(page, cache));
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["samples"] = static_cast<double>(app.samples) / n;
  state.counters["allocs"] = static_cast<double>(bench::AllocationCount() - allocs0) / n;
}
BENCHMARK(BM_ParseCapturedPage);

void BM_FullCollection(benchmark::State& state) {
  const char* uri = std::getenv("APACHE_BENCH_URI");
  if (uri == nullptr || *uri == '\0') {
    state.SkipWithError("set APACHE_BENCH_URI=http://host:port/server-status?auto to run");
    return;
  }
  apache::Options o;
  o.scrape_uri = uri;
  auto integ = apache::NewApacheIntegration(o);
  if (!integ.ok()) {
    state.SkipWithError("bad APACHE_BENCH_URI");
    return;
  }
  CountingAppender app;
  (void)(*integ)->Collect(app, absl::Now() + absl::Seconds(5));
  app.samples = 0;
  const size_t allocs0 = bench::AllocationCount();
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    benchmark::DoNotOptimize((*integ)->Collect(app, absl::Now() + absl::Seconds(5)));
  }
  const double n = static_cast<double>(state.iterations());
  const double allocs = static_cast<double>(bench::AllocationCount() - allocs0) / n;
  state.counters["cpu_ms"] = (ProcessCpuSeconds() - cpu0) * 1e3 / n;
  state.counters["samples"] = static_cast<double>(app.samples) / n;
  state.counters["allocs"] = allocs;
  state.counters["allocs/sample"] = allocs * n / static_cast<double>(app.samples);
}
BENCHMARK(BM_FullCollection)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
