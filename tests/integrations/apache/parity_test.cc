// Parity with Debian's prometheus-apache-exporter 0.12 against the same
// apache2: every series it reports is in outpost's collection with the same
// labels, type and HELP, nothing more, and the values that do not move
// between the two scrapes are equal. The one accepted difference is the
// build info's name: the binary's own apache_exporter_build_info (its
// apache_exporter.go registers version.NewCollector("apache_exporter")),
// where Grafana Agent's CollectorIntegration adds apache_http_build_info
// (static/integrations/collector_integration.go).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/apache/apache.h"
#include "tests/integrations/apache/exposition_diff.h"
#include "tests/integrations/apache/shared_server.h"
#include "tests/support/exporter_scrape.h"
#include "tests/support/free_port.h"
#include "tests/support/spawned_process.h"

namespace outpost::integrations::apache {
namespace {

std::string ExporterBinary() {
  const char* env = std::getenv("OUTPOST_APACHE_EXPORTER");
  return env != nullptr ? env : "/usr/bin/prometheus-apache-exporter";
}

TEST(ApacheParity, ParityWithApacheExporter) {
  ASSERT_EQ(access(ExporterBinary().c_str(), X_OK), 0)
      << ExporterBinary()
      << " is missing: apt-get install -y prometheus-apache-exporter (tests/run.sh)";
  outpost::testing::ApacheServer* s = SharedApache();
  ASSERT_NE(s, nullptr);
  for (int i = 0; i < 3; ++i) {
    s->Get("/index.html");
    s->Get("/app/x");
  }
  // Its flags are --telemetry.address, not --web.listen-address
  // (ScrapeExporter's), hence a process of our own.
  const int port = outpost::testing::FreePort();
  outpost::testing::SpawnedProcess exporter(
      {ExporterBinary(), "--scrape_uri=" + s->StatusUri(),
       "--telemetry.address=127.0.0.1:" + std::to_string(port)},
      outpost::testing::SpawnOptions::Log("/dev/null"));
  ASSERT_TRUE(exporter.started());
  std::string theirs_text;
  for (int i = 0; i < 200 && theirs_text.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    theirs_text = outpost::testing::HttpGetMetrics(port);
  }
  ASSERT_FALSE(theirs_text.empty()) << "the exporter did not answer";
  Options o;
  o.scrape_uri = s->StatusUri();
  auto integ = NewApacheIntegration(o);
  ASSERT_TRUE(integ.ok()) << integ.status();
  MemoryAppender app;
  ASSERT_TRUE((*integ)->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  const std::string ours_text = app.Render();

  EXPECT_NE(theirs_text.find("apache_exporter_build_info{"), std::string::npos);
  EXPECT_NE(ours_text.find("apache_http_build_info{"), std::string::npos);
  std::printf("  accepted difference: apache_exporter_build_info (the binary's) is "
              "apache_http_build_info in Grafana Agent\n");
  const SeriesIndex theirs = IndexApache(theirs_text);
  const SeriesIndex ours = IndexApache(ours_text);
  ExpectSameSeries(ours, theirs, /*values=*/false, "parity");
  std::printf("apache parity: %zu series from the exporter, %zu from outpost\n", theirs.size(),
              ours.size());
  EXPECT_GT(theirs.size(), 40u);
  for (const auto& [key, s] : theirs) {
    const bool stable = key.rfind("apache_version", 0) == 0 || key.rfind("apache_info", 0) == 0 ||
                        key.rfind("apache_generation", 0) == 0 || key == "apache_up" ||
                        key.rfind("apache_proxy_balancer_status", 0) == 0;
    auto it = ours.find(key);
    if (stable && it != ours.end()) {
      EXPECT_EQ(it->second.value, s.value) << key;
    }
  }
}

}  // namespace
}  // namespace outpost::integrations::apache
