// A throwaway redis-server for tests: free loopback port, temp data dir,
// no persistence, optional password and unix socket. The constructor waits
// (bounded) until PING answers; the destructor stops the server (SIGTERM,
// wait, SIGKILL) and removes the directory. A missing binary fails loudly
// (ok() false with the reason in error()), it never skips.
//
// Also: Stop()/Start() to kill and restart the same server (same port),
// and Cli() to run a command through redis-cli for loading test data.
//
// TLS (Options::tls): the openssl CLI makes a throwaway CA, a server
// certificate signed by it (SAN IP:127.0.0.1 and DNS:localhost) and an
// unrelated second CA in the temp dir; the server then listens with TLS
// only (--port 0 --tls-port), client certificates not required.
#ifndef OUTPOST_TESTS_SUPPORT_REDIS_SERVER_H_
#define OUTPOST_TESTS_SUPPORT_REDIS_SERVER_H_

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"
#include "tests/support/test_certificates.h"

namespace outpost::testing {

class RedisServer {
 public:
  struct Options {
    std::string password;     // --requirepass when set
    bool unix_socket = false;  // --unixsocket <dir>/s
    std::string binary = "";   // default: $OUTPOST_REDIS_SERVER or /usr/bin/redis-server
    bool tls = false;          // TLS only, certificates made at construction
    std::vector<std::string> extra_args;  // more redis-server options
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
    if (o_.tls && !MakeCertificates()) return;
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
    if (server_ != nullptr) return true;
    if (access(o_.binary.c_str(), X_OK) != 0) {
      error_ = o_.binary + " not found (install redis-server)";
      return false;
    }
    std::vector<std::string> args = {o_.binary, "--port", std::to_string(o_.tls ? 0 : port_),
                                     "--bind", "127.0.0.1", "--dir", dir_, "--save", "",
                                     "--appendonly", "no", "--logfile", dir_ + "/redis.log"};
    if (o_.tls) {
      args.insert(args.end(), {"--tls-port", std::to_string(port_), "--tls-cert-file",
                               dir_ + "/server.crt", "--tls-key-file", dir_ + "/server.key",
                               "--tls-ca-cert-file", ca_file(), "--tls-auth-clients", "no"});
    }
    if (!o_.password.empty()) {
      args.push_back("--requirepass");
      args.push_back(o_.password);
    }
    if (o_.unix_socket) {
      args.push_back("--unixsocket");
      args.push_back(socket_path());
    }
    args.insert(args.end(), o_.extra_args.begin(), o_.extra_args.end());
    // Not the test's stdout/stderr: a server left behind by a crashed test
    // must not hold a pipe the test's output goes to.
    SpawnOptions spawn = SpawnOptions::Log("/dev/null");
    spawn.stop_grace = std::chrono::seconds(5);
    server_ = std::make_unique<SpawnedProcess>(args, spawn);
    for (int i = 0; i < 200; ++i) {  // up to 10 s
      if (Cli({"PING"}) == "PONG") {
        error_.clear();
        return true;
      }
      if (!server_->running()) {
        server_.reset();
        error_ = "redis-server exited at start; see " + dir_ + "/redis.log";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    error_ = "redis-server did not answer PING";
    return false;
  }

  // SIGTERM, wait up to 5 s, then SIGKILL.
  void Stop() { server_.reset(); }

  // Runs redis-cli with `args`; returns its trimmed stdout.
  std::string Cli(const std::vector<std::string>& args) const {
    std::string cmd = "redis-cli -h 127.0.0.1 -p " + std::to_string(port_);
    if (o_.tls) cmd += " --tls --cacert " + Quote(ca_file());
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

  bool ok() const { return error_.empty() && server_ != nullptr; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string socket_path() const { return dir_ + "/s"; }
  const std::string& dir() const { return dir_; }
  // With Options::tls: the CA that signed the server certificate, and a CA
  // that did not.
  std::string ca_file() const { return dir_ + "/ca.crt"; }
  std::string other_ca_file() const { return dir_ + "/other-ca.crt"; }

 private:
  bool MakeCertificates() { return MakeTestCertificates(dir_, &error_); }

  static std::string Quote(const std::string& s) { return ShellQuote(s); }

  Options o_;
  std::string dir_;
  std::string error_;
  int port_ = -1;
  std::unique_ptr<SpawnedProcess> server_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_REDIS_SERVER_H_
