// The running agent ships its integrations' WAL to a real Prometheus
// (Debian's, remote-write receiver on) and every series and sample in the
// WAL arrives.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <map>
#include <regex>
#include <string>

#include "core/wal/reader.h"
#include "core/wal/records.h"
#include "gtest/gtest.h"
#include "tests/support/prometheus_receiver.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"

namespace outpost::testing {
namespace {


// Scalar result of an instant query, or -1.
double Query(int port, const std::string& q) {
  HttpResult r = HttpRequestTo(port, "GET", "/api/v1/query?query=" + UrlEncode(q));
  std::smatch m;
  static const std::regex value_re("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");
  if (r.status != 200 || !std::regex_search(r.body, m, value_re)) return -1;
  return std::stod(m[1]);
}

TEST(PrometheusRemoteWriteTest, EveryWalSeriesArrivesWithItsSamples) {
  TempDir d;
  PrometheusReceiver prom(d.path());
  ASSERT_TRUE(prom.ok()) << prom.error();
  const int prom_port = prom.port();

  WriteFile(d / "agent.yaml",
            MetricsHead(d / "data") +
            "    external_labels: {cluster: test}\n"
            "integrations:\n"
            "  prometheus_remote_write:\n"
            "    - url: " + prom.write_url() + "\n"
            "      queue_config: {batch_send_deadline: 1s}\n" +
            kAgentAndNode);
  {
    Process agent({"-config.file=" + (d / "agent.yaml"), "-server.http.address=127.0.0.1:0"}, d.path());
    ASSERT_TRUE(agent.WaitForStderr("outpost started")) << agent.err();
    std::this_thread::sleep_for(std::chrono::seconds(8));
    agent.Signal(SIGTERM);  // flushes within remote_flush_deadline
    ASSERT_EQ(agent.Wait(std::chrono::seconds(90)).value_or(-1), 0) << agent.err();
  }

  // What the WAL holds: series and their sample counts (stale markers
  // excluded: Prometheus does not count them in range queries).
  std::map<uint64_t, Labels> series;
  std::map<uint64_t, int> counts;
  auto reader = wal::Reader::Open(wal::Env::Default(), d / "data/integrations/wal", nullptr);
  ASSERT_TRUE(reader.ok());
  std::string_view rec;
  std::vector<wal::RefSeries> rs;
  std::vector<wal::RefSample> smp;
  while ((*reader)->ReadRecord(&rec)) {
    if (wal::GetRecordType(rec) == wal::RecordType::kSeries) {
      rs.clear();
      ASSERT_TRUE(wal::DecodeSeries(rec, &rs).ok());
      for (auto& s : rs) series[s.ref] = s.labels;
    } else if (wal::GetRecordType(rec) == wal::RecordType::kSamples) {
      smp.clear();
      ASSERT_TRUE(wal::DecodeSamples(rec, &smp).ok());
      for (auto& s : smp) {
        if (!IsStaleNaN(s.v)) ++counts[s.ref];
      }
    }
  }
  ASSERT_GT(counts.size(), 100u);

  // Everything arrived: same number of series, and per-series sample
  // counts for the report series of both integrations.
  // (The series API lists every series with a sample in the range; a
  // count_over_time query would merge series that differ only by name.)
  HttpResult list = HttpRequestTo(
      prom_port, "GET", "/api/v1/series?match[]=" + UrlEncode("{cluster=\"test\"}") + "&start=0");
  ASSERT_EQ(list.status, 200) << list.body;
  size_t arrived = 0;
  for (size_t pos = 0; (pos = list.body.find("\"__name__\"", pos)) != std::string::npos; ++pos) {
    ++arrived;
  }
  EXPECT_EQ(arrived, counts.size());
  int checked = 0;
  for (auto& [ref, n] : counts) {
    const Labels& l = series[ref];
    if (l.Get("__name__") != "up" && l.Get("__name__") != "scrape_samples_scraped") continue;
    std::string sel = std::string(l.Get("__name__")) + "{job=\"" + std::string(l.Get("job")) +
                      "\",cluster=\"test\"}";
    EXPECT_EQ(Query(prom_port, "count_over_time(" + sel + "[1h])"), n) << sel;
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

}  // namespace
}  // namespace outpost::testing
