// WAL replay time at start-up (issue 9): writes ~1 GiB of WAL with the
// real writer (wal::Storage on disk, snappy on), then times what the agent
// does at start-up with that directory: IntegrationsWal::Open
// (core/agent/integrations_wal.h), which opens wal::Storage — repairs the
// tail, replays every segment to rebuild the series table — and starts the
// upkeep thread.
//
// Data: 20k node-like series (cpu/device/mode labels, 20 families),
// appended 1000 samples per commit as integrations commit their rounds,
// 15 s apart; a third counters growing by varying steps, a third gauges
// with fractional values, a third mostly constant — roughly what node +
// mysqld + redis produce.
//
// Two timings: cold (each segment's page cache dropped with
// posix_fadvise(POSIX_FADV_DONTNEED) after an fsync, so the files come
// from disk again) and warm (just read). Wall and process CPU time.
//
//   wal_replay_bench            # 1024 MiB
//   wal_replay_bench 256        # another size, MiB
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/agent/integrations_wal.h"
#include "core/base/labels.h"
#include "core/base/log.h"
#include "core/wal/env.h"
#include "core/wal/storage.h"
#include "prometheus/registry.h"

namespace outpost {
namespace {

constexpr int kSeries = 20'000;
constexpr int kPerCommit = 1'000;

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

void DropPageCache(const std::string& dir) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const int fd = open(e.path().c_str(), O_RDONLY);
    if (fd < 0) continue;
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
  }
}

Labels SeriesLabels(int i) {
  return Labels{{"__name__", absl::StrCat("node_bench_metric_", i % 20, "_total")},
                {"cpu", std::to_string(i % 64)},
                {"device", absl::StrCat("dev", i / 64)},
                {"instance", "host-1:12345"},
                {"job", "integrations/node_exporter"},
                {"mode", i % 2 ? "user" : "system"}};
}

// Writes until the directory holds `bytes`; returns the samples written.
int64_t Write(const std::string& wal_dir, uint64_t bytes) {
  auto st = wal::Storage::Open(wal::Env::Default(), wal_dir, wal::StorageOptions{});
  if (!st.ok()) {
    std::fprintf(stderr, "open for writing: %s\n", std::string(st.status().message()).c_str());
    std::exit(1);
  }
  std::unique_ptr<wal::Storage> storage = std::move(*st);
  std::vector<uint64_t> refs(kSeries, 0);
  std::vector<double> value(kSeries, 0);
  uint64_t rng = 88172645463325252ULL;
  auto next = [&rng] {  // xorshift64
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  int64_t t_ms = 1'700'000'000'000;
  int64_t samples = 0;
  for (int64_t round = 0;; ++round) {
    for (int base = 0; base < kSeries; base += kPerCommit) {
      auto app = storage->NewAppender();
      for (int i = base; i < base + kPerCommit; ++i) {
        if (refs[i] == 0) refs[i] = app->Ref(SeriesLabels(i));
        switch (i % 3) {
          case 0: value[i] += static_cast<double>(next() % 5000); break;            // counter
          case 1: value[i] = static_cast<double>(next() % 100000) / 1024.0; break;  // gauge
          default: if (next() % 50 == 0) value[i] += 1; break;                       // mostly flat
        }
        app->Append(refs[i], t_ms, value[i]);
      }
      if (absl::Status s = app->Commit(); !s.ok()) {
        std::fprintf(stderr, "commit: %s\n", std::string(s.message()).c_str());
        std::exit(1);
      }
      samples += kPerCommit;
    }
    t_ms += 15'000;
    if (round % 200 == 0 && storage->stats().storage_size_bytes >= bytes) break;
  }
  (void)storage->Close();
  return samples;
}

void TimeOpen(const std::string& dir, const char* what, int64_t samples, uint64_t bytes) {
  prometheus::Registry registry;
  IntegrationsWal::Options o;
  o.wal_directory = dir;
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  auto wal = IntegrationsWal::Open(o, registry);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  if (!wal.ok()) {
    std::fprintf(stderr, "open: %s\n", std::string(wal.status().message()).c_str());
    std::exit(1);
  }
  const wal::StorageStats s = (*wal)->storage()->stats();
  std::printf("replay %-5s %.0f MiB: %.2f s wall, %.2f s CPU (%.0f MiB/s, %.1f M samples/s wall); "
              "%llu series, %llu corruptions\n",
              what, bytes / 1048576.0, wall, cpu, bytes / 1048576.0 / wall, samples / wall / 1e6,
              static_cast<unsigned long long>(s.active_series),
              static_cast<unsigned long long>(s.corruptions));
  std::fflush(stdout);
  (*wal)->Close();
}

}  // namespace
}  // namespace outpost

int main(int argc, char** argv) {
  outpost::log::SetLevel(outpost::log::Level::kWarn);
  const uint64_t mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1024;
  char tmpl[] = "/tmp/outpost-replay-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string wal_dir = outpost::IntegrationsWal::DirFor(dir);
  std::filesystem::create_directories(wal_dir);
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = outpost::CpuSeconds();
  const int64_t samples = outpost::Write(wal_dir, mib << 20);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const uint64_t bytes = outpost::DirBytes(wal_dir);
  std::printf("wrote %.0f MiB, %lld samples (%.2f bytes/sample) in %.1f s wall, %.1f s CPU\n",
              bytes / 1048576.0, static_cast<long long>(samples),
              static_cast<double>(bytes) / samples, wall, outpost::CpuSeconds() - cpu0);
  outpost::DropPageCache(wal_dir);
  outpost::TimeOpen(dir, "cold", samples, bytes);
  outpost::TimeOpen(dir, "warm", samples, bytes);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
