// An integration given as a list of blocks (outpost's extension of Grafana
// Agent static mode): two redis servers from one agent, each its own
// target with its own instance label, served together on
// /integrations/redis_exporter/metrics.
#include <signal.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/support/free_port.h"
#include "tests/support/redis_server.h"

namespace outpost::testing {
namespace {

TEST(ListBlocksE2eTest, TwoRedisServersFromOneAgent) {
  RedisServer a, b;
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(b.ok()) << b.error();
  const std::string addr_a = "127.0.0.1:" + std::to_string(a.port());
  const std::string addr_b = "127.0.0.1:" + std::to_string(b.port());
  TempDir d;
  WriteFile(d / "agent.yaml",
            "metrics:\n"
            "  wal_directory: " + (d / "data") + "\n"
            "  global: {scrape_interval: 1s}\n"
            "integrations:\n"
            "  redis_exporter:\n"
            "    - enabled: true\n"
            "      redis_addr: " + addr_a + "\n"
            "    - enabled: true\n"
            "      redis_addr: " + addr_b + "\n");
  const int port = FreePort();
  Process p({"-config.file=" + (d / "agent.yaml"),
             "-server.http.address=127.0.0.1:" + std::to_string(port)},
            d.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  std::string body;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < end) {
    body = HttpRequestTo(port, "GET", "/integrations/redis_exporter/metrics").body;
    if (body.find("redis_up{instance=\"" + addr_a) != std::string::npos &&
        body.find("redis_up{instance=\"" + addr_b) != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  // One HELP/TYPE per family even with two instances.
  EXPECT_EQ(std::count(body.begin(), body.end(), '\n') > 10, true) << body;
  size_t helps = 0;
  for (size_t pos = 0; (pos = body.find("# HELP redis_up ", pos)) != std::string::npos; ++pos) {
    ++helps;
  }
  EXPECT_EQ(helps, 1u) << body;
  EXPECT_NE(body.find("redis_up{instance=\"" + addr_a + "\"} 1"), std::string::npos) << body;
  EXPECT_NE(body.find("redis_up{instance=\"" + addr_b + "\"} 1"), std::string::npos) << body;
  // The config echo keeps the list.
  std::string cfg = HttpRequestTo(port, "GET", "/-/config").body;
  EXPECT_NE(cfg.find("  redis_exporter:\n    - enabled: true\n"), std::string::npos) << cfg;
  p.Signal(SIGTERM);
  ASSERT_EQ(p.Wait(std::chrono::seconds(20)).value_or(-1), 0) << p.err();
}

}  // namespace
}  // namespace outpost::testing
