// Steady-state cost of one collection round through the whole write path:
// a collector with 10k series whose handles are cached (MetricFamily
// members, Appender::Series once) adds one value per series, then
// CollectionPipeline::CommitRound merges nothing new, writes the samples
// (plus the 5 report series) through wal::Storage into the log on an
// in-memory Env (no fsync, no disk).
//
// Reported per benchmark:
//   ns_per_sample      CPU time of the rounds (this thread) / collector
//                      samples
//   allocs_per_sample  heap allocations (operator new, counted by the
//                      replacement below) during the timed rounds / samples
//   allocs_per_round   the same per round (the issue wants none per sample)
//
//   cmake --build build-walsize-rel --target pipeline_bench
//   build-walsize-rel/tests/bench/pipeline_bench
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/agent/pipeline.h"
#include "core/base/log.h"
#include "core/wal/mem_env.h"
#include "core/wal/storage.h"
#include "core/wal/storage_prometheus.h"
#include "prometheus/registry.h"
#include "tests/bench/counting_allocator.h"


namespace outpost {
namespace {

constexpr int kFamilies = 10;
constexpr int kPerFamily = 1'000;
constexpr int kSeries = kFamilies * kPerFamily;
constexpr char kDir[] = "/bench/integrations/wal";

// A collector in the recommended shape: families and label sets built
// once, handles fetched on the first collection and kept.
class CachedCollector {
 public:
  CachedCollector() {
    for (int f = 0; f < kFamilies; ++f) {
      families_.push_back(std::make_unique<MetricFamily>(
          MetricFamily{"bench_metric_" + std::to_string(f) + "_total", MetricType::kCounter,
                       "A benchmark counter.", ""}));
    }
    for (int i = 0; i < kSeries; ++i) {
      labels_.push_back(Labels{{"cpu", std::to_string(i % 64)},
                               {"device", "dev" + std::to_string(i / 64)},
                               {"mode", i % 2 ? "user" : "system"}});
    }
  }
  void Collect(Appender& app, int64_t round) {
    if (handles_.empty()) {
      for (int i = 0; i < kSeries; ++i) {
        handles_.push_back(app.Series(*families_[i / kPerFamily], labels_[i]));
      }
    }
    // Counters growing by small steps, some repeating (like real data).
    for (int i = 0; i < kSeries; ++i) {
      app.Add(handles_[i], i % 3 == 0 ? static_cast<double>(round * (i % 17 + 1))
                                      : static_cast<double>(i % 5));
    }
  }

 private:
  std::vector<std::unique_ptr<MetricFamily>> families_;
  std::vector<Labels> labels_;
  std::vector<SeriesRef> handles_;
};

int64_t ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

TargetOptions Target() {
  TargetOptions t;
  t.job = "integrations/bench";
  t.instance = "host-1";
  t.address = "127.0.0.1:12345";
  t.metrics_path = "/integrations/bench/metrics";
  t.agent_hostname = "host-1";
  return t;
}

// Arg: 1 = with the agent's self-metrics (PrometheusStorageMetrics).
void BM_PipelineRound(benchmark::State& state) {
  log::SetLevel(log::Level::kWarn);
  wal::MemEnv env;
  prometheus::Registry registry;
  wal::PrometheusStorageMetrics metrics(registry);
  wal::StorageOptions opts;
  opts.metrics = state.range(0) ? &metrics : nullptr;
  absl::StatusOr<std::unique_ptr<wal::Storage>> st = wal::Storage::Open(&env, kDir, opts);
  if (!st.ok()) {
    state.SkipWithError("open failed");
    return;
  }
  std::shared_ptr<wal::Storage> storage = std::move(*st);
  CollectionPipeline pipeline(Target(), storage);
  CachedCollector collector;
  absl::Time t = absl::FromUnixSeconds(1'800'000'000);
  int64_t round = 0;
  auto one_round = [&] {
    t += absl::Seconds(15);
    ++round;
    collector.Collect(pipeline, round);
    return pipeline.CommitRound(t, absl::OkStatus(), absl::Milliseconds(3));
  };
  // Warm-up: series creation, Series records, metadata; reused buffers
  // reach their steady size.
  for (int i = 0; i < 3; ++i) {
    if (!one_round().ok()) state.SkipWithError("commit failed");
  }
  const uint64_t allocs_before = bench::AllocationCount();
  const int64_t cpu_before = ThreadCpuNanos();
  for (auto _ : state) {
    if (!one_round().ok()) state.SkipWithError("commit failed");
  }
  const int64_t cpu_ns = ThreadCpuNanos() - cpu_before;
  const uint64_t allocs = bench::AllocationCount() - allocs_before;
  const double samples = static_cast<double>(state.iterations()) * kSeries;
  state.SetItemsProcessed(state.iterations() * kSeries);
  // CPU time of this thread (the machine is shared: wall time is noisy).
  state.counters["ns_per_sample"] = static_cast<double>(cpu_ns) / samples;
  state.counters["allocs_per_sample"] = static_cast<double>(allocs) / samples;
  state.counters["allocs_per_round"] =
      static_cast<double>(allocs) / static_cast<double>(state.iterations());
  const wal::StorageStats s = storage->stats();
  state.counters["ooo_samples"] = static_cast<double>(s.out_of_order_samples);
}
BENCHMARK(BM_PipelineRound)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace outpost

BENCHMARK_MAIN();
