// WAL storage throughput: append + commit with cached refs (10k series,
// commits of 1k samples, fsync excluded), replay, and bytes per sample.
//
//   build-storage-rel/tests/bench/storage_bench
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/base/log.h"
#include "core/wal/mem_env.h"
#include "core/wal/storage.h"
#include "core/wal/storage_prometheus.h"
#include "prometheus/registry.h"

namespace outpost::wal {
namespace {

constexpr int kSeries = 10'000;
constexpr int kPerCommit = 1'000;
constexpr char kDir[] = "/bench/wal";

Labels BenchLabels(int i) {
  return Labels{{"__name__", "node_cpu_seconds_total"},
                {"cpu", std::to_string(i % 64)},
                {"instance", "host-1:9100"},
                {"job", "integrations/node_exporter"},
                {"mode", std::to_string(i / 64)}};
}

// Values that look like real collections: counters growing by small
// steps, gauges repeating (what makes snappy effective on real data).
double Value(int series, int64_t round) {
  return series % 3 == 0 ? static_cast<double>(round * (series % 17 + 1))
                         : static_cast<double>(series % 5);
}

// Fills `st` with `rounds` collections of all series, 15 s apart.
void Fill(Storage& st, int rounds, std::vector<uint64_t>& refs) {
  auto app = st.NewAppender();
  refs.clear();
  for (int i = 0; i < kSeries; ++i) refs.push_back(app->Ref(BenchLabels(i)));
  for (int r = 0; r < rounds; ++r) {
    const int64_t t = 1'700'000'000'000 + r * 15'000;
    for (int i = 0; i < kSeries; ++i) {
      app->Append(refs[i], t, Value(i, r));
      if ((i + 1) % kPerCommit == 0) (void)app->Commit();
    }
  }
}

void BM_AppendCommit(benchmark::State& state) {
  log::SetLevel(log::Level::kWarn);
  MemEnv env;
  prometheus::Registry registry;
  PrometheusStorageMetrics metrics(registry);
  StorageOptions opts;
  opts.metrics = state.range(0) ? &metrics : nullptr;
  auto st = Storage::Open(&env, kDir, opts);
  std::vector<uint64_t> refs;
  Fill(**st, 1, refs);
  auto app = (*st)->NewAppender();
  int64_t t = 1'800'000'000'000;
  int64_t round = 0;
  for (auto _ : state) {
    t += 15'000;
    ++round;
    for (int i = 0; i < kSeries; ++i) {
      app->Append(refs[i], t, Value(i, round));
      if ((i + 1) % kPerCommit == 0) {
        if (!app->Commit().ok()) state.SkipWithError("commit failed");
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * kSeries);
  const StorageStats s = (*st)->stats();
  state.counters["bytes_per_sample"] =
      static_cast<double>(s.storage_size_bytes) / static_cast<double>(s.samples_appended);
}
BENCHMARK(BM_AppendCommit)->Arg(0)->Arg(1)->ArgName("metrics")->Unit(benchmark::kMillisecond);

void BM_Replay(benchmark::State& state) {
  log::SetLevel(log::Level::kWarn);
  MemEnv env;
  constexpr int kRounds = 100;  // 1M samples
  {
    auto st = Storage::Open(&env, kDir, {});
    std::vector<uint64_t> refs;
    Fill(**st, kRounds, refs);
    (void)(*st)->Close();
  }
  uint64_t bytes = 0;
  for (auto _ : state) {
    // A copy of the directory, so each open replays the same bytes.
    state.PauseTiming();
    MemEnv copy;
    auto names = env.GetChildren(kDir);
    bytes = 0;
    for (const auto& n : *names) {
      std::string data = env.Contents(JoinPath(kDir, n));
      bytes += data.size();
      copy.SetContents(JoinPath(kDir, n), std::move(data));
    }
    (void)copy.CreateDirs(kDir);
    state.ResumeTiming();
    auto st = Storage::Open(&copy, kDir, {});
    if (!st.ok() || (*st)->stats().active_series != kSeries) {
      state.SkipWithError("replay failed");
    }
    state.PauseTiming();
    st->reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kSeries * kRounds);
  state.counters["bytes_per_sample"] =
      static_cast<double>(bytes) / (static_cast<double>(kSeries) * kRounds);
}
BENCHMARK(BM_Replay)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace outpost::wal

BENCHMARK_MAIN();
