// End-to-end test of `install.sh --stack auto`: it finds a throwaway
// MariaDB and Redis (probe addresses overridden for the test's free ports),
// says what it found, and the agent it starts (in the background: no
// systemd with --prefix) collects from both and ships to a remote-write
// receiver with basic auth from the 0600 password file. PostgreSQL is
// found by its socket or its answer to an SSLRequest (stand-ins here), and
// enabled only with a DSN. A throwaway apache2 is found by its mod_status
// page (a page that is not mod_status is named, not enabled) and a
// memcached by its answer to `version`; the agent collects from both.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "snappy.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/install/install_runner.h"
#include "tests/support/apache_server.h"
#include "tests/support/free_port.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/memcached_server.h"
#include "tests/support/redis_server.h"

namespace outpost::testing::install {
namespace {

// A TCP server on 127.0.0.1 (an ephemeral port): hands each connection
// (5 s receive timeout) to `serve` on its own thread, one at a time, and
// closes it afterwards. Test-only.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(int)> serve) : serve_(std::move(serve)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    listen(fd_, 16);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      timeval tv{5, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      serve_(c);
      close(c);
    }
  }
  std::function<void(int)> serve_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A remote-write receiver: answers 204 to every POST and keeps each
// request's Authorization header and snappy-decoded body (a protobuf
// WriteRequest). Test-only; one connection at a time.
class Receiver {
 public:
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/api/v1/write"; }
  std::vector<std::string> authorizations() {
    std::lock_guard<std::mutex> l(mu_);
    return auth_;
  }
  // Whether a received series has the label name=value (its protobuf
  // Label encoding: field 1 name, field 2 value, both short strings).
  bool HasLabel(const std::string& name, const std::string& value) {
    const std::string needle = std::string("\x0a") + static_cast<char>(name.size()) + name +
                               "\x12" + static_cast<char>(value.size()) + value;
    std::lock_guard<std::mutex> l(mu_);
    for (const std::string& b : bodies_) {
      if (b.find(needle) != std::string::npos) return true;
    }
    return false;
  }

 private:
  void Serve(int c) {
    std::string req;
    char buf[65536];
    size_t need = std::string::npos;
    while (need == std::string::npos || req.size() < need) {
      ssize_t n = recv(c, buf, sizeof(buf), 0);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
      size_t end = req.find("\r\n\r\n");
      if (need == std::string::npos && end != std::string::npos) {
        std::smatch m;
        std::string head = req.substr(0, end);
        static const std::regex cl("[Cc]ontent-[Ll]ength: *([0-9]+)");
        need = end + 4 + (std::regex_search(head, m, cl) ? std::stoul(m[1]) : 0);
        static const std::regex au("\r\n[Aa]uthorization: *([^\r]*)");
        std::lock_guard<std::mutex> l(mu_);
        auth_.push_back(std::regex_search(head, m, au) ? std::string(m[1]) : "");
      }
    }
    if (size_t end = req.find("\r\n\r\n"); end != std::string::npos) {
      std::string body;
      if (snappy::Uncompress(req.data() + end + 4, req.size() - end - 4, &body)) {
        std::lock_guard<std::mutex> l(mu_);
        bodies_.push_back(std::move(body));
      }
    }
    const std::string resp = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
    send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
  }
  std::mutex mu_;
  std::vector<std::string> auth_;
  std::vector<std::string> bodies_;
  LoopbackServer server_{[this](int c) { Serve(c); }};  // last: starts serving
};

// Stands in for a PostgreSQL server: reads the 8-byte SSLRequest (length
// 8, code 80877103) and answers `reply` (a server without SSL says 'N').
// Counts the SSLRequests it saw.
class FakeSslResponder {
 public:
  explicit FakeSslResponder(char reply) : reply_(reply) {}
  int port() const { return server_.port(); }
  int ssl_requests() const { return ssl_requests_; }

