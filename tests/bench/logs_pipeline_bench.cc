// logs_pipeline_bench: a plain file → the logs instance (file reader, Loki
// client, protobuf + snappy, HTTP) → a null Loki receiver in a child
// process (answers 204, reads and discards the body), as the agent runs it.
// Reports the agent side's CPU time per line (the receiver's CPU is in
// another process and not counted) and its heap allocations per line;
// without stages and with the pipelines of issue 18 (see kStages).
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
#include "logs/stages/pipeline.h"
#include "yaml-cpp/yaml.h"
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

// The pipelines the issue names, and the lines they are fed (200 bytes
// with their '\n').
enum Kind { kPlain, kApache, kJson, kRegexLabels };

const char* const kStages[] = {
    "",
    // The apache combined-log pipeline (corpus file 04's expression).
    R"y(
- regex:
    expression: '^(?P<ip>[^ ]*) [^ ]* (?P<user>[^ ]*) \[(?P<timestamp>[^\]]*)\] "(?P<method>\S+)(?: +(?P<path>[^ ]*) +\S*)?" (?P<code>[^ ]*) (?P<size>[^ ]*)(?: "(?P<referer>[^\"]*)" "(?P<agent>.*)")?$'
- labels:
    method:
    code:
- timestamp:
    source: timestamp
    format: '02/Jan/2006:15:04:05 -0700'
)y",
    R"y(
- json:
    expressions:
      level:
      ts:
      msg:
      caller:
      trace_id:
- labels:
    level:
- timestamp:
    source: ts
    format: RFC3339Nano
)y",
    // No allocation per line: regex, labels, static_labels.
    R"y(
- regex:
    expression: '^\d+ (?P<level>\w+) (?P<msg>.*)$'
- labels:
    level:
- static_labels:
    env: bench
)y",
};

void WriteLines(const std::string& path, int64_t n, Kind kind) {
  std::ofstream out(path, std::ios::trunc);
  std::string line;
  char buf[256];
  static const char* const kLevels[] = {"info", "warn", "error", "debug"};
  static const char* const kMethods[] = {"GET", "POST", "PUT"};
  static const char* const kCodes[] = {"200", "404", "500", "304"};
  for (int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<size_t>(i);
    switch (kind) {
      case kPlain:
        std::snprintf(buf, sizeof(buf), "%011lld ", static_cast<long long>(i));
        break;
      case kApache:
        std::snprintf(buf, sizeof(buf),
                      "10.0.%lld.%lld - - [10/Oct/2000:13:%02lld:%02lld -0700] \"%s /a/%lld "
                      "HTTP/1.1\" %s %lld \"http://example.com/\" \"curl/7.88\" ",
                      static_cast<long long>((i / 256) % 256), static_cast<long long>(i % 256),
                      static_cast<long long>((i / 60) % 60), static_cast<long long>(i % 60),
                      kMethods[k % 3], static_cast<long long>(i), kCodes[k % 4],
                      static_cast<long long>(i % 5000));
        break;
      case kJson:
        std::snprintf(buf, sizeof(buf),
                      "{\"level\":\"%s\",\"ts\":\"2024-05-01T10:00:%02lld.%09lldZ\",\"msg\":"
                      "\"request %lld done\",\"caller\":\"main.go:42\",\"trace_id\":\"%016llx\",\"x\":\"",
                      kLevels[k % 4], static_cast<long long>(i % 60),
                      static_cast<long long>(i % 1000000000), static_cast<long long>(i),
                      static_cast<unsigned long long>(i * 2654435761u));
        break;
      case kRegexLabels:
        std::snprintf(buf, sizeof(buf), "%011lld %s ", static_cast<long long>(i), kLevels[k % 4]);
        break;
    }
    line = buf;
    line.resize(kind == kJson ? 197 : 199, 'x');
    if (kind == kJson) line += "\"}";
    out << line << '\n';
  }
}

// The stages of `yaml` as the loader keeps them.
std::vector<outpost::config::PipelineStage> Stages(const std::string& yaml) {
  std::vector<outpost::config::PipelineStage> out;
  if (yaml.empty()) return out;
  YAML::Node list = YAML::Load(yaml);
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "pipeline_stages[" + std::to_string(i) + "]";
    out.push_back({list[i].begin()->first.Scalar(), list[i].begin()->second, "bench: " + path,
                   "bench", path});
  }
  return out;
}

void BM_FileToLoki(benchmark::State& state) {
  const int64_t lines = state.range(0);
  const auto kind = static_cast<Kind>(state.range(1));
  const std::string dir = std::filesystem::temp_directory_path() / "outpost-logs-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteLines(dir + "/app.log", lines, kind);
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
    sc.pipeline_stages = Stages(kStages[kind]);
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
// The stages alone, one core, on the same lines: CPU per line and heap
// allocations per line once warm (the reader's reuse of one Entry).
void BM_StagesOnly(benchmark::State& state) {
  const auto kind = static_cast<Kind>(state.range(0));
  const std::string dir = std::filesystem::temp_directory_path() / "outpost-stages-bench";
  std::filesystem::create_directories(dir);
  WriteLines(dir + "/lines", 4096, kind);
  std::vector<std::string> lines;
  {
    std::ifstream in(dir + "/lines");
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  std::filesystem::remove_all(dir);
  outpost::config::Errors errors;
  outpost::logs::stages::StageContext ctx;
  auto p = outpost::logs::stages::Pipeline::Build(Stages(kStages[kind]), ctx, &errors);
  if (p == nullptr) {
    state.SkipWithError(errors.errors.empty() ? "no pipeline" : errors.errors.front().c_str());
    return;
  }
  struct Null final : outpost::logs::stages::Output {
    void Emit(outpost::logs::stages::Entry& e) override { bytes += e.line.size(); }
    void Dropped(const outpost::logs::stages::Entry&) override {}
    size_t bytes = 0;
  } sink;
  const outpost::Labels base{{"filename", "/var/log/apache2/access.log"}, {"job", "bench"}};
  outpost::logs::stages::Entry e;
  size_t i = 0;
  auto one = [&] {
    e.labels.AssignFrom(base);
    e.extracted.Clear();
    for (const outpost::Label& l : e.labels) e.extracted.SetString(l.name, l.value);
    e.line.assign(lines[i++ % lines.size()]);
    e.ts_ns = 1;
    e.structured_metadata.Clear();
    p->Process(e, sink);
  };
  for (int w = 0; w < 10000; ++w) one();  // warm: every buffer at its size
  const uint64_t a0 = outpost::bench::AllocationCount();
  int64_t n = 0;
  for (auto _ : state) {
    one();
    ++n;
  }
  state.counters["allocs_per_line"] =
      static_cast<double>(outpost::bench::AllocationCount() - a0) / static_cast<double>(n);
  state.counters["lines_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_StagesOnly)->ArgName("stages")->Arg(kApache)->Arg(kJson)->Arg(kRegexLabels);

// Arguments: lines, pipeline (0 none, 1 apache regex+labels+timestamp,
// 2 json+labels+timestamp, 3 regex+labels+static_labels).
BENCHMARK(BM_FileToLoki)
    ->ArgNames({"lines", "stages"})
    ->Args({1000000, kPlain})
    ->Args({1000000, kApache})
    ->Args({1000000, kJson})
    ->Args({1000000, kRegexLabels})
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
