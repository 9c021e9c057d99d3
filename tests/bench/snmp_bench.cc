// snmp integration: whole collections of one target (the fixture module
// if_test of tests/integrations/snmp/testdata: the interfaces and ifX
// tables) against the snmpd at SNMP_BENCH_TARGET=127.0.0.1:port (community
// "public", v2c), over the kept session: cpu_ms is this process's CPU per
// collection (net-snmp's encoding and decoding, the module engine, the
// appends), allocs the operator new calls per collection.
// SNMP_BENCH_CONFIG may name the fixture's path.
//   tests/bench/snmp_side_by_side.sh runs it beside Debian's snmp_exporter.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "core/config/map_reader.h"
#include "integrations/snmp/snmp.h"
#include "tests/bench/counting_allocator.h"
#include "tests/bench/integration_bench.h"

namespace {

using namespace outpost;
using namespace outpost::integrations;

void BM_IfWalk(benchmark::State& state) {
  const char* target = std::getenv("SNMP_BENCH_TARGET");
  if (target == nullptr || *target == '\0') {
    state.SkipWithError("set SNMP_BENCH_TARGET=127.0.0.1:port (an snmpd, community public) to run");
    return;
  }
  // The fixture: SNMP_BENCH_CONFIG, else found from this file's path
  // (relative to the build directory when the build used relative paths).
  const char* config = std::getenv("SNMP_BENCH_CONFIG");
  std::string dir = __FILE__;
  dir = dir.substr(0, dir.rfind('/'));
  const std::string file =
      config != nullptr ? config : dir + "/../integrations/snmp/testdata/if_test.yml";
  const std::string yaml = "config_file: " + file + "\n" +
                           "snmp_targets: [{name: bench, address: \"" + target +
                           "\", module: if_test, auth: test_v2}]\n";
  config::Errors errors;
  YAML::Node node = YAML::Load(yaml);
  config::MapReader m(node, "snmp", &errors);
  auto opts = std::make_shared<snmp::Options>(snmp::ParseOptions(m));
  m.Finish();
  if (!errors.ok()) {
    state.SkipWithError(errors.errors[0].c_str());
    return;
  }
  auto integ = snmp::NewTargetIntegration(opts, 0);
  if (!integ.ok()) {
    state.SkipWithError(std::string(integ.status().message()).c_str());
    return;
  }
  bench::CountingAppender app;
  bench::RunCollections(state, **integ, app, bench::AllocationCount);
}
BENCHMARK(BM_IfWalk)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
