// Runs the outpost binary as a child process for end-to-end tests: stdout
// and stderr go to files in a temp dir; helpers wait (bounded) for output
// and exit. Children start with posix_spawn (tests/support/spawned_process.h).
#ifndef OUTPOST_TESTS_E2E_CLI_PROCESS_H_
#define OUTPOST_TESTS_E2E_CLI_PROCESS_H_

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/spawned_process.h"

namespace outpost::testing {

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// A fresh temp directory, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "outpost-e2e-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The outpost binary (OUTPOST_BINARY) with `args`: stdout and stderr go to
// two files in `dir`; SIGKILL and reaped on destruction unless it exited.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::string& dir)
      : out_path_(dir + "/stdout." + std::to_string(counter_++)),
        err_path_(out_path_ + ".err"),
        child_(Argv(args), Options(out_path_, err_path_)) {}

  void Signal(int sig) { child_.Signal(sig); }
  int pid() const { return child_.pid(); }

  // Exit code (128 + signal when killed; SpawnedProcess::kSpawnFailed when
  // the binary could not be started), or nullopt when still running after
  // `limit`.
  std::optional<int> Wait(std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    return child_.Wait(limit);
  }

  std::string out() const { return ReadAll(out_path_); }
  std::string err() const { return ReadAll(err_path_); }

  // Waits until stderr contains `needle`; returns false after `limit`.
  bool WaitForStderr(const std::string& needle,
                     std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (err().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

 private:
  static std::vector<std::string> Argv(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {OUTPOST_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  static SpawnOptions Options(const std::string& out, const std::string& err) {
    SpawnOptions o;
    o.out = out;
    o.err = err;
    o.stop_signal = SIGKILL;
    return o;
  }

  static inline std::atomic<int> counter_ = 0;
  std::string out_path_, err_path_;
  SpawnedProcess child_;
};

// Pieces of agent configs the end-to-end tests share: the metrics block's
// head (a WAL directory, 1 s scrapes) and the agent and node_exporter
// integrations, enabled (to put under "integrations:").
inline std::string MetricsHead(const std::string& wal_dir) {
  return "metrics:\n  wal_directory: " + wal_dir + "\n  global:\n    scrape_interval: 1s\n";
}
inline constexpr char kAgentAndNode[] =
    "  agent:\n    enabled: true\n  node_exporter:\n    enabled: true\n";

// The HTTP port of an agent started with -server.http.address=...:0, from
// its "outpost started" log line; 0 when not there (yet).
inline int PortFromLog(const std::string& err) {
  std::smatch m;
  static const std::regex re("msg=\"outpost started\" http_address=[0-9.]+:([0-9]+)");
  return std::regex_search(err, m, re) ? std::stoi(m[1]) : 0;
}

// Runs to completion (bounded) and returns {exit code, stdout, stderr}.
struct RunResult {
  int code;
  std::string out, err;
};
inline RunResult RunOutpost(const std::vector<std::string>& args, const std::string& dir) {
  Process p(args, dir);
  std::optional<int> code = p.Wait();
  return RunResult{code.value_or(-1), p.out(), p.err()};
}

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_E2E_CLI_PROCESS_H_
