// A Grafana Agent config from before v0.24, as a migrating user has it:
// check-config says what will run and warns about each old key (last), and
// the agent listens where the old agent did unless the flag says otherwise.
#include <algorithm>
#include <string>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/support/free_port.h"

namespace outpost::testing {
namespace {

std::string LegacyConfig(const std::string& wal, int port) {
  return "server:\n"
         "  http_listen_address: 127.0.0.1\n"
         "  http_listen_port: " + std::to_string(port) + "\n"
         "  grpc_listen_port: 9095\n"
         "metrics:\n"
         "  wal_directory: " + wal + "\n"
         "  global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
         "  configs:\n"
         "    - name: default\n"
         "      scrape_configs:\n"
         "        - job_name: app\n"
         "          static_configs: [{targets: ['127.0.0.1:1', '127.0.0.1:2']}]\n"
         "integrations:\n"
         "  agent: {enabled: true}\n"
         "  node_exporter: {enabled: true, include_exporter_metrics: true}\n"
         "  redis_exporter: {enabled: false, redis_addr: 'localhost:6379'}\n";
}

TEST(LegacyConfigTest, CheckConfigSaysWhatRunsAndWarnsLast) {
  TempDir d;
  WriteFile(d / "a.yaml", LegacyConfig(d / "wal", 9090));
  RunResult r = RunOutpost({"check-config", d / "a.yaml"}, d.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const size_t summary = r.out.find("# outpost will run:\n");
  ASSERT_NE(summary, std::string::npos) << r.out;
  const std::string tail = r.out.substr(summary);
  EXPECT_NE(tail.find("#   integrations: agent, node_exporter\n"), std::string::npos) << tail;
  EXPECT_NE(tail.find("#   integrations not enabled: redis_exporter\n"), std::string::npos);
  EXPECT_NE(tail.find("#   scrape jobs: default/app (2 static targets)\n"), std::string::npos);
  EXPECT_NE(tail.find("#   HTTP listen address: 127.0.0.1:9090"), std::string::npos) << tail;
  // One warning per legacy key, each on its own line naming the key.
  for (const char* key : {"server.http_listen_address", "server.http_listen_port",
                          "server.grpc_listen_port",
                          "integrations.node_exporter.include_exporter_metrics"}) {
    EXPECT_NE(r.err.find(std::string(": ") + key + ": "), std::string::npos) << key << r.err;
  }
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 4) << r.err;
  // The output stays a loadable config (the summary is comments).
  WriteFile(d / "effective.yaml", r.out);
  EXPECT_EQ(RunOutpost({"check-config", d / "effective.yaml"}, d.path()).code, 0);
}

TEST(LegacyConfigTest, HttpListenKeysAreTheListenAddressUnlessTheFlagIsGiven) {
  TempDir d;
  const int port = FreePort();
  ASSERT_GT(port, 0);
  WriteFile(d / "a.yaml", LegacyConfig(d / "wal", port));
  {
    Process p({"-config.file=" + (d / "a.yaml")}, d.path());
    ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
    EXPECT_EQ(PortFromLog(p.err()), port) << p.err();
    EXPECT_EQ(HttpRequestTo(port, "GET", "/-/ready").status, 200);
    EXPECT_NE(p.err().find("server.http_listen_port: deprecated"), std::string::npos) << p.err();
  }
  Process p({"-config.file=" + (d / "a.yaml"), "-server.http.address=127.0.0.1:0"}, d.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  const int flag_port = PortFromLog(p.err());
  EXPECT_GT(flag_port, 0);
  EXPECT_NE(flag_port, port);
  EXPECT_EQ(HttpRequestTo(flag_port, "GET", "/-/ready").status, 200);
}

}  // namespace
}  // namespace outpost::testing
