// Memory per active series (issue 9): the agent's integrations write path
// end to end, N synthetic series, RSS growth per series.
//
// What runs is what the agent runs for its integrations: a ShippedWal
// (core/agent/shipped_wal.h: wal::Storage on disk in a temp dir, its upkeep
// thread) shipping through remote_write::MakeShipperFactory() (watcher,
// queue manager, shards, libcurl) to a local stub receiver
// (tests/remote_write/support/stub_server.h) that counts the samples, fed
// by a CollectionPipeline (core/agent/pipeline.h) — the Appender every
// integration writes into — with a collector that caches its handles as
// integrations do. Label sets are built on the fly, so the collector
// itself keeps only its handle vector (touched before the baseline).
//
// Phases, each followed by a VmRSS reading from /proc/self/status:
//   baseline   receiver, registry, handle vector; nothing opened
//   wal        WAL opened, shipping started, `rounds` collection rounds
//              committed, every sample acknowledged by the receiver
// and reports (VmRSS - baseline) / N, also VmHWM. Prometheus' agent is
// published at about 3.3 KB per active series.
//
// Each N runs in a fresh child process (this binary re-executes itself),
// so one size's freed-but-kept heap does not hide the next one's.
//
//   series_memory_bench              # 10k, 100k, 1M
//   series_memory_bench 250000       # one size
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/agent/pipeline.h"
#include "core/agent/shipped_wal.h"
#include "core/base/labels.h"
#include "core/base/log.h"
#include "core/base/malloc_tuning.h"
#include "core/base/metric.h"
#include "prometheus/registry.h"
#include "remote_write/endpoint.h"
#include "tests/remote_write/support/stub_server.h"

namespace outpost {
namespace {

constexpr int kPerFamily = 1000;
constexpr int kRounds = 3;

long StatusKb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string k;
  long v = 0;
  while (in >> k) {
    if (k == key) {
      in >> v;
      return v;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

// Node-like label sets: a device, a cpu and a mode, ~40 bytes of values.
Labels SeriesLabels(int64_t i) {
  return Labels{{"cpu", std::to_string(i % 64)},
                {"device", absl::StrCat("dev", i / 64)},
                {"mode", i % 2 ? "user" : "system"}};
}

TargetOptions Target() {
  TargetOptions t;
  t.job = "integrations/bench";
  t.instance = "host-1:12345";
  t.address = "127.0.0.1:12345";
  t.metrics_path = "/integrations/bench/metrics";
  t.agent_hostname = "host-1";
  t.scrape_interval = absl::Seconds(15);
  return t;
}

int RunOne(int64_t n) {
  TuneMalloc();  // as the agent's main() does
  log::SetLevel(log::Level::kWarn);
  std::atomic<int64_t> received{0};
  auto stub = remote_write::testing::StubServer::Start(
      {"/api/v1/write"}, [&](const remote_write::testing::StubRequest& r) {
        const long c = remote_write::testing::CountRemoteWriteSamples(r.body);
        if (c > 0) received += c;
        return remote_write::testing::StubResponse{204, "text/plain", ""};
      });
  char tmpl[] = "/tmp/outpost-series-mem-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  prometheus::Registry registry;
  const int64_t families_n = (n + kPerFamily - 1) / kPerFamily;
  std::vector<std::unique_ptr<MetricFamily>> families;
  for (int64_t f = 0; f < families_n; ++f) {
    families.push_back(std::make_unique<MetricFamily>(MetricFamily{
        absl::StrCat("bench_metric_", f, "_total"), MetricType::kCounter, "A benchmark counter.", ""}));
  }
  std::vector<SeriesRef> handles(n, 0);  // touched: part of the baseline
  const long base = StatusKb("VmRSS:");

  IntegrationsWal::Options wo;
  wo.wal_directory = dir;
  wo.shipped = true;
  auto wal = ShippedWal::Open(wo, registry);
  if (!wal.ok()) {
    std::fprintf(stderr, "open: %s\n", std::string(wal.status().message()).c_str());
    return 1;
  }
  config::RemoteWriteConfig rw;
  rw.url = stub->url("/api/v1/write");
  rw.name = "bench";
  if (absl::Status st = (*wal)->Ship(remote_write::MakeShipperFactory(), {rw},
                                     {{"cluster", "bench"}}, registry);
      !st.ok()) {
    std::fprintf(stderr, "ship: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  auto pipeline = std::make_unique<CollectionPipeline>(Target(), (*wal)->storage());
  absl::Time t = absl::Now() - absl::Seconds(15 * kRounds);
  const auto start = std::chrono::steady_clock::now();
  for (int round = 1; round <= kRounds; ++round) {
    for (int64_t i = 0; i < n; ++i) {
      if (handles[i] == 0) handles[i] = pipeline->Series(*families[i / kPerFamily], SeriesLabels(i), {});
      pipeline->Add(handles[i], static_cast<double>(round * (i % 7)));
    }
    t += absl::Seconds(15);
    if (absl::Status st = pipeline->CommitRound(t, absl::OkStatus(), absl::Milliseconds(1)); !st.ok()) {
      std::fprintf(stderr, "commit: %s\n", std::string(st.message()).c_str());
      return 1;
    }
  }
  // Every sample of the collector reaches the receiver (plus the five
  // report series per round).
  const int64_t want = n * kRounds;
  for (int i = 0; i < 6000 && received.load() < want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (received.load() < want) {
    std::fprintf(stderr, "receiver got %lld of %lld samples\n",
                 static_cast<long long>(received.load()), static_cast<long long>(want));
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // queues settle
  const long rss = StatusKb("VmRSS:");
  const long hwm = StatusKb("VmHWM:");
  std::printf("%9lld series: RSS +%8.1f MiB = %6.0f B/series (VmHWM %7.1f MiB; baseline %.1f MiB); "
              "%lld samples shipped in %.1f s\n",
              static_cast<long long>(n), (rss - base) / 1024.0, (rss - base) * 1024.0 / n,
              hwm / 1024.0, base / 1024.0, static_cast<long long>(received.load()), secs);
  // Live heap against what malloc holds: the difference is free chunks the
  // heap cannot return (fragmentation), per arena.
  const struct mallinfo2 mi = mallinfo2();
  std::printf("%9s  heap in use %6.0f B/series, free in heap %.1f MiB, mmapped %.1f MiB\n", "",
              static_cast<double>(mi.uordblks) / n, mi.fordblks / 1048576.0, mi.hblkhd / 1048576.0);
  if (std::getenv("OUTPOST_BENCH_MALLOC_STATS") != nullptr) malloc_stats();
  std::fflush(stdout);
  // Leaves everything allocated, so `heaptrack --print-leaks` lists what
  // the measured state holds, by call site.
  if (std::getenv("OUTPOST_BENCH_EXIT_AT_MEASURE") != nullptr) _exit(0);
  (*wal)->StopShipper(absl::Seconds(5));
  pipeline.reset();
  wal->reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}

}  // namespace
}  // namespace outpost

int main(int argc, char** argv) {
  if (argc > 1) return outpost::RunOne(std::atoll(argv[1]));
  std::printf("memory per active series (Prometheus agent: ~3.3 KB/series)\n");
  std::fflush(stdout);
  int rc = 0;
  for (const char* n : {"10000", "100000", "1000000"}) {
    const pid_t pid = fork();
    if (pid == 0) {
      execl("/proc/self/exe", argv[0], n, static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) rc = 1;
  }
  return rc;
}
