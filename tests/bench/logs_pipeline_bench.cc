// logs_pipeline_bench: a plain file → the logs instance (file reader, Loki
// client, protobuf + snappy, HTTP) → a null Loki receiver in a child
// process (answers 204, reads and discards the body), as the agent runs it.
// Reports the agent side's CPU time per line (the receiver's CPU is in
// another process and not counted) and its heap allocations per line.
//
//   build-rel/tests/bench/logs_pipeline_bench --benchmark_min_time=1
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CivetServer.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "benchmark/benchmark.h"
#include "logs/instance.h"
#include "prometheus/registry.h"
#include "tests/bench/counting_allocator.h"
#include "tests/support/free_port.h"

namespace {

class NullHandler : public CivetHandler {
 public:
  bool handlePost(CivetServer*, mg_connection* conn) override {
    char buf[65536];
    while (mg_read(conn, buf, sizeof(buf)) > 0) {
    }
    mg_printf(conn, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    return true;
  }
};

// Forks a child serving the null receiver on `port`; returns its pid.
pid_t StartReceiver(int port) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<std::string> options = {"listening_ports", "127.0.0.1:" + std::to_string(port),
                                        "num_threads", "4", "enable_keep_alive", "yes"};
    CivetServer server(options);
    NullHandler handler;
    server.addHandler("/loki/api/v1/push", handler);
    pause();
    _exit(0);
  }
  return pid;
}

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double Sent(prometheus::Registry& registry) {
  double sum = 0;
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    if (f.name != "promtail_sent_entries_total") continue;
    for (const prometheus::ClientMetric& m : f.metric) sum += m.counter.value;
  }
  return sum;
}

// Lines of 200 bytes (with their '\n'), numbered.
void WriteLines(const std::string& path, int64_t n) {
  std::ofstream out(path, std::ios::trunc);
  std::string pad(200 - 1 - 12, 'x');
  char num[32];
  for (int64_t i = 0; i < n; ++i) {
    std::snprintf(num, sizeof(num), "%011lld ", static_cast<long long>(i));
    out << num << pad << '\n';
  }
}

void BM_FileToLoki(benchmark::State& state) {
  const int64_t lines = state.range(0);
  const std::string dir = std::filesystem::temp_directory_path() / "outpost-logs-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteLines(dir + "/app.log", lines);
  const int port = outpost::testing::FreePort();
  const pid_t receiver = StartReceiver(port);
  usleep(300 * 1000);

  double cpu = 0, allocs = 0, wall = 0;
  int rounds = 0;
  for (auto _ : state) {
    std::filesystem::remove_all(dir + "/positions");
    prometheus::Registry registry;
    outpost::config::LogsInstanceConfig cfg;
    cfg.name = "bench";
    cfg.positions.filename = dir + "/positions/bench.yml";
    outpost::config::LokiClientConfig client;
    client.http.url = "http://127.0.0.1:" + std::to_string(port) + "/loki/api/v1/push";
    client.http.remote_timeout = absl::Seconds(10);
    cfg.clients.push_back(client);
    outpost::config::LogsScrapeConfig sc;
    sc.job_name = "bench";
    sc.static_configs.push_back({{"localhost"}, {{"__path__", dir + "/app.log"}, {"job", "bench"}}});
    cfg.scrape_configs.push_back(sc);
    outpost::logs::InstanceOptions o;
    o.config = cfg;
    o.registry = &registry;
    o.cwd = dir;
    o.hostname = "bench";
    const double c0 = CpuSeconds();
    const uint64_t a0 = outpost::bench::AllocationCount();
    const absl::Time t0 = absl::Now();
    auto inst = outpost::logs::LogsInstance::Start(o);
    if (!inst.ok()) {
      state.SkipWithError(std::string(inst.status().message()).c_str());
      break;
    }
    // The polling's own allocations (Registry::Collect) are not the agent's.
    uint64_t polling = 0;
    while (true) {
      const uint64_t p0 = outpost::bench::AllocationCount();
      const bool done = Sent(registry) >= static_cast<double>(lines);
      polling += outpost::bench::AllocationCount() - p0;
      if (done) break;
      usleep(20000);
    }
    (*inst)->Stop(absl::Seconds(10));
    wall += absl::ToDoubleSeconds(absl::Now() - t0);
    cpu += CpuSeconds() - c0;
    allocs += static_cast<double>(outpost::bench::AllocationCount() - a0 - polling);
    ++rounds;
  }
  kill(receiver, SIGKILL);
  waitpid(receiver, nullptr, 0);
  std::filesystem::remove_all(dir);
  const double total = static_cast<double>(lines) * rounds;
  state.counters["lines_per_cpu_s"] = total / cpu;
  state.counters["lines_per_wall_s"] = total / wall;
  state.counters["allocs_per_line"] = allocs / total;
}
BENCHMARK(BM_FileToLoki)->Arg(1000000)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
