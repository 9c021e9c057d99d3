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

inline const std::string kScript = std::string(OUTPOST_SOURCE_DIR) + "/install.sh";
// What install.sh sources (its jobs as functions).
inline const std::string kScriptLib = std::string(OUTPOST_SOURCE_DIR) + "/packaging/install-lib.sh";
inline const std::string kUrl = "http://127.0.0.1:9/api/v1/write";

inline std::string HostName() {
  utsname u{};
  uname(&u);
  return u.nodename;
}

// Runs `argv` (argv[0] a path) with exactly PATH, HOME and `env` as its
// environment (none of the caller's OUTPOST_* leak in), in the working
// directory `cwd` (default: the caller's); bounded at 60 s. Output goes to
// files in `dir`.
inline RunResult RunProgram(const std::vector<std::string>& argv, const Env& env,
                            const std::string& dir, const std::string& cwd = "") {
  static int n = 0;
  const std::string out = dir + "/run." + std::to_string(++n);
  const std::string err = out + ".err";
  Env full = env;
  full.emplace("PATH", std::getenv("PATH") != nullptr ? std::getenv("PATH") : "/usr/bin:/bin");
  full.emplace("HOME", dir);
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(o, 1);
    dup2(e, 2);
    dup2(in, 0);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<std::string> envs;
    for (const auto& [k, v] : full) envs.push_back(k + "=" + v);
    std::vector<char*> args, envp;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    for (std::string& s : envs) envp.push_back(s.data());
    args.push_back(nullptr);
    envp.push_back(nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  int code = -1;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < end) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (code == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
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
  std::string config() const { return prefix + "/etc/outpost/agent.yaml"; }
  std::string password_file() const { return prefix + "/etc/outpost/remote-write-password"; }
  std::string unit() const { return prefix + "/etc/systemd/system/outpost.service"; }
  std::vector<std::string> Base(std::vector<std::string> more) const {
    std::vector<std::string> a = {"--prefix", prefix, "--no-deps", "--no-start",
                                  "--binary", OUTPOST_BINARY};
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
