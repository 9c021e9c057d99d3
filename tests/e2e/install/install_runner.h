// Helpers for the install.sh end-to-end tests: run the script (or any
// program) with a controlled environment, a temp --prefix fixture, file
// checks. Header-only, test-only, not thread-safe.
#ifndef OUTPOST_TESTS_E2E_INSTALL_INSTALL_RUNNER_H_
#define OUTPOST_TESTS_E2E_INSTALL_INSTALL_RUNNER_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/e2e/cli/process.h"

namespace outpost::testing::install {

namespace fs = std::filesystem;
using Env = std::map<std::string, std::string>;

inline const std::string kScript = std::string(OUTPOST_SOURCE_DIR "/install.sh");
// What install.sh sources (its jobs as functions).
inline const std::string kScriptLib = std::string(OUTPOST_SOURCE_DIR "/packaging/install-lib.sh");
inline const std::string kUrl = "http://127.0.0.1:9/api/v1/write";

inline std::string HostName() {
  utsname u{};
  uname(&u);
  return u.nodename;
}

// Runs `argv` (argv[0] a path) with exactly PATH, HOME and `env` as its
// environment (none of the caller's OUTPOST_* leak in), in the working
// directory `cwd` (default: the caller's); bounded at `limit`. Output goes
// to files in `dir`.
inline RunResult RunProgram(const std::vector<std::string>& argv, const Env& env,
                            const std::string& dir, const std::string& cwd = "",
                            std::chrono::seconds limit = std::chrono::seconds(60)) {
  static int n = 0;
  const std::string out = dir + "/run." + std::to_string(++n);
  const std::string err = out + ".err";
  Env full = env;
  full.emplace("PATH", std::getenv("PATH") != nullptr ? std::getenv("PATH") : "/usr/bin:/bin");
  full.emplace("HOME", dir);
  SpawnOptions spawn;
  spawn.out = out;
  spawn.err = err;
  spawn.stdin_null = true;
  spawn.cwd = cwd;
  spawn.env.emplace();
  for (const auto& [k, v] : full) spawn.env->push_back(k + "=" + v);
  SpawnedProcess p(argv, spawn);
  std::optional<int> exited = p.Wait(limit);
  const int code = exited.value_or(-1);
  if (!exited.has_value()) p.Signal(SIGKILL);
  return RunResult{code, ReadAll(out), ReadAll(err)};
}

inline RunResult Install(const std::vector<std::string>& args, const Env& env, const std::string& dir) {
  std::vector<std::string> argv = {"/bin/bash", kScript};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, env, dir);
}

inline int FileMode(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

inline bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// A temp dir with a --prefix inside it and the common flags.
struct Fixture {
  TempDir tmp;
  std::string prefix = tmp / "prefix";
  std::string binary = OUTPOST_BINARY;
  std::string config() const { return prefix + "/etc/outpost/agent.yaml"; }
  std::string password_file() const { return prefix + "/etc/outpost/remote-write-password"; }
  std::string unit() const { return prefix + "/etc/systemd/system/outpost.service"; }
  std::vector<std::string> Base(std::vector<std::string> more) const {
    std::vector<std::string> a = {"--prefix", prefix, "--no-deps", "--no-start", "--binary", binary};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
  RunResult Run(std::vector<std::string> more, const Env& env = {}) const {
    return Install(Base(std::move(more)), env, tmp.path());
  }
  RunResult CheckConfig() const { return RunOutpost({"check-config", config()}, tmp.path()); }
};

}  // namespace outpost::testing::install

#endif  // OUTPOST_TESTS_E2E_INSTALL_INSTALL_RUNNER_H_
