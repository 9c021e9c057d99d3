// WAL throughput: append+commit of Samples records and replay.
//
//   build-wal/tests/bench/wal_bench [--benchmark_filter=...]
//
// Append: 10k series, commits of 1k samples (a collection of 10k series is
// 10 commits), handles cached (refs known), encode + snappy + CRC32C +
// write(2) to a segment in $TMPDIR (or /tmp), no fsync. Replay reads the
// log back and decodes every Samples record. Counters report samples/s and
// bytes per sample on disk.
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/wal/env.h"
#include "core/wal/reader.h"
#include "core/wal/records.h"
#include "core/wal/writer.h"

namespace outpost::wal {
namespace {

constexpr int kSeries = 10000;
constexpr int kPerCommit = 1000;
constexpr int64_t kStart = 1'700'000'000'000;  // ms
constexpr int64_t kInterval = 15'000;

std::string TempDir(const char* name) {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp ? tmp : "/tmp") + "/outpost_wal_bench_" +
                    std::to_string(::getpid()) + "_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// Synthetic collections shaped like exporter output: a third counters
// growing by small steps, a third gauges wandering, a third 0/1 flags.
class SampleSource {
 public:
  SampleSource() : values_(kSeries), gauges_(256) {
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> g(0, 1000);
    for (double& v : gauges_) v = std::round(g(rng) * 100) / 100;
    for (int i = 0; i < kSeries; ++i) values_[i] = i % 3 == 2 ? i % 2 : i * 10.0;
  }
  // Fills the next commit: series [next, next+kPerCommit).
  void Next(std::vector<RefSample>* out) {
    out->resize(kPerCommit);
    const int64_t t = kStart + (commit_ / (kSeries / kPerCommit)) * kInterval;
    const int first = static_cast<int>(commit_ % (kSeries / kPerCommit)) * kPerCommit;
    for (int i = 0; i < kPerCommit; ++i) {
      const int s = first + i;
      double v = values_[s];
      switch (s % 3) {
        case 0: values_[s] = v + (s % 7); break;
        case 1: v = gauges_[(s + commit_) & 255]; break;
        default: break;
      }
      (*out)[i] = RefSample{static_cast<uint64_t>(s + 1), t, v};
    }
    ++commit_;
  }

 private:
  std::vector<double> values_;
  std::vector<double> gauges_;
  uint64_t commit_ = 0;
};

void BM_AppendCommit(benchmark::State& state) {
  const bool compress = state.range(0) != 0;
  const std::string dir = TempDir("append");
  auto w = *Writer::Open(Env::Default(), dir, {.compress = compress});
  SampleSource src;
  std::vector<RefSample> samples;
  std::string rec;
  uint64_t n = 0;
  for (auto _ : state) {
    src.Next(&samples);
    rec.clear();
    EncodeSamples(samples, &rec);
    if (!w->AddRecord(rec).ok()) state.SkipWithError("AddRecord failed");
    n += samples.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["bytes_per_sample"] =
      static_cast<double>(w->stats().bytes_written) / static_cast<double>(n);
  (void)w->Close();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AppendCommit)->Arg(1)->Arg(0)->ArgName("snappy");

// Encoding alone (no log), the floor of the append path.
void BM_EncodeSamples(benchmark::State& state) {
  SampleSource src;
  std::vector<RefSample> samples;
  src.Next(&samples);
  std::string rec;
  for (auto _ : state) {
    rec.clear();
    EncodeSamples(samples, &rec);
    benchmark::DoNotOptimize(rec.data());
  }
  state.SetItemsProcessed(state.iterations() * kPerCommit);
}
BENCHMARK(BM_EncodeSamples);

void BM_Replay(benchmark::State& state) {
  const bool compress = state.range(0) != 0;
  const std::string dir = TempDir("replay");
  constexpr int kCommits = 2000;  // 2M samples
  {
    auto w = *Writer::Open(Env::Default(), dir,
                           {.segment_size = 8 << 20, .compress = compress});
    SampleSource src;
    std::vector<RefSample> samples;
    std::string rec;
    for (int i = 0; i < kCommits; ++i) {
      src.Next(&samples);
      rec.clear();
      EncodeSamples(samples, &rec);
      (void)w->AddRecord(rec);
    }
    (void)w->Close();
  }
  std::vector<RefSample> out;
  uint64_t n = 0;
  for (auto _ : state) {
    auto r = *Reader::Open(Env::Default(), dir, nullptr);
    std::string_view rec;
    while (r->ReadRecord(&rec)) {
      out.clear();
      if (!DecodeSamples(rec, &out).ok()) state.SkipWithError("decode failed");
      n += out.size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Replay)->Arg(1)->Arg(0)->ArgName("snappy");

}  // namespace
}  // namespace outpost::wal

BENCHMARK_MAIN();
