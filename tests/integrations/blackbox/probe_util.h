// Test helpers for the blackbox probes: run one module against one target
// through the integration (as the agent collects it), read the gauges;
// servers that never answer, and a line-protocol banner server thread.
#ifndef OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_PROBE_UTIL_H_
#define OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_PROBE_UTIL_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/blackbox.h"
#include "tests/integrations/options_test_util.h"

namespace outpost::integrations::blackbox::testing {

struct ProbeResult {
  MemoryAppender app;
  absl::Duration took;
  // The gauge's value; NaN when absent.
  double Get(std::string_view name, const Labels& labels = {}) const {
    const double* v = app.Find(name, labels);
    return v != nullptr ? *v : std::numeric_limits<double>::quiet_NaN();
  }
  bool Has(std::string_view name) const {
    for (const CollectedSample& s : app.Samples()) {
      if (s.name == name) return true;
    }
    return false;
  }
  double success() const { return Get("probe_success"); }
};

// `module` is the YAML of one module (prober, timeout, blocks); the probe
// runs with a scrape deadline `scrape_timeout` away.
inline std::unique_ptr<ProbeResult> RunProbe(const std::string& module, const std::string& target,
                                             absl::Duration scrape_timeout = absl::Seconds(5)) {
  auto r = std::make_unique<ProbeResult>();
  auto parsed = options_test::Parse<Options>(
      Spec(), "blackbox_config:\n  modules:\n    m: " + module +
                  "\nblackbox_targets: [{name: t, module: m, address: '" + target + "'}]\n");
  EXPECT_TRUE(parsed.errors.ok()) << parsed.AllErrors();
  if (!parsed.errors.ok()) return r;
  auto integ = NewTargetIntegration(
      std::static_pointer_cast<const Options>(parsed.opts), 0);
  EXPECT_TRUE(integ.ok()) << integ.status();
  if (!integ.ok()) return r;
  const absl::Time start = absl::Now();
  const absl::Status st = (*integ)->Collect(r->app, start + scrape_timeout);
  r->took = absl::Now() - start;
  EXPECT_TRUE(st.ok()) << st;  // a failed probe is still a good scrape
  return r;
}

// A listening socket on a free loopback port (*port); fails the test when
// there is none.
inline int ListenLoopback(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 16) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ADD_FAILURE() << "cannot listen on loopback";
  }
  *port = ntohs(a.sin_port);
  return fd;
}

// A loopback listener that never accepts: connects complete (the kernel's
// backlog) but nothing is ever said.
class SilentServer {
 public:
  SilentServer() : fd_(ListenLoopback(&port_)) {}
  ~SilentServer() { close(fd_); }
  int port() const { return port_; }

 private:
  int port_;  // before fd_: set by ListenLoopback in fd_'s initializer
  int fd_;
};

// A TCP server thread on loopback: each connection goes to `serve(fd)`,
// one at a time, until the object goes away.
class LineServer {
 public:
  explicit LineServer(std::function<void(int fd)> serve)
      : serve_(std::move(serve)), fd_(ListenLoopback(&port_)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~LineServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }

  // Helpers for `serve`.
  static void Send(int fd, const std::string& s) {
    (void)!write(fd, s.data(), s.size());
  }
  // One line without "\n" ("" at EOF or after 5 s).
  static std::string ReadLine(int fd) {
    std::string line;
    char c;
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 5000) <= 0 || read(fd, &c, 1) != 1 || c == '\n') return line;
      line += c;
    }
  }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      serve_(c);
      close(c);
    }
  }

  std::function<void(int)> serve_;
  int port_;  // before fd_: set by ListenLoopback in fd_'s initializer
  int fd_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A mail-server-like banner for query_response tests: a noise line, then
// "220 mail.test ready"; answers "250 hello" to "HELO mail.test
// mail.test" (what `send: "HELO ${host} $1"` expands to), "500 what" to
// anything else; then waits for one more line (QUIT).
inline void SmtpishBanner(int fd) {
  LineServer::Send(fd, "noise\r\n220 mail.test ready\r\n");
  const std::string helo = LineServer::ReadLine(fd);
  LineServer::Send(fd, helo == "HELO mail.test mail.test" ? "250 hello\n" : "500 what\n");
  LineServer::ReadLine(fd);
}

}  // namespace outpost::integrations::blackbox::testing

#endif  // OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_PROBE_UTIL_H_