 private:
  void Serve(int c) {
    static const unsigned char kSslRequest[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    unsigned char buf[8];
    size_t got = 0;
    while (got < sizeof(buf)) {
      ssize_t n = recv(c, buf + got, sizeof(buf) - got, 0);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    if (got == sizeof(buf) && std::memcmp(buf, kSslRequest, sizeof(buf)) == 0) {
      ++ssl_requests_;
      send(c, &reply_, 1, MSG_NOSIGNAL);
    }
  }
  const char reply_;
  std::atomic<int> ssl_requests_{0};
  LoopbackServer server_{[this](int c) { Serve(c); }};  // last: starts serving
};

// A listening unix socket at `path` (nothing accepts: the probe only
// looks for the socket file).
class FakeUnixSocket {
 public:
  explicit FakeUnixSocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
    ok_ = bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 && listen(fd_, 1) == 0;
  }
  ~FakeUnixSocket() {
    close(fd_);
    unlink(path_.c_str());
  }
  bool ok() const { return ok_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool ok_ = false;
};

// Stops the agent install.sh started in the background (pid file).
struct AgentGuard {
  // Running and not a zombie (the agent's parent, install.sh, is gone; who
  // reaps it depends on the machine).
  static bool Alive(pid_t p) {
    if (kill(p, 0) != 0) return false;
    const std::string stat = ReadAll("/proc/" + std::to_string(p) + "/stat");
    const size_t close = stat.rfind(')');
    return close == std::string::npos || stat.compare(close, 3, ") Z") != 0;
  }
  std::string pid_file;
  bool stopped = false;
  pid_t pid() const { return static_cast<pid_t>(std::atoi(ReadAll(pid_file).c_str())); }
  // SIGTERM, then up to 30 s for the exit; SIGKILL after that.
  bool Stop() {
    pid_t p = pid();
    stopped = true;
    if (p <= 0 || kill(p, SIGTERM) != 0) return false;
    for (int i = 0; i < 300; ++i) {
      if (!Alive(p)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(p, SIGKILL);
    return false;
  }
  ~AgentGuard() {
    pid_t p = pid();
    if (!stopped && p > 0) kill(p, SIGKILL);
  }
};

// `env` with the probes of the servers it does not name pointed at a port
// nobody listens on, so that a server running on this machine's default
// ports is not found (PostgreSQL's are left: its tests point it itself).
Env OnlyThese(Env env) {
  const std::string closed = "127.0.0.1:" + std::to_string(FreePort());
  for (const char* k : {"OUTPOST_AUTO_MYSQL_ADDR", "OUTPOST_AUTO_REDIS_ADDR", "OUTPOST_AUTO_MEMCACHED_ADDR"}) {
    env.try_emplace(k, closed);
  }
  env.try_emplace("OUTPOST_AUTO_APACHE_URL", "http://" + closed + "/server-status?auto");
  return env;
}

// MySQL probed where --mysql-dsn points.
Env NoMysqlOverride(Env env) {
  env.erase("OUTPOST_AUTO_MYSQL_ADDR");
  return env;
}

template <typename F>
bool Eventually(F cond, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

TEST(InstallAutoTest, FindsMariadbAndRedisAndTheStartedAgentCollectsBoth) {
  MariadbServer db;
  ASSERT_TRUE(db.Start()) << db.error();
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.error();
  Receiver receiver;
  Fixture f;
  WriteFile(f.tmp / "pw", "rw-pass");
  const int port = FreePort();
  const std::string host = HostName();
  // No --no-start: without systemd (and always with --prefix) the script
  // starts the agent in the background.
  RunResult r = Install({"--prefix", f.prefix, "--no-deps", "--binary", OUTPOST_BINARY, "--stack",
                         "auto", "--mysql-dsn", db.Dsn(), "--scrape-interval", "1s", "--http-address",
                         "127.0.0.1:" + std::to_string(port), "--remote-write-url",
                         receiver.url(), "--remote-write-user", "u",
                         "--remote-write-password-file", f.tmp / "pw"},
                        NoMysqlOverride(OnlyThese({{"OUTPOST_AUTO_REDIS_ADDR", redis.addr()}})),
                        f.tmp.path());
  AgentGuard agent{f.prefix + "/var/lib/outpost/outpost.pid"};
  ASSERT_EQ(r.code, 0) << r.out << r.err
                       << ReadAll(f.prefix + "/var/log/outpost/outpost.log");
  const std::string mysql_at = "127.0.0.1:" + std::to_string(db.port());
  EXPECT_TRUE(Contains(r.out, "MySQL/MariaDB: found at " + mysql_at)) << r.out;
  EXPECT_TRUE(Contains(r.out, "Redis: found at " + redis.addr())) << r.out;
  EXPECT_TRUE(Contains(r.out, "stop it with: kill $(cat " + agent.pid_file + ")")) << r.out;
  const std::string cfg = ReadAll(f.config());
  EXPECT_TRUE(Contains(cfg, "  node_exporter:\n")) << cfg;
  EXPECT_TRUE(Contains(cfg, "  mysqld_exporter:\n")) << cfg;
  EXPECT_TRUE(Contains(cfg, "    redis_addr: \"" + redis.addr() + "\"\n")) << cfg;
  EXPECT_TRUE(Contains(cfg, "scrape_interval: 1s\n    scrape_timeout: 1s\n")) << cfg;
  EXPECT_FALSE(Contains(r.out + r.err, MariadbServer::kPassword));
  ASSERT_GT(agent.pid(), 0);
  ASSERT_TRUE(AgentGuard::Alive(agent.pid()))
      << ReadAll(f.prefix + "/var/log/outpost/outpost.log");

  // Both integrations reach their servers (the exporters' own up gauges;
  // a single block's samples are served without the instance label).
  const std::regex mysql_up("(^|\n)mysql_up 1\n"), redis_up("(^|\n)redis_up 1\n");
  std::string mysql_body, redis_body;
  ASSERT_TRUE(Eventually(
      [&] {
        mysql_body = HttpRequestTo(port, "GET", "/integrations/mysqld_exporter/metrics").body;
        redis_body = HttpRequestTo(port, "GET", "/integrations/redis_exporter/metrics").body;
        return std::regex_search(mysql_body, mysql_up) && std::regex_search(redis_body, redis_up);
      },
      std::chrono::seconds(20)))
      << mysql_body.substr(0, 3000) << "\n" << redis_body.substr(0, 3000)
      << ReadAll(f.prefix + "/var/log/outpost/outpost.log");
  // Shipped: series of both jobs, local servers named after this host.
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{
           {"job", "integrations/mysqld_exporter"},
           {"job", "integrations/redis_exporter"},
           {"job", "integrations/node_exporter"},
           {"instance", host + ":" + std::to_string(db.port())},
           {"instance", host + ":" + std::to_string(redis.port())},
           {"instance", host}}) {
    EXPECT_TRUE(Eventually(
        [&, &name = name, &value = value] { return receiver.HasLabel(name, value); },
        std::chrono::seconds(20)))
        << name << "=" << value;
  }
  // Shipped with basic auth from the 0600 password file: base64("u:rw-pass").
  EXPECT_TRUE(Eventually(
      [&] {
        for (const std::string& a : receiver.authorizations()) {
          if (a == "Basic dTpydy1wYXNz") return true;
        }
        return false;
      },
      std::chrono::seconds(20)))
      << ReadAll(f.prefix + "/var/log/outpost/outpost.log");
  EXPECT_TRUE(agent.Stop()) << "the agent did not exit on SIGTERM";
}

TEST(InstallAutoTest, SaysWhatItFoundAndSkipsMysqlWithoutADsn) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.error();
  Fixture f;
  const int closed = FreePort();
  RunResult r = f.Run({"--stack", "auto"},
                      OnlyThese({{"OUTPOST_AUTO_MYSQL_ADDR", redis.addr()},  // not MySQL: no greeting
                       {"OUTPOST_AUTO_REDIS_ADDR", "127.0.0.1:" + std::to_string(closed)}}));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "MySQL/MariaDB: none found")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Redis: none found")) << r.out;
  std::string cfg = ReadAll(f.config());
  EXPECT_TRUE(Contains(cfg, "  node_exporter:\n")) << cfg;
  EXPECT_FALSE(Contains(cfg, "mysqld_exporter")) << cfg;
  EXPECT_FALSE(Contains(cfg, "redis_exporter")) << cfg;

  // A MySQL socket but no DSN: found, said, not enabled.
  MariadbServer db;
  ASSERT_TRUE(db.Start()) << db.error();
  Fixture g;
  r = g.Run({"--stack", "auto"}, OnlyThese({{"OUTPOST_AUTO_MYSQL_ADDR", db.Socket()},
                                            {"OUTPOST_AUTO_REDIS_ADDR", redis.addr()}}));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "found at " + db.Socket() + " but no --mysql-dsn")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Redis: found at " + redis.addr())) << r.out;
  cfg = ReadAll(g.config());
  EXPECT_FALSE(Contains(cfg, "mysqld_exporter")) << cfg;
  EXPECT_TRUE(Contains(cfg, "  redis_exporter:\n")) << cfg;
}

// PostgreSQL: a socket is found and named, but without a DSN the stack
// stays off; a listener that answers the SSLRequest, with a DSN pointing
// at it, enables the stack; a listener that answers something else is not
// PostgreSQL. The enabled case's config loads in outpost.
TEST(InstallAutoTest, FindsPostgresBySocketOrItsSslAnswer) {
  const Env others = OnlyThese({});
  TempDir sockets;
  const std::string socket_path = sockets / ".s.PGSQL.5432";
  FakeUnixSocket sock(socket_path);
  ASSERT_TRUE(sock.ok()) << socket_path;
  Fixture f;
  Env env = others;
  env["OUTPOST_AUTO_POSTGRES_ADDR"] = socket_path;
  RunResult r = f.Run({"--stack", "auto"}, env);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "PostgreSQL: found at " + socket_path +
                                  " but no --postgres-dsn given: postgres stack NOT enabled"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "GRANT pg_monitor TO outpost")) << r.out;
  EXPECT_FALSE(Contains(ReadAll(f.config()), "postgres_exporter")) << ReadAll(f.config());

  FakeSslResponder pg('N');
  Fixture g;
  const std::string at = "127.0.0.1:" + std::to_string(pg.port());
  r = g.Run({"--stack", "auto", "--postgres-dsn", "postgresql://outpost:pg-s3cret@" + at + "/postgres"},
            others);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "PostgreSQL: found at " + at + ": enabling the postgres stack")) << r.out;
  EXPECT_GE(pg.ssl_requests(), 1);
  EXPECT_FALSE(Contains(r.out + r.err, "pg-s3cret"));
  std::string cfg = ReadAll(g.config());
  EXPECT_TRUE(Contains(cfg, "  node_exporter:\n")) << cfg;
  EXPECT_TRUE(Contains(cfg, "  postgres_exporter:\n")) << cfg;
  EXPECT_TRUE(Contains(cfg, "    instance: \"" + HostName() + ":" + std::to_string(pg.port()) + "\"\n")) << cfg;
  RunResult check = g.CheckConfig();
  EXPECT_EQ(check.code, 0) << check.err;

  FakeSslResponder other('+');
  Fixture h;
  env = others;
  env["OUTPOST_AUTO_POSTGRES_ADDR"] = "127.0.0.1:" + std::to_string(other.port());
  r = h.Run({"--stack", "auto", "--postgres-dsn", "postgresql://outpost@127.0.0.1/postgres"}, env);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "PostgreSQL: none found")) << r.out;
  EXPECT_GE(other.ssl_requests(), 1);
  EXPECT_FALSE(Contains(ReadAll(h.config()), "postgres_exporter")) << ReadAll(h.config());
}

