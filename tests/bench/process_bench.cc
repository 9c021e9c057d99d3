// process_exporter integration: one whole collection over the real /proc
// with 200 processes of its own (190 `sleep`, 10 perl with 4 threads each;
// PROCESS_BENCH_SPAWN=0 uses what runs already, as process_side_by_side.sh
// does), track_threads and gather_smaps on, the rules of Debian's
// examples/all.yaml ({{.Comm}} for every process with a command line).
// Reports the process CPU per collection (cpu_ms) and the heap allocations
// per collection after the first (allocs).
#include <benchmark/benchmark.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "integrations/process/process.h"
#include "tests/bench/counting_allocator.h"
#include "tests/bench/integration_bench.h"

extern char** environ;

namespace {

using outpost::bench::CountingAppender;
using outpost::bench::ProcessCpuSeconds;

// The bench's own processes, killed (by pid) when the binary exits.
class Children {
 public:
  Children() {
    const char* spawn = std::getenv("PROCESS_BENCH_SPAWN");
    if (spawn != nullptr && std::string(spawn) == "0") return;
    for (int i = 0; i < 200; ++i) {
      std::vector<std::string> argv =
          i < 190 ? std::vector<std::string>{"sleep", "3600"}
                  : std::vector<std::string>{"perl", "-Mthreads", "-e",
                                             "threads->create(sub{sleep 3600})->detach for 1..3; "
                                             "sleep 3600"};
      std::vector<char*> args;
      for (std::string& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      pid_t pid = 0;
      if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) == 0)
        pids_.push_back(pid);
    }
  }
  ~Children() {
    for (pid_t p : pids_) kill(p, SIGKILL);
    for (pid_t p : pids_) waitpid(p, nullptr, 0);
  }
  size_t size() const { return pids_.size(); }

 private:
  std::vector<pid_t> pids_;
};

void BM_ProcessFullCollection(benchmark::State& state) {
  static Children children;
  outpost::integrations::process::Options o;
  outpost::integrations::process::MatcherRule all;
  all.name = "{{.Comm}}";
  all.has_cmdline = true;
  all.cmdline = {".+"};
  o.process_names.push_back(all);
  auto integ = outpost::integrations::process::NewProcessIntegration(o);
  if (!integ.ok()) {
    state.SkipWithError(std::string(integ.status().message()).c_str());
    return;
  }
  CountingAppender app;
  (void)(*integ)->Collect(app, absl::InfiniteFuture());  // warm-up: handles, fds, names
  size_t samples = 0;
  double cpu = 0;
  struct rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  const uint64_t allocs_before = outpost::bench::AllocationCount();
  for (auto _ : state) {
    app.samples = 0;
    const double start = ProcessCpuSeconds();
    (void)(*integ)->Collect(app, absl::InfiniteFuture());
    cpu += ProcessCpuSeconds() - start;
    samples = app.samples;
  }
  getrusage(RUSAGE_SELF, &ru1);
  auto ms = [](const timeval& a, const timeval& b) {
    return static_cast<double>(b.tv_sec - a.tv_sec) * 1e3 + static_cast<double>(b.tv_usec - a.tv_usec) / 1e3;
  };
  // The split of cpu_ms: this process's user and kernel time.
  state.counters["user_ms"] = ms(ru0.ru_utime, ru1.ru_utime) / static_cast<double>(state.iterations());
  state.counters["sys_ms"] = ms(ru0.ru_stime, ru1.ru_stime) / static_cast<double>(state.iterations());
  state.counters["spawned"] = static_cast<double>(children.size());
  state.counters["samples"] = static_cast<double>(samples);
  state.counters["allocs"] =
      static_cast<double>(outpost::bench::AllocationCount() - allocs_before) /
      static_cast<double>(state.iterations());
  state.counters["cpu_ms"] = cpu * 1e3 / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ProcessFullCollection)->Unit(benchmark::kMillisecond)->MinTime(3);

}  // namespace

BENCHMARK_MAIN();
