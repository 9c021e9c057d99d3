// End-to-end tests of the outpost binary: flags, bad input, the HTTP
// endpoints, reload (HTTP and SIGHUP) and shutdown.
#include <signal.h>

#include <regex>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"

namespace outpost::testing {
namespace {

using std::chrono::seconds;

int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

std::string AgentConfig(const std::string& wal, bool node, const std::string& extra = "") {
  std::string c =
      "server:\n"
      "  log_level: debug\n"
      "metrics:\n"
      "  wal_directory: " + wal + "\n"
      "  global:\n"
      "    scrape_interval: 1s\n"
      "    scrape_timeout: 1s\n"
      // A metrics instance's endpoint (not the integrations'), so nothing
      // is shipped to this unreachable URL and shutdown does not wait.
      "  configs:\n"
      "    - name: default\n"
      "      remote_write:\n"
      "        - url: http://127.0.0.1:1/api/v1/write\n"
      "          basic_auth: {username: u, password: hunter2-secret}\n"
      "integrations:\n"
      "  agent:\n"
      "    enabled: true\n";
  if (node) c += "  node_exporter:\n    enabled: true\n";
  return c + extra;
}

template <typename F>
bool Eventually(F cond, seconds limit = seconds(30)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(CliTest, Version) {
  TempDir d;
  RunResult r = RunOutpost({"--version"}, d.path());
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("outpost, version ", 0), 0u) << r.out;
}

TEST(CliTest, HelpListsFlags) {
  TempDir d;
  RunResult r = RunOutpost({"-help"}, d.path());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("-config.file"), std::string::npos);
  EXPECT_NE(r.out.find("-server.http.address"), std::string::npos);
}

TEST(CliTest, UnknownFlagIsUsageError) {
  TempDir d;
  RunResult r = RunOutpost({"-nope=1"}, d.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("outpost: flag provided but not defined: -nope\n", 0), 0u) << r.err;
}

TEST(CliTest, ConfigFileRequired) {
  TempDir d;
  RunResult r = RunOutpost({}, d.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("-config.file flag required"), std::string::npos);
}

TEST(CliTest, MissingConfigFileIsOneLine) {
  TempDir d;
  RunResult r = RunOutpost({"-config.file", d / "absent.yaml"}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("absent.yaml"), std::string::npos) << r.err;
}

TEST(CliTest, YamlSyntaxErrorNamesFileAndLine) {
  TempDir d;
  WriteFile(d / "a.yaml", "server:\n  log_level: [info\n");
  RunResult r = RunOutpost({"-config.file=" + (d / "a.yaml")}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("a.yaml:"), std::string::npos) << r.err;
}

TEST(CliTest, UnknownKeyNamesFileLineAndKey) {
  TempDir d;
  WriteFile(d / "a.yaml", "server:\n  log_level: info\n  bogus_key: 1\n");
  RunResult r = RunOutpost({"-config.file=" + (d / "a.yaml")}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("a.yaml:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("server.bogus_key"), std::string::npos) << r.err;
}

TEST(CliTest, UnknownIntegrationIsAnError) {
  TempDir d;
  WriteFile(d / "a.yaml", AgentConfig(d / "wal", false, "  frobnicator_exporter:\n    enabled: true\n"));
  RunResult r = RunOutpost({"-config.file=" + (d / "a.yaml")}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("frobnicator_exporter"), std::string::npos) << r.err;
}

TEST(CliTest, PortInUseIsOneLine) {
  TempDir d;
  WriteFile(d / "a.yaml", AgentConfig(d / "wal", false));
  Process first({"-config.file=" + (d / "a.yaml"), "-server.http.address=127.0.0.1:0"}, d.path());
  ASSERT_TRUE(first.WaitForStderr("outpost started")) << first.err();
  const int port = PortFromLog(first.err());
  ASSERT_GT(port, 0);
  RunResult r = RunOutpost({"-config.file=" + (d / "a.yaml"),
                            "-server.http.address=127.0.0.1:" + std::to_string(port)},
                           d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("address already in use"), std::string::npos) << r.err;
}

TEST(CliTest, CheckConfigPrintsEffectiveConfigWithSecretsMasked) {
  TempDir d;
  WriteFile(d / "a.yaml", AgentConfig(d / "wal", true));
  RunResult r = RunOutpost({"check-config", d / "a.yaml"}, d.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("<secret>"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("hunter2-secret"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wal_truncate_frequency"), std::string::npos) << r.out;  // defaults shown
  // The effective config is itself a valid config that prints the same.
  WriteFile(d / "effective.yaml", r.out);
  RunResult again = RunOutpost({"check-config", d / "effective.yaml"}, d.path());
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, r.out);
}

TEST(CliTest, CheckConfigPrintsEveryError) {
  TempDir d;
  WriteFile(d / "a.yaml",
            "server:\n  nope: 1\nmetrics:\n  global:\n    scrape_interval: 5s\n"
            "    scrape_timeout: 10s\n  also_nope: 2\n");
  RunResult r = RunOutpost({"check-config", d / "a.yaml"}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_GE(CountLines(r.err), 3) << r.err;
  EXPECT_NE(r.err.find("server.nope"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("metrics.also_nope"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("scrape_timeout"), std::string::npos) << r.err;
}

TEST(CliTest, EndpointsReloadSignalsAndShutdown) {
  TempDir d;
  const std::string cfg = d / "agent.yaml";
  WriteFile(cfg, AgentConfig(d / "wal", true));
  Process p({"-config.file=" + cfg, "-server.http.address=127.0.0.1:0"}, d.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  const int port = PortFromLog(p.err());
  ASSERT_GT(port, 0) << p.err();

  EXPECT_EQ(HttpRequestTo(port, "GET", "/-/healthy").status, 200);
  EXPECT_EQ(HttpRequestTo(port, "GET", "/-/ready").status, 200);

  HttpResult m = HttpRequestTo(port, "GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  for (const char* name : {"agent_build_info{", "agent_config_last_load_successful 1",
                           "agent_config_hash{sha256=", "agent_config_load_failures_total 0",
                           "process_resident_memory_bytes", "process_cpu_seconds_total",
                           "process_open_fds", "process_start_time_seconds"}) {
    EXPECT_NE(m.body.find(name), std::string::npos) << name << "\n" << m.body;
  }

  // Each integration serves its last collection.
  ASSERT_TRUE(Eventually([&] {
    HttpResult r = HttpRequestTo(port, "GET", "/integrations/agent/metrics");
    return r.status == 200 && r.body.find("agent_build_info") != std::string::npos;
  })) << p.err();
  ASSERT_TRUE(Eventually([&] {
    HttpResult r = HttpRequestTo(port, "GET", "/integrations/node_exporter/metrics");
    return r.status == 200 && r.body.find("node_") != std::string::npos;
  })) << p.err();
  EXPECT_EQ(HttpRequestTo(port, "GET", "/integrations/redis_exporter/metrics").status, 404);

  HttpResult c = HttpRequestTo(port, "GET", "/-/config");
  EXPECT_EQ(c.status, 200);
  EXPECT_NE(c.body.find("<secret>"), std::string::npos) << c.body;
  EXPECT_EQ(c.body.find("hunter2-secret"), std::string::npos) << c.body;

  // Good reload over HTTP: node_exporter is switched off.
  WriteFile(cfg, AgentConfig(d / "wal", false));
  HttpResult rl = HttpRequestTo(port, "POST", "/-/reload");
  EXPECT_EQ(rl.status, 200) << rl.body;
  EXPECT_EQ(HttpRequestTo(port, "GET", "/integrations/node_exporter/metrics").status, 404);

  // Bad reload: 400 with the error, the running config stays.
  WriteFile(cfg, "server:\n  log_level: loud\n");
  HttpResult bad = HttpRequestTo(port, "GET", "/-/reload");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("log_level"), std::string::npos) << bad.body;
  EXPECT_EQ(HttpRequestTo(port, "GET", "/integrations/agent/metrics").status, 200);
  m = HttpRequestTo(port, "GET", "/metrics");
  EXPECT_NE(m.body.find("agent_config_last_load_successful 0"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("agent_config_load_failures_total 1"), std::string::npos) << m.body;

  // SIGHUP reloads too: node_exporter comes back.
  WriteFile(cfg, AgentConfig(d / "wal", true));
  p.Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] {
    return HttpRequestTo(port, "GET", "/integrations/node_exporter/metrics").status == 200;
  })) << p.err();
  m = HttpRequestTo(port, "GET", "/metrics");
  EXPECT_NE(m.body.find("agent_config_last_load_successful 1"), std::string::npos) << m.body;

  // SIGTERM: orderly shutdown, exit 0.
  p.Signal(SIGTERM);
  std::optional<int> code = p.Wait(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value()) << "did not exit on SIGTERM";
  EXPECT_EQ(*code, 0) << p.err();
  EXPECT_NE(p.err().find("outpost stopped"), std::string::npos);
}

TEST(CliTest, SigintStopsToo) {
  TempDir d;
  WriteFile(d / "a.yaml", AgentConfig(d / "wal", false));
  Process p({"-config.file=" + (d / "a.yaml"), "-server.http.address=127.0.0.1:0"}, d.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  p.Signal(SIGINT);
  std::optional<int> code = p.Wait(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

TEST(CliTest, ExpandEnv) {
  TempDir d;
  WriteFile(d / "a.yaml",
            "server:\n  log_level: ${OUTPOST_TEST_LEVEL:-warn}\n"
            "integrations:\n  agent:\n    enabled: true\n    instance: ${OUTPOST_TEST_UNSET}x\n");
  RunResult r = RunOutpost({"check-config", "-config.expand-env", d / "a.yaml"}, d.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("log_level: \"warn\""), std::string::npos) << r.out;
  // An undefined variable expands to nothing.
  EXPECT_NE(r.out.find("instance: \"x\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace outpost::testing
