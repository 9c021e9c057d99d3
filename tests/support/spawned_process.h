// A child process for a test (the outpost binary, Prometheus, an exporter,
// dnsmasq, ...), started with posix_spawn: argv, envp and the redirections
// are built in the parent, so nothing runs in a forked copy of a
// multi-threaded test process (a malloc or open() there can deadlock on a
// lock another thread held at fork time, seen under ASan).
//
// The child gets default signal dispositions and an empty signal mask
// whatever the test process set up (an ignored SIGPIPE or a blocked SIGTERM
// would otherwise be inherited through exec).
//
// Ownership: the destructor sends `stop_signal` (then SIGKILL if that has
// not ended it within `stop_grace`) and reaps the child unless it has
// exited. Thread-safety: none; one owner drives it.
//
//   SpawnedProcess p({"/usr/bin/prometheus", "--config.file=" + cfg}, dir + "/log");
//   ASSERT_TRUE(p.started());
//   ... p.Signal(SIGTERM); std::optional<int> code = p.Wait();
#ifndef OUTPOST_TESTS_SUPPORT_SPAWNED_PROCESS_H_
#define OUTPOST_TESTS_SUPPORT_SPAWNED_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace outpost::testing {

// How the child's standard streams, environment and stop are set up (set
// the members by name: designated initializers warn with -Wextra here).
struct SpawnOptions {
  // stdout goes to this file (created or truncated); empty: inherited.
  std::string out;
  // stderr goes to this file; empty: to the same place as stdout.
  std::string err;
  // stdin from /dev/null instead of the test's stdin.
  bool stdin_null = false;
  // The whole environment as "NAME=value" entries; nullopt: the test's own.
  std::optional<std::vector<std::string>> env;
  // Sent by Stop() and the destructor; SIGKILL follows when the child has
  // not exited `stop_grace` later (a child ignoring it cannot hang a test).
  int stop_signal = SIGTERM;
  std::chrono::milliseconds stop_grace = std::chrono::seconds(30);
  // argv[0] is looked up in PATH (posix_spawnp) instead of being a path.
  bool search_path = false;
  // Working directory of the child; empty: the test's.
  std::string cwd;

  // stdout and stderr to `log`, the rest default.
  static SpawnOptions Log(const std::string& log) {
    SpawnOptions o;
    o.out = log;
    return o;
  }
};

class SpawnedProcess {
 public:
  // Exit code Wait() reports for a child that could not be started (exec
  // failed, as a shell reports it).
  static constexpr int kSpawnFailed = 127;

  // argv[0] is the program's path (or a name in PATH: options.search_path).
  SpawnedProcess(const std::vector<std::string>& argv, const SpawnOptions& options)
      : stop_signal_(options.stop_signal), stop_grace_(options.stop_grace) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    if (options.env.has_value()) {
      for (const std::string& e : *options.env) envp.push_back(const_cast<char*>(e.c_str()));
      envp.push_back(nullptr);
    }

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC;
    if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, options.cwd.c_str());
    if (options.stdin_null) posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (!options.out.empty()) posix_spawn_file_actions_addopen(&fa, 1, options.out.c_str(), kFlags, 0644);
    if (!options.err.empty()) {
      posix_spawn_file_actions_addopen(&fa, 2, options.err.c_str(), kFlags, 0644);
    } else if (!options.out.empty()) {
      posix_spawn_file_actions_adddup2(&fa, 1, 2);
    }
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    // glibc reports a failed exec (or a failed file action) here.
    spawn_error_ = args[0] == nullptr
                       ? EINVAL
                       : (options.search_path ? posix_spawnp : posix_spawn)(
                             &pid_, args[0], &fa, &attr, args.data(),
                             options.env.has_value() ? envp.data() : environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    if (spawn_error_ != 0) {
      pid_ = -1;
      code_ = kSpawnFailed;
    }
  }
  // stdout and stderr to `log`; SIGTERM on stop.
  SpawnedProcess(const std::vector<std::string>& argv, const std::string& log)
      : SpawnedProcess(argv, SpawnOptions::Log(log)) {}

  ~SpawnedProcess() { Stop(); }
  SpawnedProcess(const SpawnedProcess&) = delete;
  SpawnedProcess& operator=(const SpawnedProcess&) = delete;

  // False when posix_spawn failed (then spawn_error() is its errno and
  // Wait() returns kSpawnFailed at once).
  bool started() const { return spawn_error_ == 0; }
  int spawn_error() const { return spawn_error_; }

  // True while the child has not exited. Reaps it (keeping the exit code for
  // Wait()) when it has.
  bool running() { return Poll(); }
  // The child's pid while it runs (-1 after it was reaped).
  int pid() const { return pid_; }

  // Sends `sig` unless the child has exited (its pid may be reused).
  void Signal(int sig) {
    if (Poll()) kill(pid_, sig);
  }

  // The exit code (128 + signal number when killed by a signal), or nullopt
  // when the child is still running after `limit`.
  std::optional<int> Wait(std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (Poll()) {
      if (std::chrono::steady_clock::now() >= end) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return code_;
  }

  // Sends the stop signal and waits for the exit (SIGKILL after the
  // stop grace); idempotent.
  void Stop() {
    if (!Poll()) return;
    kill(pid_, stop_signal_);
    if (Wait(stop_grace_).has_value()) return;
    kill(pid_, SIGKILL);
    int status = 0;
    if (waitpid(pid_, &status, 0) == pid_) Record(status);
    pid_ = -1;
  }

 private:
  // True while running; reaps and records the exit code otherwise.
  bool Poll() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) return true;
    if (r == pid_) {
      Record(status);
    } else if (!code_.has_value()) {
      code_ = -1;  // not our child any more (ECHILD): no code to report
    }
    pid_ = -1;
    return false;
  }
  void Record(int status) {
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  int stop_signal_;
  std::chrono::milliseconds stop_grace_;
  pid_t pid_ = -1;
  int spawn_error_ = 0;
  std::optional<int> code_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_SPAWNED_PROCESS_H_
