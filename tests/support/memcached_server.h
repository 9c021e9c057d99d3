// A throwaway memcached for tests: Debian's /usr/bin/memcached (or
// $OUTPOST_MEMCACHED) on 127.0.0.1 and a free port, UDP off, a small
// memory limit. Start() waits (bounded) until the port accepts and, for
// plain TCP, `version` answers; the destructor stops the server. A missing
// binary fails loudly (Start() false, the reason in error()), it never
// skips. Stop()/Start() kill and restart it on the same port.
//
// TLS (Options::tls): certificates made by the openssl CLI in a temp dir
// (test_certificates.h); the server listens with TLS only (-Z).
//
// Command() sends raw text-protocol bytes over a fresh plain connection and
// returns what the server answered until `until` was seen at the end of a
// line (loading data: "...version\r\n" and "VERSION").
#ifndef OUTPOST_TESTS_SUPPORT_MEMCACHED_SERVER_H_
#define OUTPOST_TESTS_SUPPORT_MEMCACHED_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"
#include "tests/support/test_certificates.h"

namespace outpost::testing {

// A blocking loopback TCP connection with 10 s timeouts; fd() < 0 when
// the connect failed.
class LoopbackSocket {
 public:
  explicit LoopbackSocket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~LoopbackSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;
  int fd() const { return fd_; }

  bool Send(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // Reads until the data read holds `until` and ends with "\r\n" (or
  // EOF/timeout).
  std::string ReadUntil(const std::string& until) {
    std::string out;
    char buf[4096];
    while (out.find(until) == std::string::npos || !out.ends_with("\r\n")) {
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
};

class MemcachedServer {
 public:
  struct Options {
    int memory_mb = 8;
    bool tls = false;
    std::string binary = "";  // default: $OUTPOST_MEMCACHED or /usr/bin/memcached
  };

  MemcachedServer() : MemcachedServer(Options{}) {}
  explicit MemcachedServer(Options o) : o_(std::move(o)) {
    if (o_.binary.empty()) {
      const char* env = std::getenv("OUTPOST_MEMCACHED");
      o_.binary = env != nullptr ? env : "/usr/bin/memcached";
    }
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "outpost-memcached-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    port_ = FreePort();
    if (o_.tls) certs_ok_ = MakeTestCertificates(dir_, &error_);
  }
  ~MemcachedServer() {
    Stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  MemcachedServer(const MemcachedServer&) = delete;
  MemcachedServer& operator=(const MemcachedServer&) = delete;

  bool Start() {
    if (server_ != nullptr) return true;
    if (dir_.empty() || !certs_ok_) return false;
    if (access(o_.binary.c_str(), X_OK) != 0) {
      error_ = o_.binary + " not found (install memcached)";
      return false;
    }
    std::vector<std::string> args = {o_.binary,
                                     "-l",
                                     "127.0.0.1",
                                     "-p",
                                     std::to_string(port_),
                                     "-U",
                                     "0",
                                     "-m",
                                     std::to_string(o_.memory_mb),
                                     "-c",
                                     "64"};
    // memcached refuses to run as root without -u.
    if (geteuid() == 0) args.insert(args.end(), {"-u", "root"});
    if (o_.tls) {
      args.insert(
          args.end(),
          {"-Z", "-o", "ssl_chain_cert=" + dir_ + "/server.crt,ssl_key=" + dir_ + "/server.key"});
    }
    SpawnOptions spawn = SpawnOptions::Log(dir_ + "/memcached.log");
    spawn.stop_grace = std::chrono::seconds(5);
    server_ = std::make_unique<SpawnedProcess>(args, spawn);
    for (int i = 0; i < 200; ++i) {  // up to 10 s
      if (o_.tls ? LoopbackSocket(port_).fd() >= 0
                 : Command("version\r\n", "\r\n").starts_with("VERSION")) {
        error_.clear();
        return true;
      }
      if (!server_->running()) {
        server_.reset();
        error_ = "memcached exited at start; see " + dir_ + "/memcached.log";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    error_ = "memcached did not answer on port " + std::to_string(port_);
    return false;
  }

  // SIGTERM, wait up to 5 s, then SIGKILL.
  void Stop() { server_.reset(); }

  // Sends `raw` over a new connection; returns the answer read until it
  // holds `until` and ends a line.
  std::string Command(const std::string& raw, const std::string& until) const {
    LoopbackSocket s(port_);
    if (s.fd() < 0 || !s.Send(raw)) return "";
    return s.ReadUntil(until);
  }

  // Stores `key` with a value of `size` bytes ("STORED" expected).
  bool Set(const std::string& key, size_t size) const {
    return Command("set " + key + " 0 0 " + std::to_string(size) + "\r\n" + std::string(size, 'x') +
                       "\r\n",
                   "\r\n") == "STORED\r\n";
  }

  // Stores k0..k<count-1> with values of six sizes in turn (10 B to 40 KB:
  // six slab classes; 1800 of them overflow 8 MiB, so some are evicted).
  // `tail` is sent after them in the same write (gets, misses). True when
  // the server answered the whole batch.
  bool SetMany(int count, const std::string& tail = "") const {
    static constexpr size_t kSizes[] = {10, 100, 700, 3000, 9000, 40000};
    std::string batch;
    for (int i = 0; i < count; ++i) {
      const size_t n = kSizes[i % 6];
      batch += "set k" + std::to_string(i) + " 0 0 " + std::to_string(n) + " noreply\r\n" +
               std::string(n, 'v') + "\r\n";
    }
    return Command(batch + tail + "version\r\n", "VERSION").find("VERSION") != std::string::npos;
  }

  bool ok() const { return error_.empty() && server_ != nullptr; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string ca_file() const { return dir_ + "/ca.crt"; }
  std::string other_ca_file() const { return dir_ + "/other-ca.crt"; }

 private:
  Options o_;
  std::string dir_;
  std::string error_;
  int port_ = -1;
  bool certs_ok_ = true;
  std::unique_ptr<SpawnedProcess> server_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_MEMCACHED_SERVER_H_
