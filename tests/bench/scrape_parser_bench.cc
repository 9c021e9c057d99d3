// Throughput of the scrape parser (core/scrape/text_parser.h) on a
// node_exporter-shaped body: the steady-state path of a scrape (Next() and
// the raw series text, as the scrape cache uses it; no Labels built) and
// the first-scrape path (Labels() for every sample).
//   ./build/tests/bench/scrape_parser_bench
// Issue 11 asks for >= 200 MB/s on one core.
#include <benchmark/benchmark.h>

#include <string>

#include "core/scrape/text_parser.h"

namespace outpost::scrape {
namespace {

// ~100k series: counters with 2-3 labels, a histogram family, gauges.
std::string Body(int series) {
  std::string b;
  b.reserve(static_cast<size_t>(series) * 90);
  int n = 0;
  for (int f = 0; n < series; ++f) {
    const std::string name = "node_family_" + std::to_string(f);
    b += "# HELP " + name + "_total Seconds the CPUs spent in each mode.\n";
    b += "# TYPE " + name + "_total counter\n";
    for (int i = 0; i < 100 && n < series; ++i, ++n) {
      b += name + "_total{cpu=\"" + std::to_string(i % 16) + "\",mode=\"m" + std::to_string(i) +
           "\"} " + std::to_string(1234567.89 + i) + "\n";
    }
    b += "# TYPE " + name + "_seconds histogram\n";
    for (const char* le : {"0.005", "0.01", "0.1", "1", "10", "+Inf"}) {
      b += name + "_seconds_bucket{handler=\"/api/v1/query\",le=\"" + le + "\"} 42\n";
      ++n;
    }
    b += name + "_seconds_sum{handler=\"/api/v1/query\"} 1.5e-3\n";
    b += name + "_seconds_count{handler=\"/api/v1/query\"} 42\n";
    n += 2;
  }
  return b;
}

void BM_ParseSteadyState(benchmark::State& state) {
  const std::string body = Body(static_cast<int>(state.range(0)));
  size_t samples = 0;
  for (auto _ : state) {
    TextParser p(body, Format::kPrometheusText);
    for (;;) {
      absl::StatusOr<TextParser::Entry> e = p.Next();
      if (!e.ok() || *e == TextParser::Entry::kEnd) break;
      if (*e == TextParser::Entry::kSeries) {
        benchmark::DoNotOptimize(p.series().size());
        benchmark::DoNotOptimize(p.value());
        ++samples;
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(samples),
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseSteadyState)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ParseWithLabels(benchmark::State& state) {
  const std::string body = Body(static_cast<int>(state.range(0)));
  Labels l;
  for (auto _ : state) {
    TextParser p(body, Format::kPrometheusText);
    for (;;) {
      absl::StatusOr<TextParser::Entry> e = p.Next();
      if (!e.ok() || *e == TextParser::Entry::kEnd) break;
      if (*e == TextParser::Entry::kSeries) benchmark::DoNotOptimize(p.Labels(&l).ok());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ParseWithLabels)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace outpost::scrape

BENCHMARK_MAIN();
