#include "core/agent/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"

namespace outpost {
namespace {

using Clock = std::chrono::steady_clock;

// Slowloris: `n` connections that send one byte of request headers a
// second and never finish them. A background thread drives them and
// records when the server closed each one.
class SlowClients {
 public:
  SlowClients(int port, int n) : start_(Clock::now()) {
    for (int i = 0; i < n; ++i) conns_.push_back(Conn{testing::ConnectLoopback(port), 0, {}});
    open_ = n;
    thread_ = std::thread([this] { Run(); });
  }
  ~SlowClients() {
    Stop();
    for (Conn& c : conns_) {
      if (c.fd >= 0) close(c.fd);
    }
  }
  bool AllConnected() const {
    for (const Conn& c : conns_) {
      if (c.fd < 0) return false;
    }
    return true;
  }
  int open() const { return open_; }
  // Waits until all are closed or `limit` passed since they connected;
  // returns the time since then at which each was closed (limit if not).
  std::vector<Clock::duration> WaitClosed(Clock::duration limit) {
    while (open_ > 0 && Clock::now() - start_ < limit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Stop();
    std::vector<Clock::duration> out;
    for (const Conn& c : conns_) out.push_back(c.closed ? c.closed_after : limit);
    return out;
  }

 private:
  struct Conn {
    int fd;
    size_t sent;
    Clock::duration closed_after;
    bool closed = false;
  };
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  void Run() {
    static const std::string kHead = "GET /-/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    for (auto next_send = Clock::now(); !stop_;) {
      const bool send_now = Clock::now() >= next_send;
      if (send_now) next_send += std::chrono::seconds(1);
      int open = 0;
      for (Conn& c : conns_) {
        if (c.fd < 0 || c.closed) continue;
        char buf[512];
        pollfd p{c.fd, POLLIN, 0};
        bool gone = false;
        // The server's 400 reply, then EOF; or a reset.
        while (!gone && poll(&p, 1, 0) > 0) gone = recv(c.fd, buf, sizeof(buf), 0) <= 0;
        if (!gone && send_now) {
          const char byte = c.sent < kHead.size() ? kHead[c.sent] : 'a';
          gone = send(c.fd, &byte, 1, MSG_NOSIGNAL) != 1;
          ++c.sent;
        }
        if (gone) {
          c.closed = true;
          c.closed_after = Clock::now() - start_;
        } else {
          ++open;
        }
      }
      open_ = open;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  const Clock::time_point start_;
  std::vector<Conn> conns_;
  std::atomic<bool> stop_{false};
  std::atomic<int> open_{0};
  std::thread thread_;
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

TEST(HttpServerTest, RoutesByPathAndMethod) {
  HttpServer s;
  s.Route("/-/healthy", {"GET"}, [](const HttpRequest&) {
    return HttpResponse{200, "text/plain", "ok\n"};
  });
  s.Route("/-/reload", {"GET", "POST"}, [](const HttpRequest& r) {
    return HttpResponse{200, "text/plain", r.method + "\n"};
  });
  s.Route("/integrations/", {"GET"}, [](const HttpRequest& r) {
    return HttpResponse{200, "text/plain", r.path + "?" + r.query};
  });
  ASSERT_TRUE(s.Start("127.0.0.1:0").ok());
  ASSERT_GT(s.port(), 0);

  testing::HttpResult r = testing::HttpRequestTo(s.port(), "GET", "/-/healthy");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(testing::HttpRequestTo(s.port(), "POST", "/-/reload").body, "POST\n");
  EXPECT_EQ(testing::HttpRequestTo(s.port(), "POST", "/-/healthy").status, 405);
  EXPECT_EQ(testing::HttpRequestTo(s.port(), "GET", "/nope").status, 404);
  EXPECT_EQ(testing::HttpRequestTo(s.port(), "GET", "/integrations/x/metrics?a=b").body,
            "/integrations/x/metrics?a=b");
  s.Stop();
}

// Issue 26: slow clients used to take all 4 workers until they went away.
TEST(HttpServerTest, SlowClientsDoNotStarveTheEndpoints) {
  constexpr int kSlow = 16;
  static_assert(kSlow <= HttpServer::kMaxSlowClients);
  HttpServer s;
  s.Route("/-/ready", {"GET"}, [](const HttpRequest&) {
    return HttpResponse{200, "text/plain", "ready\n"};
  });
  s.Route("/metrics", {"GET"}, [](const HttpRequest&) {
    return HttpResponse{200, "text/plain", "up 1\n"};
  });
  ASSERT_TRUE(s.Start("127.0.0.1:0").ok());
  SlowClients slow(s.port(), kSlow);
  ASSERT_TRUE(slow.AllConnected());
  const auto start = Clock::now();

  // Probe while they hold their workers (they are cut off at 5 s).
  int probes = 0;
  for (auto at = start + std::chrono::milliseconds(1000);
       at < start + std::chrono::milliseconds(HttpServer::kHeaderTimeoutMs - 1500);
       at += std::chrono::milliseconds(500)) {
    std::this_thread::sleep_until(at);
    for (const char* path : {"/-/ready", "/metrics"}) {
      const auto t0 = Clock::now();
      testing::HttpResult r = testing::HttpRequestTo(s.port(), "GET", path);
      const double took = Seconds(Clock::now() - t0);
      EXPECT_EQ(r.status, 200) << path;
      EXPECT_LT(took, 1.0) << path << " answered in " << took << " s with " << kSlow
                           << " slow clients open";
      ++probes;
    }
  }
  EXPECT_GE(probes, 10);
  // The probes ran against slow clients that were all still open.
  EXPECT_EQ(slow.open(), kSlow);

  // The server closes them once their header timeout has passed (a
  // generous upper bound: the machine may be loaded).
  const double timeout = HttpServer::kHeaderTimeoutMs / 1000.0;
  for (Clock::duration d : slow.WaitClosed(std::chrono::milliseconds(HttpServer::kHeaderTimeoutMs + 5000))) {
    EXPECT_GE(Seconds(d), timeout - 0.5);
    EXPECT_LT(Seconds(d), timeout + 5);
  }
}

// 1000 ordinary requests from 50 concurrent clients all succeed: half on
// fresh connections, half on one keep-alive connection per client.
TEST(HttpServerTest, ThousandConcurrentRequests) {
  HttpServer s;
  s.Route("/-/ready", {"GET"}, [](const HttpRequest&) {
    return HttpResponse{200, "text/plain", "ready\n"};
  });
  ASSERT_TRUE(s.Start("127.0.0.1:0").ok());
  constexpr int kClients = 50;
  constexpr int kEach = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      for (int j = 0; j < kEach / 2; ++j) {
        if (testing::HttpRequestTo(s.port(), "GET", "/-/ready").body == "ready\n") ++ok;
      }
      const int fd = testing::ConnectLoopback(s.port());
      if (fd < 0) return;
      const std::string req = "GET /-/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      std::string raw;
      for (int j = 0; j < kEach / 2; ++j) {
        if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) break;
        // Each reply is the same size; read exactly one.
        const std::string want = "\r\n\r\nready\n";
        size_t end;
        while ((end = raw.find(want)) == std::string::npos) {
          char buf[1024];
          const ssize_t n = recv(fd, buf, sizeof(buf), 0);
          if (n <= 0) break;
          raw.append(buf, static_cast<size_t>(n));
        }
        if (end == std::string::npos) break;
        if (raw.rfind("HTTP/1.1 200 ", 0) == 0) ++ok;
        raw.erase(0, end + want.size());
      }
      close(fd);
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients * kEach);
}

TEST(HttpServerTest, PortInUseIsAOneLineError) {
  HttpServer a;
  ASSERT_TRUE(a.Start("127.0.0.1:0").ok());
  HttpServer b;
  const std::string addr = "127.0.0.1:" + std::to_string(a.port());
  absl::Status st = b.Start(addr);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(std::string(st.message()), "listen on " + addr + ": address already in use");
}

TEST(HttpServerTest, BadAddress) {
  HttpServer s;
  absl::Status st = s.Start("localhost");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find("invalid listen address \"localhost\""), std::string::npos);
}

TEST(HttpServerTest, SplitHostPort) {
  std::string h;
  int p;
  ASSERT_TRUE(SplitHostPort("127.0.0.1:12345", &h, &p));
  EXPECT_EQ(h, "127.0.0.1");
  EXPECT_EQ(p, 12345);
  ASSERT_TRUE(SplitHostPort("[::1]:80", &h, &p));
  EXPECT_EQ(h, "::1");
  ASSERT_TRUE(SplitHostPort(":9090", &h, &p));
  EXPECT_EQ(h, "");
  EXPECT_FALSE(SplitHostPort("host:99999", &h, &p));
  EXPECT_FALSE(SplitHostPort("host", &h, &p));
}

}  // namespace
}  // namespace outpost
