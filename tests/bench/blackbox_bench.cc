// blackbox integration: whole http probes of a local target through the
// integration (resolve, connect, request, read, every probe_* gauge), when
// BLACKBOX_BENCH_URL=http://127.0.0.1:PORT/path is set. cpu_ms is this
// process's CPU per probe, libcurl included.
//   tests/bench/blackbox_side_by_side.sh runs it beside blackbox_exporter.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "core/config/map_reader.h"
#include "integrations/blackbox/blackbox.h"
#include "tests/bench/counting_allocator.h"
#include "tests/bench/integration_bench.h"

namespace {

using outpost::bench::CountingAppender;
using outpost::bench::ProcessCpuSeconds;
using namespace outpost;
using namespace outpost::integrations;

void BM_HttpProbe(benchmark::State& state) {
  const char* url = std::getenv("BLACKBOX_BENCH_URL");
  if (url == nullptr || *url == '\0') {
    state.SkipWithError("set BLACKBOX_BENCH_URL=http://127.0.0.1:PORT/path to run");
    return;
  }
  config::Errors errors;
  YAML::Node n = YAML::Load(std::string("blackbox_config: {modules: {http_2xx: {prober: http}}}\n"
                                        "blackbox_targets: [{name: b, address: '") +
                            url + "'}]\n");
  config::MapReader m(n, "blackbox", &errors);
  auto opts = blackbox::Spec().Parse(m);
  m.Finish();
  if (!errors.ok()) {
    state.SkipWithError(errors.errors[0].c_str());
    return;
  }
  auto integ = blackbox::NewTargetIntegration(
      std::static_pointer_cast<const blackbox::Options>(opts), 0);
  if (!integ.ok()) {
    state.SkipWithError("cannot build the target");
    return;
  }
  CountingAppender app;
  (void)(*integ)->Collect(app, absl::Now() + absl::Seconds(10));
  app.samples = 0;
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    benchmark::DoNotOptimize((*integ)->Collect(app, absl::Now() + absl::Seconds(10)));
  }
  const double n_iter = static_cast<double>(state.iterations());
  state.counters["cpu_ms"] = (ProcessCpuSeconds() - cpu0) * 1e3 / n_iter;
  state.counters["samples"] = static_cast<double>(app.samples) / n_iter;
}
BENCHMARK(BM_HttpProbe)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
