// Runs the outpost binary as a child process for end-to-end tests: stdout
// and stderr go to files in a temp dir; helpers wait (bounded) for output
// and exit.
#ifndef OUTPOST_TESTS_E2E_CLI_PROCESS_H_
#define OUTPOST_TESTS_E2E_CLI_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

// A child process that is not outpost (Prometheus, an exporter): argv[0]
// is a path; stdout and stderr go to `log`; SIGTERM and reaped on
// destruction.
class ExternalProcess {
 public:
  ExternalProcess(const std::vector<std::string>& argv, const std::string& log) {
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~ExternalProcess() { Stop(); }
  // SIGTERM and wait; idempotent.
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_;
};

class Process {
 public:
  Process(const std::vector<std::string>& args, const std::string& dir) {
    out_path_ = dir + "/stdout." + std::to_string(counter_++);
    err_path_ = out_path_ + ".err";
    pid_ = fork();
    if (pid_ == 0) {
      int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(out, 1);
      dup2(err, 2);
      std::vector<char*> argv;
      static std::string bin = OUTPOST_BINARY;
      argv.push_back(bin.data());
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
  }
  ~Process() {
    if (!exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void Signal(int sig) { kill(pid_, sig); }

  // Exit code, or nullopt when still running after `limit`.
  std::optional<int> Wait(std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return code_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
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
  static inline int counter_ = 0;
  pid_t pid_ = -1;
  bool exited_ = false;
  int code_ = -1;
  std::string out_path_, err_path_;
};

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
