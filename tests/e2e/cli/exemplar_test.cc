// Exemplars end to end: outpost scrapes an OpenMetrics target whose
// counter carries an exemplar, keeps it in the instance's WAL (an
// Exemplars record, once although every scrape repeats it) and
// remote-writes it to a real Prometheus with exemplar storage on, where the
// query_exemplars API returns it.
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "core/agent/http_server.h"
#include "core/wal/reader.h"
#include "core/wal/records.h"
#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/e2e/cli/process.h"
#include "tests/support/prometheus_receiver.h"

namespace outpost::testing {
namespace {

TEST(ExemplarTest, ScrapedExemplarReachesPrometheus) {
  HttpServer target;
  target.Route("/metrics", {"GET"}, [](const HttpRequest&) {
    return HttpResponse{200, "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        "# TYPE requests counter\n"
                        "requests_total{path=\"/\"} 42 # {trace_id=\"4bf92f3577b34da6\"} 1.5 "
                        "1700000000.123\n"
                        "# EOF\n"};
  });
  ASSERT_TRUE(target.Start("127.0.0.1:0").ok());

  TempDir d;
  PrometheusReceiver prom(d.path(), {"--enable-feature=exemplar-storage"});
  ASSERT_TRUE(prom.ok()) << prom.error();
  WriteFile(d / "agent.yaml",
            "metrics:\n"
            "  wal_directory: " + (d / "data") + "\n"
            "  configs:\n"
            "    - name: apps\n"
            "      scrape_configs:\n"
            "        - job_name: app\n"
            "          scrape_interval: 1s\n"
            "          static_configs: [{targets: ['127.0.0.1:" + std::to_string(target.port()) +
            "']}]\n"
            "      remote_write:\n"
            "        - url: " + prom.write_url() + "\n"
            "          queue_config: {batch_send_deadline: 1s}\n");
  Process agent({"-config.file=" + (d / "agent.yaml"), "-server.http.address=127.0.0.1:0"},
                d.path());
  ASSERT_TRUE(agent.WaitForStderr("outpost started")) << agent.err();
  std::string body;
  const auto arrived_by = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    HttpResult r = prom.Get(
        "/api/v1/query_exemplars?query=requests_total&start=1600000000&end=1900000000");
    body = r.body;
    if (r.status == 200 && body.find("4bf92f3577b34da6") != std::string::npos) break;
    ASSERT_LT(std::chrono::steady_clock::now(), arrived_by)
        << body << "\n" << agent.err() << prom.Log();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  EXPECT_NE(body.find("\"value\":\"1.5\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"timestamp\":1700000000.123"), std::string::npos) << body;
  EXPECT_NE(body.find("\"job\":\"app\""), std::string::npos) << body;
  // A few more scrapes, then the WAL: one exemplar, though every scrape
  // showed it.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  agent.Signal(SIGTERM);
  ASSERT_EQ(agent.Wait(std::chrono::seconds(90)).value_or(-1), 0) << agent.err();
  auto reader = wal::Reader::Open(wal::Env::Default(), d / "data/apps/wal", nullptr);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::string_view rec;
  std::vector<wal::RefExemplar> exemplars;
  while ((*reader)->ReadRecord(&rec)) {
    if (wal::GetRecordType(rec) == wal::RecordType::kExemplars) {
      ASSERT_TRUE(wal::DecodeExemplars(rec, &exemplars).ok());
    }
  }
  ASSERT_EQ(exemplars.size(), 1u);
  EXPECT_EQ(exemplars[0].t, 1700000000123);
  EXPECT_EQ(exemplars[0].v, 1.5);
  EXPECT_EQ(exemplars[0].labels.ToString(), "{trace_id=\"4bf92f3577b34da6\"}");
}

}  // namespace
}  // namespace outpost::testing
