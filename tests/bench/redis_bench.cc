// redis_exporter integration: the pure mapping of a real Redis 7 INFO ALL
// into a counting Appender (steady state: handles cached), and, when
// REDIS_BENCH_ADDR=host:port is set, a whole collection against that
// server (the outpost CPU of one collection is the process CPU time per
// iteration reported as "CPU").
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/base/metric.h"
#include "integrations/redis/info.h"
#include "integrations/redis/redis.h"
#include "integrations/redis/sink.h"
#include "tests/bench/integration_bench.h"

namespace {

using outpost::bench::CountingAppender;

using namespace outpost;
using namespace outpost::integrations::redis;

// Counts samples; hands out sequential refs.
std::string Info() {
  // The fixture beside the tests (this file's directory is tests/bench).
  std::string dir = __FILE__;
  dir = dir.substr(0, dir.rfind('/'));
  std::ifstream in(dir + "/../integrations/redis/testdata/info_redis7.txt");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void BM_InfoMapping(benchmark::State& state) {
  const std::string info = Info();
  if (info.empty()) {
    state.SkipWithError("fixture missing");
    return;
  }
  CountingAppender app;
  MetricSink sink("redis");
  InfoParser parser({});
  for (auto _ : state) {
    sink.Begin(app);
    parser.Extract(info, 16, 1700000000, sink);
    sink.End();
  }
  state.counters["samples"] = static_cast<double>(sink.samples());
}
BENCHMARK(BM_InfoMapping);

void BM_FullCollection(benchmark::State& state) {
  const char* addr = std::getenv("REDIS_BENCH_ADDR");
  if (addr == nullptr) {
    state.SkipWithError("set REDIS_BENCH_ADDR=host:port to run");
    return;
  }
  Options o;
  o.redis_addr = addr;
  auto integ = NewRedisIntegration(o);
  if (!integ.ok()) {
    state.SkipWithError("bad REDIS_BENCH_ADDR");
    return;
  }
  CountingAppender app;
  for (auto _ : state) {
    absl::Status st = (*integ)->Collect(app, absl::Now() + absl::Seconds(5));
    benchmark::DoNotOptimize(st);
  }
  state.counters["samples/iter"] =
      benchmark::Counter(static_cast<double>(app.samples), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_FullCollection)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
