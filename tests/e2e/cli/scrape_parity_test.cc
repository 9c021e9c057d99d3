// outpost against the real thing: Debian's Prometheus 2.42 in agent mode
// and outpost scrape the same targets — a static exposition of a few
// thousand series (counters, gauges with NaN/Inf, histograms, summaries,
// escaped label values) and Debian's node_exporter — with the same scrape
// config, and remote-write to one receiving Prometheus, each under its own
// external label. The receiver's /federate then shows both: the series
// sets (labels included: job, instance, up, scrape_*) must be the same,
// and the static target's values equal.
#include <signal.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/agent/http_server.h"
#include "core/scrape/http_scraper.h"
#include "core/scrape/text_parser.h"
#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/support/free_port.h"
#include "tests/support/prometheus_receiver.h"
#include "tests/support/spawned_process.h"

namespace outpost::testing {
namespace {

// A body of ~3300 series exercising the parser's corners.
std::string StaticBody() {
  std::string b;
  b += "# HELP app_requests_total Requests served.\n# TYPE app_requests_total counter\n";
  for (int i = 0; i < 1000; ++i) {
    b += absl::StrCat("app_requests_total{code=\"", 200 + i % 5, "\",path=\"/api/v", i,
                      "\",method=\"GET\"} ", i * 7, "\n");
  }
  b += "# HELP app_temp_celsius Temperature.\n# TYPE app_temp_celsius gauge\n";
  for (int i = 0; i < 500; ++i) {
    const char* v = i == 0 ? "NaN" : i == 1 ? "+Inf" : i == 2 ? "-Inf" : nullptr;
    b += absl::StrCat("app_temp_celsius{sensor=\"s", i, "\",note=\"a \\\"quoted\\\" \\\\ value\\nline two é\"} ",
                      v != nullptr ? v : absl::StrCat(i * 0.25), "\n");
  }
  b += "# HELP app_latency_seconds Latency.\n# TYPE app_latency_seconds histogram\n";
  for (int h = 0; h < 100; ++h) {
    int cum = 0;
    for (const char* le : {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"}) {
      cum += h + 1;
      b += absl::StrCat("app_latency_seconds_bucket{handler=\"h", h, "\",le=\"", le, "\"} ", cum, "\n");
    }
    b += absl::StrCat("app_latency_seconds_sum{handler=\"h", h, "\"} ", h * 1.5, "\n");
    b += absl::StrCat("app_latency_seconds_count{handler=\"h", h, "\"} ", cum, "\n");
  }
  b += "# HELP app_size_bytes Sizes.\n# TYPE app_size_bytes summary\n";
  for (int s = 0; s < 100; ++s) {
    for (const char* q : {"0.5", "0.9", "0.99"}) {
      b += absl::StrCat("app_size_bytes{route=\"r", s, "\",quantile=\"", q, "\"} ", s * 10, "\n");
    }
    b += absl::StrCat("app_size_bytes_sum{route=\"r", s, "\"} ", s * 100, "\n");
    b += absl::StrCat("app_size_bytes_count{route=\"r", s, "\"} ", s, "\n");
  }
  b += "app_untyped_thing{kind=\"x\"} 42\n";
  return b;
}

// Series (labels without `via`) → value, from /federate of the receiver.
std::map<std::string, double> Federate(int port, const std::string& via) {
  std::map<std::string, double> out;
  // (Prometheus answers /federate chunked: use a real HTTP client.)
  scrape::HttpScraper client(config::HttpClientConfig{}, 0);
  std::string body, content_type;
  absl::Status st = client.Scrape(absl::StrCat("http://127.0.0.1:", port,
                                               "/federate?match[]=%7Bvia%3D%22", via, "%22%7D"),
                                  absl::Seconds(30), &body, &content_type);
  EXPECT_TRUE(st.ok()) << st;
  scrape::TextParser p(body, scrape::FormatFromContentType(content_type));
  for (;;) {
    absl::StatusOr<scrape::TextParser::Entry> e = p.Next();
    EXPECT_TRUE(e.ok()) << e.status();
    if (!e.ok() || *e == scrape::TextParser::Entry::kEnd) break;
    if (*e != scrape::TextParser::Entry::kSeries) continue;
    Labels l;
    EXPECT_TRUE(p.Labels(&l).ok());
    l.Del("via");
    out[l.ToString()] = p.value();
  }
  return out;
}

// The same scrape_configs for both, indented by `indent` spaces.
std::string ScrapeConfigs(int indent, const std::string& static_addr, const std::string& node_addr) {
  const std::string lines[] = {
      "scrape_configs:",
      "  - job_name: static",
      "    scrape_interval: 1s",
      "    static_configs: [{targets: ['" + static_addr + "'], labels: {env: test}}]",
      "  - job_name: node",
      "    scrape_interval: 1s",
      "    static_configs: [{targets: ['" + node_addr + "']}]",
      "    metric_relabel_configs:",
      "      - {source_labels: [__name__], regex: 'go_.*|process_.*|promhttp_.*', action: drop}",
  };
  std::string out;
  for (const std::string& l : lines) out += std::string(indent, ' ') + l + "\n";
  return out;
}

TEST(ScrapeParityTest, SameSeriesAndValuesAsPrometheusAgentMode) {
  const std::string prom = "/usr/bin/prometheus";
  const std::string node = "/usr/bin/prometheus-node-exporter";
  ASSERT_EQ(access(prom.c_str(), X_OK), 0) << "Debian's prometheus is required (tests/run.sh)";
  ASSERT_EQ(access(node.c_str(), X_OK), 0) << "Debian's prometheus-node-exporter is required";
  TempDir d;

  HttpServer target;
  const std::string body = StaticBody();
  target.Route("/metrics", {"GET"}, [&body](const HttpRequest&) {
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", body};
  });
  ASSERT_TRUE(target.Start("127.0.0.1:0").ok());
  const std::string static_addr = absl::StrCat("127.0.0.1:", target.port());
  const int node_port = FreePort();
  const std::string node_addr = absl::StrCat("127.0.0.1:", node_port);
  SpawnedProcess node_exporter(
      {node, "--web.listen-address=" + node_addr, "--collector.disable-defaults",
       "--collector.loadavg", "--collector.meminfo", "--collector.stat", "--collector.uname"},
      d / "node.log");

  const std::string recv_dir = d / "receiver";
  std::filesystem::create_directories(recv_dir);
  PrometheusReceiver receiver(recv_dir);
  ASSERT_TRUE(receiver.ok()) << receiver.error();
  const int recv_port = receiver.port();
  const std::string push = receiver.write_url();

  // Prometheus in agent mode.
  const int agent_port = FreePort();
  WriteFile(d / "agent-prom.yml",
            "global:\n  external_labels: {via: prom}\n"
            "remote_write: [{url: '" + push + "', queue_config: {batch_send_deadline: 1s}}]\n" +
                ScrapeConfigs(0, static_addr, node_addr));
  SpawnedProcess prom_agent({prom, "--enable-feature=agent",
                              "--config.file=" + (d / "agent-prom.yml"),
                              "--storage.agent.path=" + (d / "prom-agent"),
                              "--web.listen-address=127.0.0.1:" + std::to_string(agent_port)},
                             d / "agent-prom.log");

  // outpost, same scrape configs.
  WriteFile(d / "outpost.yaml",
            "metrics:\n"
            "  wal_directory: " + (d / "data") + "\n"
            "  global:\n"
            "    external_labels: {via: outpost}\n"
            "    remote_write: [{url: '" + push + "', queue_config: {batch_send_deadline: 1s}}]\n"
            "  configs:\n"
            "    - name: default\n" + ScrapeConfigs(6, static_addr, node_addr));
  Process outpost_agent({"-config.file=" + (d / "outpost.yaml"), "-server.http.address=127.0.0.1:0"},
                        d.path());
  ASSERT_TRUE(outpost_agent.WaitForStderr("outpost started")) << outpost_agent.err();

  // Prometheus' remote write starts after replaying its WAL (~5 s).
  std::this_thread::sleep_for(std::chrono::seconds(12));
  outpost_agent.Signal(SIGTERM);
  ASSERT_EQ(outpost_agent.Wait(std::chrono::seconds(90)).value_or(-1), 0) << outpost_agent.err();
  prom_agent.Stop();

  std::map<std::string, double> p = Federate(recv_port, "prom");
  std::map<std::string, double> o = Federate(recv_port, "outpost");
  ASSERT_GT(p.size(), 3000u) << ReadAll(d / "agent-prom.log");

  std::vector<std::string> only_prom, only_outpost, value_diffs;
  size_t static_compared = 0;
  for (const auto& [k, v] : p) {
    auto it = o.find(k);
    if (it == o.end()) {
      only_prom.push_back(k);
      continue;
    }
    // The static target's values never change; scrape_* and node values do.
    if (k.find("job=\"static\"") == std::string::npos || k.find("__name__=\"scrape_") != std::string::npos) {
      continue;
    }
    ++static_compared;
    if (!(v == it->second || (std::isnan(v) && std::isnan(it->second)))) {
      value_diffs.push_back(k + ": prom " + std::to_string(v) + " outpost " + std::to_string(it->second));
    }
  }
  for (const auto& [k, v] : o) {
    if (p.count(k) == 0) only_outpost.push_back(k);
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < 30; ++i) s += "  " + v[i] + "\n";
    return s;
  };
  EXPECT_TRUE(only_prom.empty()) << only_prom.size() << " only from Prometheus:\n" << join(only_prom);
  EXPECT_TRUE(only_outpost.empty()) << only_outpost.size() << " only from outpost:\n" << join(only_outpost);
  EXPECT_TRUE(value_diffs.empty()) << join(value_diffs);
  EXPECT_GT(static_compared, 3000u);
  std::printf("scrape parity: %zu Prometheus series, %zu outpost series, %zu static values compared\n",
              p.size(), o.size(), static_compared);
}

}  // namespace
}  // namespace outpost::testing
