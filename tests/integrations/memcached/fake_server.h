// A fake memcached on a loopback port (port 0: the kernel picks a free
// one) for the failure tests: each accepted connection reads whatever the
// client sends and answers with `reply` (once per read of a request
// ending in "stats settings\r\n"), or streams `reply` forever (kFlood), or
// answers nothing (kSilent). Serves one connection at a time until
// destroyed.
#ifndef OUTPOST_TESTS_INTEGRATIONS_MEMCACHED_FAKE_SERVER_H_
#define OUTPOST_TESTS_INTEGRATIONS_MEMCACHED_FAKE_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

namespace outpost::testing {

class FakeMemcached {
 public:
  enum Mode { kAnswer, kFlood, kSilent };

  FakeMemcached(Mode mode, std::string reply) : mode_(mode), reply_(std::move(reply)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      return;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~FakeMemcached() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }
  FakeMemcached(const FakeMemcached&) = delete;
  FakeMemcached& operator=(const FakeMemcached&) = delete;

  int port() const { return port_; }
  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }

 private:
  // Waits up to 50 ms for `fd` to be readable/writable; false on timeout.
  static bool Ready(int fd, short events) {
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, 50) > 0;
  }

  void Run() {
    while (!stop_) {
      if (!Ready(listen_fd_, POLLIN)) continue;
      int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      Serve(c);
      ::close(c);
    }
  }

  void Serve(int c) {
    std::string in;
    char buf[4096];
    while (!stop_) {
      if (mode_ == kFlood) {
        if (!Ready(c, POLLOUT)) continue;
        if (::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL) < 0) return;
        continue;
      }
      if (!Ready(c, POLLIN)) continue;
      ssize_t n = ::recv(c, buf, sizeof(buf), 0);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
      if (mode_ == kSilent) continue;
      const std::string last = "stats settings\r\n";
      if (in.size() >= last.size() && in.compare(in.size() - last.size(), last.size(), last) == 0) {
        in.clear();
        size_t off = 0;
        while (off < reply_.size()) {
          ssize_t w = ::send(c, reply_.data() + off, reply_.size() - off, MSG_NOSIGNAL);
          if (w <= 0) return;
          off += static_cast<size_t>(w);
        }
      }
    }
  }

  Mode mode_;
  std::string reply_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_INTEGRATIONS_MEMCACHED_FAKE_SERVER_H_
