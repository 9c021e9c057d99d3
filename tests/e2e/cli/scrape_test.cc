// The running binary scrapes metrics.configs[].scrape_configs targets into
// <wal_directory>/<instance>/wal: a static target (the agent's own
// /metrics) and file_sd targets that come and go.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/cli/wal_content.h"
#include "tests/support/free_port.h"

namespace outpost::testing {
namespace {

template <typename P>
bool WaitFor(P pred) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

TEST(ScrapeE2eTest, StaticAndFileSdTargetsLandInTheInstanceWal) {
  TempDir d;
  const int port = FreePort();
  const std::string self = "127.0.0.1:" + std::to_string(port);
  // A second "target": the same agent under another address form.
  const std::string alias = "localhost:" + std::to_string(port);
  WriteFile(d / "targets.json", "[]");
  WriteFile(d / "agent.yaml",
            "metrics:\n"
            "  wal_directory: " + (d / "data") + "\n"
            "  global:\n"
            "    scrape_interval: 1s\n"
            "  configs:\n"
            "    - name: default\n"
            "      scrape_configs:\n"
            "        - job_name: self\n"
            "          static_configs: [{targets: ['" + self + "'], labels: {team: infra}}]\n"
            "          metric_relabel_configs:\n"
            "            - {source_labels: [__name__], regex: 'process_.*', action: drop}\n"
            "        - job_name: files\n"
            "          file_sd_configs: [{files: ['" + (d / "*.json") + "']}]\n");
  Process p({"-config.file=" + (d / "agent.yaml"), "-server.http.address=" + self}, d.path());
  ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
  const std::string wal_dir = d / "data/default/wal";
  ASSERT_TRUE(WaitFor([&] { return Samples(ReadWal(wal_dir), "up", "self", self).size() >= 2; }))
      << p.err();

  // Grafana Agent's targets API lists it.
  const std::string targets = HttpRequestTo(port, "GET", "/agent/api/v1/metrics/targets").body;
  EXPECT_NE(targets.find("\"instance\":\"default\",\"target_group\":\"self\",\"endpoint\":"
                         "\"http://" + self + "/metrics\",\"state\":\"up\""),
            std::string::npos)
      << targets;
  EXPECT_NE(targets.find("\"team\":\"infra\""), std::string::npos) << targets;
  EXPECT_NE(targets.find("\"__scheme__\":\"http\""), std::string::npos) << targets;

  // A file_sd target appears...
  WriteFile(d / ".t", "[{\"targets\": [\"" + alias + "\"], \"labels\": {\"env\": \"test\"}}]");
  std::filesystem::rename(d / ".t", d / "targets.json");
  ASSERT_TRUE(WaitFor([&] { return Samples(ReadWal(wal_dir), "up", "files", alias).size() >= 2; }))
      << p.err();
  // ... and leaves: its series end with a staleness marker.
  WriteFile(d / ".t", "[]");
  std::filesystem::rename(d / ".t", d / "targets.json");
  ASSERT_TRUE(WaitFor([&] {
    auto s = Samples(ReadWal(wal_dir), "up", "files", alias);
    return !s.empty() && IsStaleNaN(s.back().v);
  })) << p.err();

  p.Signal(SIGTERM);
  ASSERT_EQ(p.Wait(std::chrono::seconds(20)).value_or(-1), 0) << p.err();

  WalContent c = ReadWal(wal_dir);
  EXPECT_EQ(c.corruptions, 0u);
  bool saw_agent_metric = false;
  for (auto& [ref, l] : c.series) {
    if (l.Get("job") != "self") continue;
    EXPECT_EQ(l.Get("team"), "infra") << l.ToString();
    EXPECT_NE(l.Get("__name__").substr(0, 8), "process_") << l.ToString();
    saw_agent_metric = saw_agent_metric || l.Get("__name__") == "agent_build_info";
  }
  EXPECT_TRUE(saw_agent_metric);
  for (const char* name : {"scrape_duration_seconds", "scrape_samples_scraped",
                           "scrape_samples_post_metric_relabeling", "scrape_series_added"}) {
    EXPECT_FALSE(Samples(c, name, "self", self).empty()) << name;
  }
  // (The very first scrape may race the HTTP server's start.)
  size_t ups = 0;
  for (const wal::RefSample& s : Samples(c, "up", "self", self)) ups += s.v == 1.0;
  EXPECT_GE(ups, 2u);
  // The integrations WAL is not involved.
  EXPECT_FALSE(std::filesystem::exists(d / "data/integrations/wal"));
}

}  // namespace
}  // namespace outpost::testing
