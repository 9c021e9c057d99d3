// kill -9 the agent again and again while it ships to a real Prometheus
// (Debian's, remote-write receiver on): afterwards Prometheus holds exactly
// what the WAL holds, per series, and answered no request 400.
//
// Prometheus rolls a whole remote-write request back when one sample in it
// is older than what it has for that series (storage/remote/
// write_handler.go): a restart that re-sends delivered samples mixed with
// new ones loses the new ones. This is the operator's scenario of issue
// 26: node and agent integrations at 1 s, ten kills 1-3 s apart.
#include <signal.h>

#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <thread>

#include "core/base/metric.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/cli/wal_content.h"
#include "tests/support/prometheus_receiver.h"

namespace outpost::testing {
namespace {

using SeriesSamples = std::map<std::string, std::map<int64_t, double>>;

std::string Key(const std::map<std::string, std::string>& labels) {
  std::string k;
  for (const auto& [n, v] : labels) k += n + "=\"" + v + "\",";
  return k;
}

// Every sample of every series in the WAL (stale markers left out:
// Prometheus stores them but never returns them).
SeriesSamples FromWal(const std::string& dir) {
  const WalContent w = ReadWal(dir);
  SeriesSamples out;
  for (const auto& [ref, samples] : w.samples) {
    std::map<std::string, std::string> labels;
    for (const auto& l : w.series.at(ref)) labels[std::string(l.name)] = std::string(l.value);
    auto& dst = out[Key(labels)];
    for (const auto& s : samples) {
      if (!IsStaleNaN(s.v)) dst[s.t] = s.v;
    }
  }
  return out;
}

// Every raw sample Prometheus holds for the agent's jobs.
SeriesSamples FromPrometheus(const PrometheusReceiver& prom) {
  const HttpResult r =
      prom.Get("/api/v1/query?query=" + UrlEncode("{job=~\"integrations/.+\"}[1h]"));
  EXPECT_EQ(r.status, 200) << r.body.substr(0, 500);
  SeriesSamples out;
  if (r.status != 200) return out;
  const nlohmann::json j = nlohmann::json::parse(r.body);
  for (const auto& series : j["data"]["result"]) {
    std::map<std::string, std::string> labels;
    for (const auto& [n, v] : series["metric"].items()) labels[n] = v.get<std::string>();
    auto& dst = out[Key(labels)];
    for (const auto& pair : series["values"]) {
      const auto t = static_cast<int64_t>(std::llround(pair[0].get<double>() * 1000));
      const std::string v = pair[1].get<std::string>();
      dst[t] = v == "NaN" ? std::nan("") : std::stod(v);
    }
  }
  return out;
}

// prometheus_http_requests_total of the write handler with code 400.
double Rejected(const PrometheusReceiver& prom) {
  const HttpResult r = prom.Get("/metrics");
  double sum = 0;
  size_t pos = 0;
  const std::string name = "prometheus_http_requests_total{";
  while ((pos = r.body.find(name, pos)) != std::string::npos) {
    const size_t eol = r.body.find('\n', pos);
    const std::string line = r.body.substr(pos, eol - pos);
    pos = eol;
    if (line.find("code=\"400\"") != std::string::npos &&
        line.find("handler=\"/api/v1/write\"") != std::string::npos) {
      sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return sum;
}

TEST(Kill9PrometheusTest, TenKillsThenPrometheusHoldsExactlyTheWal) {
  TempDir d;
  PrometheusReceiver prom(d.path());
  ASSERT_TRUE(prom.ok()) << prom.error();
  WriteFile(d / "agent.yaml",
            MetricsHead(d / "data") +
            "integrations:\n"
            "  prometheus_remote_write:\n"
            "    - url: " + prom.write_url() + "\n"
            "      queue_config: {batch_send_deadline: 1s, min_backoff: 50ms, max_backoff: 1s}\n" +
            kAgentAndNode);
  const std::vector<std::string> args = {"-config.file=" + (d / "agent.yaml"),
                                         "-server.http.address=127.0.0.1:0"};
  // 1-3 s apart, the same every run of the test.
  const int waits_ms[] = {1300, 2700, 1000, 2100, 2900, 1600, 1100, 2400, 1900, 3000};
  for (int wait : waits_ms) {
    Process agent(args, d.path());
    ASSERT_TRUE(agent.WaitForStderr("outpost started")) << agent.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    agent.Signal(SIGKILL);
    ASSERT_EQ(agent.Wait(std::chrono::seconds(10)).value_or(-1), 128 + SIGKILL);
  }
  {
    // The last start ships what the kills left behind, then stops cleanly.
    Process agent(args, d.path());
    ASSERT_TRUE(agent.WaitForStderr("outpost started")) << agent.err();
    std::this_thread::sleep_for(std::chrono::seconds(8));
    agent.Signal(SIGTERM);
    ASSERT_EQ(agent.Wait(std::chrono::seconds(90)).value_or(-1), 0) << agent.err();
    EXPECT_EQ(agent.err().find("out of order"), std::string::npos) << agent.err();
  }

  const SeriesSamples wal = FromWal(d / "data/integrations/wal");
  const SeriesSamples got = FromPrometheus(prom);
  size_t in_wal = 0, arrived = 0, missing = 0, extra = 0;
  int reported = 0;
  for (const auto& [key, samples] : wal) {
    in_wal += samples.size();
    auto it = got.find(key);
    for (const auto& [t, v] : samples) {
      const bool there = it != got.end() && it->second.count(t) > 0;
      if (!there) {
        ++missing;
        if (++reported <= 10) ADD_FAILURE() << "missing at Prometheus: " << key << " t=" << t;
      } else if (!std::isnan(v)) {
        EXPECT_EQ(it->second.at(t), v) << key << " t=" << t;
      }
    }
  }
  for (const auto& [key, samples] : got) {
    arrived += samples.size();
    auto it = wal.find(key);
    for (const auto& [t, v] : samples) {
      if (it == wal.end() || it->second.count(t) == 0) ++extra;
    }
  }
  EXPECT_GT(wal.size(), 100u) << "node and agent integrations should give hundreds of series";
  EXPECT_GT(in_wal, 5000u);
  EXPECT_EQ(missing, 0u) << in_wal << " samples in the WAL, " << arrived << " at Prometheus";
  EXPECT_EQ(extra, 0u) << "samples at Prometheus that the WAL does not hold";
  EXPECT_EQ(got.size(), wal.size());
  EXPECT_EQ(Rejected(prom), 0) << "requests answered 400:\n" << prom.Log().substr(0, 4000);
}

}  // namespace
}  // namespace outpost::testing
