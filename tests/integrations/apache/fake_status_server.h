// A minimal HTTP/1.1 server on a free loopback port for the apache_http
// tests: answers every GET with the status code and body set last
// (keep-alive, Content-Length), and records what it saw: the number of
// accepted connections and the last request's Host header. One thread
// serves one connection at a time (the integration keeps one).
#ifndef OUTPOST_TESTS_INTEGRATIONS_APACHE_FAKE_STATUS_SERVER_H_
#define OUTPOST_TESTS_INTEGRATIONS_APACHE_FAKE_STATUS_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace outpost::integrations::apache {

class FakeStatusServer {
 public:
  FakeStatusServer() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd_, 8) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeStatusServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }

  bool ok() const { return fd_ >= 0; }
  int port() const { return port_; }
  std::string uri() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/server-status?auto";
  }
  void Set(int code, std::string body) {
    std::lock_guard<std::mutex> l(mu_);
    code_ = code;
    body_ = std::move(body);
  }
  int connections() const { return connections_; }
  std::string host() {
    std::lock_guard<std::mutex> l(mu_);
    return host_;
  }

 private:
  // Waits up to 50 ms for `fd` to be readable, so that stop_ is seen.
  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 50) > 0;
  }
  void Serve() {
    while (!stop_) {
      if (!Readable(fd_)) continue;
      const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      std::string in;
      while (!stop_) {
        const size_t end = in.find("\r\n\r\n");
        if (end != std::string::npos) {
          Answer(c, in.substr(0, end));
          in.erase(0, end + 4);
          continue;
        }
        if (!Readable(c)) continue;
        char buf[4096];
        const ssize_t n = read(c, buf, sizeof(buf));
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
      }
      close(c);
    }
  }
  void Answer(int c, const std::string& request) {
    std::string out;
    {
      std::lock_guard<std::mutex> l(mu_);
      const size_t h = request.find("\r\nHost: ");
      host_ = h == std::string::npos
                  ? ""
                  : request.substr(h + 8, request.find("\r\n", h + 8) - (h + 8));
      out = "HTTP/1.1 " + std::to_string(code_) + " X\r\nContent-Length: " +
            std::to_string(body_.size()) + "\r\n\r\n" + body_;
    }
    for (size_t off = 0; off < out.size();) {
      const ssize_t n = send(c, out.data() + off, out.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  int code_ = 200;
  std::string body_;
  std::string host_;
};

}  // namespace outpost::integrations::apache

#endif  // OUTPOST_TESTS_INTEGRATIONS_APACHE_FAKE_STATUS_SERVER_H_
