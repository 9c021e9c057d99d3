// Against a real apache2 (event MPM, mod_status with ExtendedStatus and
// ProxyStatus, a proxy balancer of two members) started by the test: the
// families a live server gives, counters that move with traffic, and a
// server that stops (apache_up 0, the collection still succeeding, one log
// line) and comes back (apache_up 1, one log line); TLS with `insecure`.
#include <string>

#include "core/base/memory_appender.h"
#include "gtest/gtest.h"
#include "integrations/apache/apache.h"
#include "tests/integrations/apache/shared_server.h"
#include "tests/support/log_capture.h"

namespace outpost::integrations::apache {
namespace {

absl::Time Deadline() { return absl::Now() + absl::Seconds(10); }

double Value(const MemoryAppender& app, std::string_view name, const Labels& labels = {}) {
  const double* v = app.Find(name, labels);
  EXPECT_NE(v, nullptr) << name << labels.ToString() << " missing in\n" << app.Render();
  return v == nullptr ? -1 : *v;
}

std::unique_ptr<Integration> Make(const outpost::testing::ApacheServer& s) {
  Options o;
  o.scrape_uri = s.StatusUri();
  auto integ = NewApacheIntegration(o);
  EXPECT_TRUE(integ.ok()) << integ.status();
  return integ.ok() ? std::move(*integ) : nullptr;
}

TEST(ApacheLive, EventServerWithBalancer) {
  outpost::testing::ApacheServer* s = SharedApache();
  ASSERT_NE(s, nullptr);
  auto integ = Make(*s);
  ASSERT_NE(integ, nullptr);
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Value(app, "apache_up"), 1);
  const double accesses = Value(app, "apache_accesses_total");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(s->Get("/index.html"), 200);
    EXPECT_EQ(s->Get("/app/x"), 503);  // both members are closed ports
  }
  app.Clear();
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_GE(Value(app, "apache_accesses_total"), accesses + 6);
  EXPECT_GT(Value(app, "apache_version"), 2.04);
  EXPECT_LT(Value(app, "apache_version"), 2.05);
  EXPECT_GE(Value(app, "apache_uptime_seconds_total"), 0);
  EXPECT_GE(Value(app, "apache_workers", {{"state", "busy"}}), 1);  // this request
  EXPECT_GE(Value(app, "apache_processes", {{"state", "all"}}), 1);
  Value(app, "apache_connections", {{"state", "total"}});
  Value(app, "apache_connections", {{"state", "keepalive"}});
  Value(app, "apache_cpu_time_ms_total", {{"type", "user"}});
  Value(app, "apache_load", {{"interval", "1min"}});
  Value(app, "apache_generation", {{"type", "config"}});
  for (const char* state : {"idle", "startup", "read", "reply", "keepalive", "dns", "closing",
                            "logging", "graceful_stop", "idle_cleanup", "open_slot"}) {
    Value(app, "apache_scoreboard", {{"state", state}});
  }
  EXPECT_GE(Value(app, "apache_scoreboard", {{"state", "reply"}}), 1);
  const std::string rendered = app.Render();
  EXPECT_NE(rendered.find("apache_info{mpm=\"event\",version=\"Apache/2.4."), std::string::npos)
      << rendered;
  double elected = 0;
  for (const CollectedSample& smp : app.Samples()) {
    if (smp.name == "apache_proxy_balancer_accesses_total") elected += smp.value;
  }
  EXPECT_GE(elected, 3) << rendered;
  EXPECT_NE(rendered.find("apache_proxy_balancer_status{balancer=\"balancer://backends\""),
            std::string::npos)
      << rendered;
  EXPECT_EQ(app.Find("apache_exporter_scrape_failures_total", {}), nullptr);
}

TEST(ApacheLive, ServerStoppedThenBack) {
  outpost::testing::ApacheServer* s = SharedApache();
  ASSERT_NE(s, nullptr);
  auto integ = Make(*s);
  ASSERT_NE(integ, nullptr);
  outpost::testing::LogCapture logs;
  MemoryAppender app;
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Value(app, "apache_up"), 1);
  s->Stop();
  for (int i = 1; i <= 2; ++i) {
    app.Clear();
    ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
    EXPECT_EQ(Value(app, "apache_up"), 0);
    EXPECT_EQ(Value(app, "apache_exporter_scrape_failures_total"), i);
    EXPECT_EQ(app.Find("apache_accesses_total", {}), nullptr);
  }
  ASSERT_TRUE(s->Start()) << s->error();
  app.Clear();
  ASSERT_TRUE(integ->Collect(app, Deadline()).ok());
  EXPECT_EQ(Value(app, "apache_up"), 1);
  EXPECT_EQ(app.Find("apache_exporter_scrape_failures_total", {}), nullptr);
  EXPECT_EQ(logs.Count("error scraping apache"), 1) << logs.text();
  EXPECT_EQ(logs.Count("scraped again"), 1) << logs.text();
}

// `insecure` turns TLS verification off: a self-signed server is down
// without it (the certificate check fails), up with it.
TEST(ApacheLive, InsecureSkipsCertificateVerification) {
  outpost::testing::ApacheServer::Options so;
  so.tls = true;
  outpost::testing::ApacheServer s(so);
  ASSERT_TRUE(s.Start()) << s.error();
  for (bool insecure : {false, true}) {
    Options o;
    o.scrape_uri = s.StatusUri();
    o.insecure = insecure;
    auto integ = NewApacheIntegration(o);
    ASSERT_TRUE(integ.ok()) << integ.status();
    MemoryAppender app;
    ASSERT_TRUE((*integ)->Collect(app, Deadline()).ok());
    EXPECT_EQ(Value(app, "apache_up"), insecure ? 1 : 0) << "insecure: " << insecure;
    if (insecure) {
      EXPECT_GE(Value(app, "apache_accesses_total"), 0);
    }
  }
}

}  // namespace
}  // namespace outpost::integrations::apache
