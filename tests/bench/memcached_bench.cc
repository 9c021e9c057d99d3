// memcached_exporter integration cost per collection, in steady state
// (series handles cached, buffers grown), into an Appender that only
// counts:
//   BM_ParseAndMap: the captured replies of Debian's memcached 1.6.18
//     (tests/integrations/memcached/testdata: 6 slab classes) parsed and
//     mapped, no I/O.
//   BM_FullCollection: whole collections over the kept connection against
//     a memcached (MEMCACHED_BENCH_ADDR=host:port, else one this binary
//     starts on a free port, loaded as the live test loads it). cpu_ms is
//     this process's CPU per collection; the server's is not counted.
// allocs/sample shows that nothing is allocated per sample after the
// first collection. Target (issue 20): ≤ 0.1 ms CPU per collection.
// No Debian package of memcached_exporter exists to measure beside it.
//
//   build/tests/bench/memcached_bench
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "benchmark/benchmark.h"
#include "core/base/metric.h"
#include "integrations/common/series_cache.h"
#include "integrations/memcached/exporter.h"
#include "integrations/memcached/memcached.h"
#include "integrations/memcached/stats.h"
#include "tests/bench/counting_allocator.h"
#include "tests/bench/integration_bench.h"
#include "tests/support/memcached_server.h"

namespace {

using outpost::bench::CountingAppender;
namespace mc = outpost::integrations::memcached;

std::string Testdata(const std::string& name) {
  std::string dir = __FILE__;
  dir = dir.substr(0, dir.rfind('/'));
  std::ifstream in(dir + "/../integrations/memcached/testdata/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void BM_ParseAndMap(benchmark::State& state) {
  const std::string stats = Testdata("stats.txt"), slabs = Testdata("stats_slabs.txt"),
                    items = Testdata("stats_items.txt"), settings = Testdata("stats_settings.txt");
  if (stats.empty() || settings.empty()) {
    state.SkipWithError("fixture missing");
    return;
  }
  CountingAppender app;
  outpost::integrations::SeriesCache cache;
  mc::Stats s;
  mc::Settings st;
  outpost::bench::RunCollections(state, app, outpost::bench::AllocationCount, [&] {
    cache.Begin(app);
    bool ok = mc::ParseStats(stats, slabs, items, &s) && mc::AddStats(s, cache);
    ok &= mc::ParseSettings(settings, &st) && mc::AddSettings(st, cache);
    cache.Add(mc::Families()[mc::kMetricUp], ok ? 1 : 0);
    return ok ? absl::OkStatus() : absl::DataLossError("the fixture does not parse");
  });
}
BENCHMARK(BM_ParseAndMap)->Unit(benchmark::kMicrosecond);

void BM_FullCollection(benchmark::State& state) {
  std::unique_ptr<outpost::testing::MemcachedServer> own;
  std::string addr;
  if (const char* env = std::getenv("MEMCACHED_BENCH_ADDR"); env != nullptr && *env != '\0') {
    addr = env;
  } else {
    own = std::make_unique<outpost::testing::MemcachedServer>();
    if (!own->Start()) {
      state.SkipWithError(own->error().c_str());
      return;
    }
    if (!own->SetMany(1800)) {
      state.SkipWithError("loading memcached failed");
      return;
    }
    addr = own->addr();
  }
  mc::Options o;
  o.memcached_address = addr;
  auto integ = mc::NewMemcachedIntegration(o);
  if (!integ.ok()) {
    state.SkipWithError(std::string(integ.status().message()).c_str());
    return;
  }
  CountingAppender app;
  outpost::bench::RunCollections(state, **integ, app, outpost::bench::AllocationCount);
}
BENCHMARK(BM_FullCollection)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
