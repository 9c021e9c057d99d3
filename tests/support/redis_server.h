// A throwaway redis-server for tests: free loopback port, temp data dir,
// no persistence, optional password and unix socket. The constructor waits
// (bounded) until PING answers; the destructor stops the server (SIGTERM,
// wait, SIGKILL) and removes the directory. A missing binary fails loudly
// (ok() false with the reason in error()), it never skips.
//
// Also: Stop()/Start() to kill and restart the same server (same port),
// and Cli() to run a command through redis-cli for loading test data.
#ifndef OUTPOST_TESTS_SUPPORT_REDIS_SERVER_H_
#define OUTPOST_TESTS_SUPPORT_REDIS_SERVER_H_

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/free_port.h"

namespace outpost::testing {

class RedisServer {
 public:
  struct Options {
    std::string password;     // --requirepass when set
    bool unix_socket = false;  // --unixsocket <dir>/s
    std::string binary = "";   // default: $OUTPOST_REDIS_SERVER or /usr/bin/redis-server
  };

  RedisServer() : RedisServer(Options{}) {}
  explicit RedisServer(Options o) : o_(std::move(o)) {
    if (o_.binary.empty()) {
      const char* env = std::getenv("OUTPOST_REDIS_SERVER");
      o_.binary = env != nullptr ? env : "/usr/bin/redis-server";
    }
    std::string tmpl = (std::filesystem::temp_directory_path() / "outpost-redis-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    port_ = FreePort();
    Start();
  }
  ~RedisServer() {
    Stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts the server (again) on the same port; waits until PING works.
  bool Start() {
    if (pid_ > 0) return true;
    if (access(o_.binary.c_str(), X_OK) != 0) {
      error_ = o_.binary + " not found (install redis-server)";
      return false;
    }
    std::vector<std::string> args = {o_.binary, "--port", std::to_string(port_), "--bind",
                                     "127.0.0.1", "--dir", dir_, "--save", "", "--appendonly",
                                     "no", "--logfile", dir_ + "/redis.log"};
    if (!o_.password.empty()) {
      args.push_back("--requirepass");
      args.push_back(o_.password);
    }
    if (o_.unix_socket) {
      args.push_back("--unixsocket");
      args.push_back(socket_path());
    }
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 200; ++i) {  // up to 10 s
      if (Cli({"PING"}) == "PONG") {
        error_.clear();
        return true;
      }
      int st;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        error_ = "redis-server exited at start; see " + dir_ + "/redis.log";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    error_ = "redis-server did not answer PING";
    return false;
  }

  // SIGTERM, wait up to 5 s, then SIGKILL.
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int st;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // Runs redis-cli with `args`; returns its trimmed stdout.
  std::string Cli(const std::vector<std::string>& args) const {
    std::string cmd = "redis-cli -h 127.0.0.1 -p " + std::to_string(port_);
    if (!o_.password.empty()) cmd += " --no-auth-warning -a " + Quote(o_.password);
    for (const std::string& a : args) cmd += " " + Quote(a);
    cmd += " 2>&1";
    std::string out;
    if (FILE* f = popen(cmd.c_str(), "r")) {
      std::array<char, 4096> buf;
      size_t n;
      while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
      pclose(f);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }

  bool ok() const { return error_.empty() && pid_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string socket_path() const { return dir_ + "/s"; }
  const std::string& dir() const { return dir_; }

 private:
  static std::string Quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  }

  Options o_;
  std::string dir_;
  std::string error_;
  int port_ = -1;
  pid_t pid_ = -1;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_REDIS_SERVER_H_
