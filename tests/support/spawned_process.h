// A server process for a test (dnsmasq, ...), started with posix_spawn so
// that nothing runs in a forked copy of a test process whose threads may
// hold allocator locks (a plain fork can deadlock the child under ASan).
// stdout and stderr go to `log`; the destructor sends SIGTERM and waits.
#ifndef OUTPOST_TESTS_SUPPORT_SPAWNED_PROCESS_H_
#define OUTPOST_TESTS_SUPPORT_SPAWNED_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <string>
#include <vector>

extern char** environ;

namespace outpost::testing {

class SpawnedProcess {
 public:
  SpawnedProcess(const std::vector<std::string>& argv, const std::string& log) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~SpawnedProcess() { Stop(); }
  SpawnedProcess(const SpawnedProcess&) = delete;
  SpawnedProcess& operator=(const SpawnedProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // True while the process has not exited.
  bool running() {
    return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0;
  }
  // SIGTERM and wait; idempotent.
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_SPAWNED_PROCESS_H_
