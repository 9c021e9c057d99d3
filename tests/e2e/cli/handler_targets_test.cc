// Handler integrations through the binary (blackbox here; snmp runs on the
// same TargetPool): every target is its own job,
// job="integrations/blackbox/<name>", all with the agent's instance
// (Grafana Agent static/integrations/manager.go); the target's params are
// __param_<key> labels that relabel_configs can read and that never reach
// the WAL; each target has its own `up`; /integrations/blackbox/metrics
// serves every target with its job label; a target removed by a reload
// gets staleness markers while the kept one goes on.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "core/base/metric.h"
#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/cli/wal_content.h"
#include "tests/support/free_port.h"

namespace outpost::testing {
namespace {

// A loopback TCP port that accepts connections (the kernel completes the
// handshake from the backlog; nothing is ever read).
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 && listen(fd_, 64) == 0) {
      socklen_t len = sizeof(a);
      getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
      port_ = ntohs(a.sin_port);
    }
  }
  ~Listener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::string Config(const std::string& dir, const std::string& targets) {
  return "metrics:\n"
         "  wal_directory: " + dir + "/data\n"
         "  global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
         "integrations:\n"
         "  blackbox:\n"
         "    enabled: true\n"
         "    relabel_configs:\n"
         "      - {source_labels: [__param_target], target_label: target}\n"
         "    blackbox_config:\n"
         "      modules:\n"
         "        tcp_connect: {prober: tcp, timeout: 1s}\n"
         "    blackbox_targets:\n" + targets;
}

bool Has(const std::string& body, const std::string& pattern) {
  return std::regex_search(body, std::regex(pattern));
}

TEST(HandlerTargetsE2eTest, BlackboxTargetsAreJobsSharingTheAgentInstance) {
  Listener open;
  ASSERT_GT(open.port(), 0);
  const std::string open_addr = "127.0.0.1:" + std::to_string(open.port());
  const std::string closed_addr = "127.0.0.1:" + std::to_string(FreePort());
  TempDir d;
  const std::string both = "      - {name: open, address: \"" + open_addr + "\", module: tcp_connect}\n"
                           "      - {name: closed, address: \"" + closed_addr + "\", module: tcp_connect}\n";
  WriteFile(d / "agent.yaml", Config(d.path(), both));
  const int port = FreePort();
  Process p({"-config.file=" + (d / "agent.yaml"),
             "-server.http.address=127.0.0.1:" + std::to_string(port)},
            d.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();

  const std::string open_re = R"(probe_success\{[^}]*job="integrations/blackbox/open"[^}]*\} 1\n)";
  const std::string closed_re = R"(probe_success\{[^}]*job="integrations/blackbox/closed"[^}]*\} 0\n)";
  std::string body;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < end) {
    body = HttpRequestTo(port, "GET", "/integrations/blackbox/metrics").body;
    if (Has(body, open_re) && Has(body, closed_re)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(Has(body, open_re)) << body;
  EXPECT_TRUE(Has(body, closed_re)) << body;

  // Reload without the closed target: its series go stale, open's go on.
  WriteFile(d / "agent.yaml", Config(d.path(), "      - {name: open, address: \"" + open_addr +
                                                   "\", module: tcp_connect}\n"));
  HttpResult reload = HttpRequestTo(port, "GET", "/-/reload");
  ASSERT_EQ(reload.status, 200) << reload.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  p.Signal(SIGTERM);
  ASSERT_EQ(p.Wait(std::chrono::seconds(20)).value_or(-1), 0) << p.err();

  const WalContent wal = ReadWal(d / "data/integrations/wal");
  std::string instance;
  bool open_ok = false, closed_failed = false, closed_stale = false, open_after_reload = false;
  size_t ups = 0;
  for (const auto& [ref, l] : wal.series) {
    for (const Label& label : l) EXPECT_NE(label.name.rfind("__param_", 0), 0u) << label.name;
    const std::string job(l.Get("job"));
    if (job.rfind("integrations/blackbox/", 0) != 0) continue;
    // Every target shares one instance: the agent's <hostname>:<port>.
    if (instance.empty()) instance = l.Get("instance");
    EXPECT_EQ(l.Get("instance"), instance) << job;
    EXPECT_EQ(l.Get("target"), job == "integrations/blackbox/open" ? open_addr : closed_addr);
    if (!wal.samples.count(ref)) continue;
    const auto& s = wal.samples.at(ref);
    const std::string name(l.Get("__name__"));
    if (name == "up") {
      ++ups;
      EXPECT_EQ(s.front().v, 1) << job;  // the probe failing is not the scrape failing
    }
    if (name != "probe_success") continue;
    if (job == "integrations/blackbox/open") {
      open_ok = s.front().v == 1;
      open_after_reload = s.size() >= 3 && !IsStaleNaN(s.back().v);
    } else {
      closed_failed = s.front().v == 0;
      closed_stale = IsStaleNaN(s.back().v);
    }
  }
  EXPECT_EQ(instance.substr(instance.rfind(':') + 1), std::to_string(port)) << instance;
  EXPECT_EQ(ups, 2u);
  EXPECT_TRUE(open_ok);
  EXPECT_TRUE(closed_failed);
  EXPECT_TRUE(closed_stale);
  EXPECT_TRUE(open_after_reload);
}

}  // namespace
}  // namespace outpost::testing
