// One scrape's worth of work after the HTTP fetch: parse a 100k-series
// body and append it through the scrape cache (target labels, staleness
// bookkeeping, report series) into the WAL storage (in memory, so disk
// speed does not count). Steady state: every series is cached.
//   ./build/tests/bench/scrape_append_bench
#include <benchmark/benchmark.h>
#include <time.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "core/base/log.h"
#include "core/scrape/scrape_cache.h"
#include "core/wal/mem_env.h"
#include "core/wal/storage.h"

namespace outpost::scrape {
namespace {

int64_t ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::string Body(int series) {
  std::string b;
  for (int f = 0, n = 0; n < series; ++f) {
    const std::string name = absl::StrCat("app_family_", f, "_total");
    absl::StrAppend(&b, "# HELP ", name, " A counter.\n# TYPE ", name, " counter\n");
    for (int i = 0; i < 100 && n < series; ++i, ++n) {
      absl::StrAppend(&b, name, "{instance_id=\"", i % 16, "\",path=\"/api/v1/p", i, "\"} ",
                      1234567 + i, "\n");
    }
  }
  return b;
}

void BM_ScrapeAppend(benchmark::State& state) {
  log::SetLevel(log::Level::kWarn);
  const std::string body = Body(static_cast<int>(state.range(0)));
  wal::MemEnv env;
  absl::StatusOr<std::unique_ptr<wal::Storage>> st =
      wal::Storage::Open(&env, "/wal", wal::StorageOptions{});
  if (!st.ok()) {
    state.SkipWithError("open failed");
    return;
  }
  std::shared_ptr<wal::Storage> storage = std::move(*st);
  AppendOptions o;
  o.target = Labels{{"job", "app"}, {"instance", "10.0.0.1:8080"}};
  ScrapeCache cache(o, storage);
  absl::Time t = absl::FromUnixSeconds(1'800'000'000);
  for (int i = 0; i < 2; ++i) {  // warm-up: series created
    t += absl::Seconds(15);
    if (!cache.Append(absl::OkStatus(), body, "text/plain", t, absl::Milliseconds(1)).ok()) {
      state.SkipWithError("append failed");
    }
  }
  const int64_t cpu_before = ThreadCpuNanos();
  for (auto _ : state) {
    t += absl::Seconds(15);
    if (!cache.Append(absl::OkStatus(), body, "text/plain", t, absl::Milliseconds(1)).ok()) {
      state.SkipWithError("append failed");
    }
  }
  const int64_t cpu_ns = ThreadCpuNanos() - cpu_before;
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["cpu_ms_per_scrape"] =
      static_cast<double>(cpu_ns) / 1e6 / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ScrapeAppend)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace outpost::scrape

BENCHMARK_MAIN();
