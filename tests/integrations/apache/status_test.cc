// The status page → samples mapping, against goldens written by Debian's
// prometheus-apache-exporter 0.12 from the same pages
// (testdata/make_golden.sh): real `?auto` pages of apache2 (event MPM with
// a proxy balancer, prefork), garbage, a truncated page, unknown scoreboard
// characters, non-200 answers, and sequences that show the gauges' state.
// The pages are served over HTTP by a fake server, so these run the whole
// integration.
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/apache/apache.h"
#include "integrations/apache/status.h"
#include "tests/integrations/apache/exposition_diff.h"
#include "tests/integrations/apache/fake_status_server.h"

namespace outpost::integrations::apache {
namespace {

std::string Testdata(const std::string& name) {
  std::ifstream in(std::string(OUTPOST_SOURCE_DIR "/tests/integrations/apache/testdata/") + name,
                   std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << name;
  return ss.str();
}

struct Page {
  int code;
  std::string file;
};

// A fresh integration collects `pages` in order; the last collection is
// compared with `golden`.
void ExpectGolden(const std::vector<Page>& pages, const std::string& golden) {
  FakeStatusServer server;
  ASSERT_TRUE(server.ok());
  Options o;
  o.scrape_uri = server.uri();
  auto integ = NewApacheIntegration(o);
  ASSERT_TRUE(integ.ok()) << integ.status();
  MemoryAppender app;
  for (const Page& p : pages) {
    server.Set(p.code, Testdata(p.file));
    app.Clear();
    ASSERT_TRUE((*integ)->Collect(app, absl::Now() + absl::Seconds(10)).ok());
  }
  const std::string ours = app.Render();
  ExpectSameSeries(IndexApache(ours), IndexApache(Testdata(golden)), true, golden);
  EXPECT_NE(ours.find("apache_http_build_info{"), std::string::npos) << ours;
}

TEST(ApacheStatusGolden, EventMpmWithBalancer) {
  ExpectGolden({{200, "status_event_balancer.txt"}}, "event_balancer.prom");
}
TEST(ApacheStatusGolden, Prefork) { ExpectGolden({{200, "status_prefork.txt"}}, "prefork.prom"); }
TEST(ApacheStatusGolden, Garbage) { ExpectGolden({{200, "status_garbage.txt"}}, "garbage.prom"); }
TEST(ApacheStatusGolden, TruncatedKeepsWhatCameBefore) {
  ExpectGolden({{200, "status_truncated.txt"}}, "truncated.prom");
}
TEST(ApacheStatusGolden, UnknownScoreboardStates) {
  ExpectGolden({{200, "status_scoreboard_unknown.txt"}}, "scoreboard_unknown.prom");
}
TEST(ApacheStatusGolden, Non200IsUpAndAFailure) {
  ExpectGolden({{503, "status_event_balancer.txt"}}, "non200.prom");
}
TEST(ApacheStatusGolden, GaugesKeepValuesAcrossPages) {
  ExpectGolden({{200, "status_event_balancer.txt"}, {200, "status_prefork.txt"}},
               "event_then_prefork.prom");
}
TEST(ApacheStatusGolden, FailuresCounterOnlyInAFailingCollection) {
  ExpectGolden({{200, "status_event_balancer.txt"},
                {404, "status_prefork.txt"},
                {200, "status_prefork.txt"}},
               "event_then_non200_then_prefork.prom");
}

TEST(ApacheStatus, ServerVersion) {
  double v = 0;
  ASSERT_TRUE(ParseServerVersion("Apache/2.4.57 (Debian)", &v));
  EXPECT_DOUBLE_EQ(v, 2.04057);
  ASSERT_TRUE(ParseServerVersion("Apache/2.2.3", &v));
  EXPECT_DOUBLE_EQ(v, 2.02003);
  ASSERT_TRUE(ParseServerVersion("Apache/2.4.62 (Unix) OpenSSL/3.0.11", &v));
  EXPECT_DOUBLE_EQ(v, 2.04062);
  // Upstream panics (index out of range) on these; here they fail the page.
  EXPECT_FALSE(ParseServerVersion("Apache", &v));
  EXPECT_FALSE(ParseServerVersion("Apache/2.4", &v));
  EXPECT_FALSE(ParseServerVersion("Apache/x.y.z", &v));
}

// Parsing straight from text: a bad version or value fails the page, with
// the samples before it kept; no crash on odd input.
TEST(ApacheStatus, BadValuesFailThePage) {
  StatusCollector c;
  SeriesCache cache;
  MemoryAppender app;
  cache.Begin(app);
  absl::Status st = c.Collect("Total Accesses: 5\nServerVersion: Apache\nUptime: 3\n", cache);
  EXPECT_FALSE(st.ok());
  ASSERT_NE(app.Find("apache_accesses_total", {}), nullptr);
  EXPECT_EQ(app.Find("apache_uptime_seconds_total", {}), nullptr);
  EXPECT_EQ(app.Find("apache_cpuload", {}), nullptr);  // gauges come after the loop

  app.Clear();
  cache.Begin(app);
  st = c.Collect("ProxyBalancer[0]Worker[0]Sent: 12kK\nProxyBalancer[0]Worker[0]Rcvd: 1e400\n",
                 cache);
  EXPECT_FALSE(st.ok()) << "Go's ParseFloat rejects an overflow";
  const double* sent = app.Find("apache_proxy_balancer_request_kbytes_total",
                                Labels{{"balancer", "UNKNOWN"}, {"worker", "UNKNOWN"}});
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(*sent, 12);

  app.Clear();
  cache.Begin(app);
  EXPECT_FALSE(c.Collect("ServerMPM: ev\xffnt\n", cache).ok()) << "not UTF-8: upstream panics";
  app.Clear();
  cache.Begin(app);
  EXPECT_FALSE(c.Collect("ProxyBalancer[0]Name: b\xc3\n", cache).ok());

  for (std::string_view odd : {std::string_view(""), std::string_view(":"), std::string_view("\n\n"),
                               std::string_view("Scoreboard:"), std::string_view("Load1: .5"),
                               std::string_view("Load1: +Inf"), std::string_view("Load1:1\r")}) {
    app.Clear();
    cache.Begin(app);
    EXPECT_TRUE(c.Collect(odd, cache).ok()) << odd;
  }
}

}  // namespace
}  // namespace outpost::integrations::apache
