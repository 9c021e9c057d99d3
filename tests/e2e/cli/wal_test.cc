// The running binary writes its integrations' samples into the WAL
// (<wal_directory>/integrations/wal), with target labels and report series,
// and a restart continues the same WAL.
#include <signal.h>

#include <map>
#include <regex>
#include <set>
#include <string>

#include "core/wal/reader.h"
#include "core/wal/records.h"
#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/cli/wal_content.h"

namespace outpost::testing {
namespace {

std::string Config(const std::string& wal) {
  return "metrics:\n"
         "  wal_directory: " + wal + "\n"
         "  global:\n"
         "    scrape_interval: 1s\n"
         "integrations:\n"
         "  labels:\n"
         "    team: infra\n"
         "  agent:\n"
         "    enabled: true\n"
         "  node_exporter:\n"
         "    enabled: true\n"
         "    metric_relabel_configs:\n"
         "      - source_labels: [__name__]\n"
         "        regex: node_cpu_seconds_total\n"
         "        action: drop\n";
}

size_t CountUp(const WalContent& c, const std::string& job) {
  size_t n = 0;
  for (auto& [ref, l] : c.series) {
    if (l.Get("__name__") == "up" && l.Get("job") == job && c.samples.count(ref)) {
      n += c.samples.at(ref).size();
    }
  }
  return n;
}

TEST(WalE2eTest, IntegrationsWriteTheWalAndARestartContinuesIt) {
  TempDir d;
  const std::string cfg = d / "agent.yaml";
  WriteFile(cfg, Config(d / "data"));
  const std::string wal_dir = d / "data/integrations/wal";

  for (int run = 0; run < 2; ++run) {
    Process p({"-config.file=" + cfg, "-server.http.address=127.0.0.1:0"}, d.path());
    ASSERT_TRUE(p.WaitForStderr("outpost started")) << p.err();
    const int port = PortFromLog(p.err());
    // Wait until both integrations have collected at least twice.
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < end) {
      std::string m = HttpRequestTo(port, "GET", "/metrics").body;
      std::smatch sm;
      if (std::regex_search(m, sm, std::regex("agent_wal_samples_appended_total ([0-9.e+]+)")) &&
          std::stod(sm[1]) > 0 && m.find("agent_wal_storage_active_series") != std::string::npos) {
        WalContent now = ReadWal(wal_dir);
        if (CountUp(now, "integrations/node_exporter") >= 2u * (run + 1) &&
            CountUp(now, "integrations/agent") >= 2u * (run + 1)) {
          break;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    p.Signal(SIGTERM);
    ASSERT_EQ(p.Wait(std::chrono::seconds(20)).value_or(-1), 0) << p.err();
  }

  WalContent c = ReadWal(wal_dir);
  EXPECT_EQ(c.corruptions, 0u);
  EXPECT_GE(CountUp(c, "integrations/node_exporter"), 4u);
  EXPECT_GE(CountUp(c, "integrations/agent"), 4u);

  std::set<std::string> names;
  std::set<Labels> label_sets;
  for (auto& [ref, l] : c.series) {
    names.insert(std::string(l.Get("__name__")));
    EXPECT_TRUE(label_sets.insert(l).second) << "series logged twice: " << l.ToString();
    EXPECT_FALSE(l.Get("job").empty()) << l.ToString();
    EXPECT_FALSE(l.Get("instance").empty()) << l.ToString();
    EXPECT_EQ(l.Get("team"), "infra") << l.ToString();
    EXPECT_FALSE(l.Get("agent_hostname").empty()) << l.ToString();
  }
  for (const char* n : {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                        "scrape_samples_post_metric_relabeling", "scrape_series_added",
                        "node_load1", "agent_build_info"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
  EXPECT_FALSE(names.count("node_cpu_seconds_total")) << "metric_relabel_configs drop ignored";

  // Timestamps only move forward per series, across the restart too.
  for (auto& [ref, s] : c.samples) {
    for (size_t i = 1; i < s.size(); ++i) EXPECT_LT(s[i - 1].t, s[i].t) << c.series[ref].ToString();
  }
  // Metadata records carry TYPE and HELP.
  bool found_meta = false;
  for (auto& [ref, m] : c.metadata) {
    if (c.series[ref].Get("__name__") == "node_load1") {
      found_meta = true;
      EXPECT_EQ(m.type, MetricType::kGauge);
      EXPECT_EQ(m.help, "1m load average.");
    }
  }
  EXPECT_TRUE(found_meta);
}

}  // namespace
}  // namespace outpost::testing