TEST(InstallAutoTest, FindsApacheStatusAndMemcachedAndTheAgentCollectsBoth) {
  ApacheServer httpd;
  ASSERT_TRUE(httpd.Start()) << httpd.error();
  MemcachedServer mc;
  ASSERT_TRUE(mc.Start()) << mc.error();
  const std::string closed = "127.0.0.1:" + std::to_string(FreePort());
  Env env = OnlyThese({{"OUTPOST_AUTO_POSTGRES_ADDR", closed},
                       {"OUTPOST_AUTO_APACHE_URL", httpd.StatusUri()},
                       {"OUTPOST_AUTO_MEMCACHED_ADDR", mc.addr()}});
  Fixture f;
  const int port = FreePort();
  const std::string host = HostName();
  RunResult r = Install({"--prefix", f.prefix, "--no-deps", "--binary", OUTPOST_BINARY, "--stack",
                         "auto", "--scrape-interval", "1s", "--http-address",
                         "127.0.0.1:" + std::to_string(port)},
                        env, f.tmp.path());
  AgentGuard agent{f.prefix + "/var/lib/outpost/outpost.pid"};
  ASSERT_EQ(r.code, 0) << r.out << r.err << ReadAll(f.prefix + "/var/log/outpost/outpost.log");
  EXPECT_TRUE(Contains(r.out, "Apache: mod_status found at " + httpd.StatusUri() +
                                  ": enabling the apache stack"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "memcached: found at " + mc.addr() + ": enabling the memcached stack"))
      << r.out;
  const std::string cfg = ReadAll(f.config());
  EXPECT_TRUE(Contains(cfg, "  apache_http:\n    enabled: true\n    scrape_uri: \"" +
                                httpd.StatusUri() + "\"\n    instance: \"" + host + ":" +
                                std::to_string(httpd.port()) + "\"\n"))
      << cfg;
  EXPECT_TRUE(Contains(cfg, "  memcached_exporter:\n    enabled: true\n    memcached_address: \"" +
                                mc.addr() + "\"\n    instance: \"" + host + ":" +
                                std::to_string(mc.port()) + "\"\n"))
      << cfg;
  EXPECT_FALSE(Contains(cfg, "process_exporter")) << cfg;  // opt-in only
  ASSERT_GT(agent.pid(), 0);
  const std::regex apache_up("(^|\n)apache_up 1\n"), memcached_up("(^|\n)memcached_up 1\n");
  std::string apache_body, memcached_body;
  EXPECT_TRUE(Eventually(
      [&] {
        apache_body = HttpRequestTo(port, "GET", "/integrations/apache_http/metrics").body;
        memcached_body = HttpRequestTo(port, "GET", "/integrations/memcached_exporter/metrics").body;
        return std::regex_search(apache_body, apache_up) &&
               std::regex_search(memcached_body, memcached_up);
      },
      std::chrono::seconds(20)))
      << apache_body.substr(0, 2000) << "\n" << memcached_body.substr(0, 2000)
      << ReadAll(f.prefix + "/var/log/outpost/outpost.log");
  EXPECT_TRUE(agent.Stop()) << "the agent did not exit on SIGTERM";

  // A web server whose page at the URL is not mod_status's: named, with
  // how to enable it, and the stack stays off; nobody at the memcached
  // address: none found.
  Fixture g;
  env["OUTPOST_AUTO_APACHE_URL"] = "http://127.0.0.1:" + std::to_string(httpd.port()) + "/nothing-here";
  env["OUTPOST_AUTO_MEMCACHED_ADDR"] = closed;
  r = g.Run({"--stack", "auto"}, env);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "Apache: a web server answers at 127.0.0.1:" +
                                  std::to_string(httpd.port()) + " but /nothing-here gave \"HTTP/1.1 404"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "a2enmod status")) << r.out;
  EXPECT_TRUE(Contains(r.out, "memcached: none found")) << r.out;
  const std::string cfg2 = ReadAll(g.config());
  EXPECT_FALSE(Contains(cfg2, "apache_http")) << cfg2;
  EXPECT_FALSE(Contains(cfg2, "memcached_exporter")) << cfg2;
}

}  // namespace
}  // namespace outpost::testing::install
