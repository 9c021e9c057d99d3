// snmp integration: the module engine alone (PDUs to series, no network),
// the built-in if_mib module on the walk of a device with 50 interfaces
// (1950 PDUs, 1902 samples), in steady state (series handles cached by
// SeriesCache): CPU per collection and heap allocations.
#include <benchmark/benchmark.h>

#include "integrations/common/series_cache.h"
#include "integrations/snmp/builtin_modules.h"
#include "integrations/snmp/engine.h"
#include "tests/bench/counting_allocator.h"
#include "tests/bench/integration_bench.h"
#include "tests/integrations/snmp/if_mib_device.h"

namespace {

using namespace outpost;
using namespace outpost::integrations;
using namespace outpost::integrations::snmp;

void BM_IfMib50Interfaces(benchmark::State& state) {
  auto engine = Engine::Create(BuiltinModules().at("if_mib"));
  if (!engine.ok()) {
    state.SkipWithError("if_mib does not compile");
    return;
  }
  const std::vector<Pdu> pdus = test::IfMibDevicePdus(static_cast<int>(state.range(0)));
  bench::CountingAppender app;
  SeriesCache cache;
  bench::RunCollections(state, app, &bench::AllocationCount, [&] {
    cache.Begin(app);
    return (*engine)->Collect(pdus, cache);
  });
  state.counters["pdus"] = static_cast<double>(pdus.size());
}
BENCHMARK(BM_IfMib50Interfaces)->Arg(50)->Arg(500);

}  // namespace

BENCHMARK_MAIN();
