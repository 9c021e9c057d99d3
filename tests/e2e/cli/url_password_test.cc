// A password in a URL (issue 26 part 4) is used for the request (curl
// sends it as basic auth) and shown nowhere: not in check-config, the HTTP
// endpoints, the logs, the WAL or what the remote-write receiver gets.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "snappy.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/cli/wal_content.h"
#include "tests/remote_write/support/stub_server.h"
#include "tests/support/free_port.h"

namespace outpost::testing {
namespace {

using remote_write::testing::StubRequest;
using remote_write::testing::StubResponse;
using remote_write::testing::StubServer;

constexpr char kSecret[] = "SECRET";
constexpr char kMasked[] = "user:%3Csecret%3E@127.0.0.1:";

// What the receiver got: the Authorization headers and the uncompressed
// bodies.
struct Received {
  std::mutex mu;
  std::vector<std::string> auth, bodies;
};

// Every file under `dir`, concatenated.
std::string AllBytes(const std::string& dir) {
  std::string out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out += ReadAll(e.path().string());
  }
  return out;
}

TEST(UrlPasswordTest, PasswordIsUsedButShownNowhere) {
  Received rx;
  auto receiver = StubServer::Start({"/api/v1/write"}, [&rx](const StubRequest& r) {
    std::string body;
    snappy::Uncompress(r.body.data(), r.body.size(), &body);
    std::lock_guard<std::mutex> l(rx.mu);
    rx.auth.push_back(r.Header("Authorization"));
    rx.bodies.push_back(body);
    return StubResponse{200, "text/plain", ""};
  });
  ASSERT_NE(receiver, nullptr);

  TempDir d;
  const int port = FreePort();
  const std::string self = "127.0.0.1:" + std::to_string(port);
  WriteFile(d / "agent.yaml",
            "metrics:\n"
            "  wal_directory: " + (d / "data") + "\n"
            "  global:\n"
            "    scrape_interval: 1s\n"
            "    remote_write:\n"
            "      - url: http://user:" + kSecret + "@127.0.0.1:" +
                std::to_string(receiver->port()) + "/api/v1/write\n"
            "        queue_config: {batch_send_deadline: 1s}\n"
            "  configs:\n"
            "    - name: default\n"
            "      scrape_configs:\n"
            "        - job_name: self\n"
            "          static_configs: [{targets: ['user:" + kSecret + "@" + self + "']}]\n"
            "integrations:\n"
            "  agent:\n"
            "    enabled: true\n");

  RunResult check = RunOutpost({"check-config", d / "agent.yaml"}, d.path());
  ASSERT_EQ(check.code, 0) << check.err;
  EXPECT_EQ(check.out.find(kSecret), std::string::npos) << check.out;
  EXPECT_EQ(check.err.find(kSecret), std::string::npos) << check.err;
  EXPECT_NE(check.out.find(kMasked), std::string::npos) << check.out;

  Process p({"-config.file=" + (d / "agent.yaml"), "-server.http.address=" + self}, d.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  // Wait until both WALs were shipped: a scraped series (its instance) and
  // the agent integration's remote-write metrics (their url label) arrived.
  const std::string instance = "user:%3Csecret%3E@" + self;
  const std::string url_label =
      "http://user:%3Csecret%3E@127.0.0.1:" + std::to_string(receiver->port()) + "/api/v1/write";
  const auto received = [&](const std::string& needle) {
    std::lock_guard<std::mutex> l(rx.mu);
    for (const std::string& b : rx.bodies) {
      if (b.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!received(instance) || !received(url_label)) {
    ASSERT_LT(std::chrono::steady_clock::now(), end) << p.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }

  for (const char* path : {"/-/config", "/metrics", "/integrations/agent/metrics",
                           "/agent/api/v1/metrics/targets"}) {
    HttpResult r = HttpRequestTo(port, "GET", path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body.find(kSecret), std::string::npos) << path << ":\n" << r.body;
    EXPECT_NE(r.body.find(kMasked), std::string::npos) << path << ":\n" << r.body;
  }
  EXPECT_NE(HttpRequestTo(port, "GET", "/metrics").body.find("url=\"" + url_label + "\""),
            std::string::npos);

  p.Signal(SIGTERM);
  ASSERT_EQ(p.Wait(std::chrono::seconds(60)).value_or(-1), 0) << p.err();
  EXPECT_EQ(p.err().find(kSecret), std::string::npos) << p.err();

  {
    std::lock_guard<std::mutex> l(rx.mu);
    ASSERT_FALSE(rx.bodies.empty());
    for (size_t i = 0; i < rx.bodies.size(); ++i) {
      // The password went as basic auth ("user:SECRET"), never in the data.
      EXPECT_EQ(rx.auth[i], "Basic dXNlcjpTRUNSRVQ=");
      EXPECT_EQ(rx.bodies[i].find(kSecret), std::string::npos);
    }
  }
  for (const std::string& wal : {d / "data/default/wal", d / "data/integrations/wal"}) {
    EXPECT_EQ(AllBytes(wal).find(kSecret), std::string::npos) << wal;
    WalContent c = ReadWal(wal);
    EXPECT_FALSE(c.series.empty()) << wal;
    for (const auto& [ref, labels] : c.series) {
      EXPECT_EQ(labels.ToString().find(kSecret), std::string::npos) << labels.ToString();
    }
  }
  // The scraped series carry the masked address as their instance, and
  // the scrape succeeded (the address kept its port).
  bool up = false;
  WalContent c = ReadWal(d / "data/default/wal");
  for (const auto& [ref, labels] : c.series) {
    if (labels.Get("__name__") != "up") continue;
    EXPECT_EQ(labels.Get("instance"), instance);
    for (const wal::RefSample& s : c.samples[ref]) up = up || s.v == 1.0;
  }
  EXPECT_TRUE(up);
}

}  // namespace
}  // namespace outpost::testing
