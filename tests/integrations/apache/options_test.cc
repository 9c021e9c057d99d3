// The apache_http integration's config keys (Grafana Agent's names and
// defaults), its instance key, and the HTTP side of a collection against a
// fake server: one kept connection, the Host header, a reply too big, a
// server that is not there, one log line per state change.
#include "integrations/apache/options.h"

#include <string>

#include "core/base/memory_appender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/apache/apache.h"
#include "tests/integrations/apache/fake_status_server.h"
#include "tests/integrations/options_test_util.h"
#include "tests/support/free_port.h"
#include "tests/support/log_capture.h"

namespace outpost::integrations::apache {
namespace {

using ::testing::HasSubstr;
using Parsed = options_test::Parsed<Options>;

Parsed Parse(const std::string& yaml) { return options_test::Parse<Options>(Spec(), yaml); }

TEST(ApacheOptions, DefaultsAreGrafanaAgents) {
  Parsed p = Parse("{}");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  EXPECT_EQ(p.o().scrape_uri, "http://localhost/server-status?auto");
  EXPECT_EQ(p.o().host_override, "");
  EXPECT_FALSE(p.o().insecure);
  EXPECT_TRUE(Spec().allows_list());
  EXPECT_EQ(Spec().name(), "apache_http");
  EXPECT_EQ(Spec().InstanceKey(p.o(), {}), "localhost");
}

TEST(ApacheOptions, AllKeysAndInstance) {
  Parsed p = Parse(
      "scrape_uri: https://u:pw@web1.example:8443/status?auto\n"
      "host_override: www.example\ninsecure: true\n");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  EXPECT_EQ(p.o().host_override, "www.example");
  EXPECT_TRUE(p.o().insecure);
  EXPECT_EQ(Spec().InstanceKey(p.o(), {}), "web1.example:8443");
  YAML::Emitter out;
  out << YAML::BeginMap;
  Spec().Dump(p.o(), out);
  out << YAML::EndMap;
  EXPECT_THAT(out.c_str(), Not(HasSubstr("pw@"))) << out.c_str();
  EXPECT_THAT(out.c_str(), HasSubstr("insecure: true"));

  EXPECT_EQ(UriHost("http://127.0.0.1:8080/server-status?auto"), "127.0.0.1:8080");
  EXPECT_EQ(UriHost("http://[::1]:80/s"), "[::1]:80");
  EXPECT_EQ(UriHost("http://h?auto"), "h");
}

TEST(ApacheOptions, Errors) {
  EXPECT_THAT(Parse("scrape_uri: /server-status").AllErrors(),
              HasSubstr("agent.yaml:1:13: integrations.apache_http.scrape_uri"));
  EXPECT_THAT(Parse("scrape_uri: ftp://h/x").AllErrors(), HasSubstr("scrape_uri is invalid"));
  EXPECT_THAT(Parse("scrape_uri: http://h:99999/x").AllErrors(), HasSubstr("scrape_uri"));
  EXPECT_THAT(Parse("insecure: maybe").AllErrors(), HasSubstr("insecure"));
  EXPECT_THAT(Parse("bogus: 1").AllErrors(), HasSubstr("bogus: unknown key"));
  Options o;
  o.scrape_uri = "localhost/server-status";
  EXPECT_FALSE(NewApacheIntegration(o).ok());
}

constexpr char kPage[] =
    "localhost\nServerVersion: Apache/2.4.57 (Debian)\nServerMPM: event\nTotal Accesses: 3\n"
    "BusyWorkers: 1\nIdleWorkers: 4\nScoreboard: _W___\n";

absl::Time Deadline() { return absl::Now() + absl::Seconds(10); }

TEST(ApacheHttp, OneKeptConnectionAndHostOverride) {
  FakeStatusServer server;
  ASSERT_TRUE(server.ok());
  server.Set(200, kPage);
  Options o;
  o.scrape_uri = server.uri();
  o.host_override = "www.example";
  auto integ = NewApacheIntegration(o);
  ASSERT_TRUE(integ.ok()) << integ.status();
  MemoryAppender app;
  for (int i = 0; i < 5; ++i) {
    app.Clear();
    ASSERT_TRUE((*integ)->Collect(app, Deadline()).ok());
    ASSERT_NE(app.Find("apache_up", {}), nullptr);
    EXPECT_EQ(*app.Find("apache_up", {}), 1);
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.host(), "www.example");
  EXPECT_EQ(*app.Find("apache_accesses_total", {}), 3);
  EXPECT_EQ(app.Find("apache_exporter_scrape_failures_total", {}), nullptr);
}

TEST(ApacheHttp, HugeReplyIsDown) {
  FakeStatusServer server;
  ASSERT_TRUE(server.ok());
  server.Set(200, std::string(kMaxBodyBytes + 1, 'x'));
  Options o;
  o.scrape_uri = server.uri();
  auto integ = NewApacheIntegration(o);
  ASSERT_TRUE(integ.ok());
  MemoryAppender app;
  ASSERT_TRUE((*integ)->Collect(app, Deadline()).ok());
  EXPECT_EQ(*app.Find("apache_up", {}), 0);
  EXPECT_EQ(*app.Find("apache_exporter_scrape_failures_total", {}), 1);
  // Then a normal page on the same integration.
  server.Set(200, kPage);
  app.Clear();
  ASSERT_TRUE((*integ)->Collect(app, Deadline()).ok());
  EXPECT_EQ(*app.Find("apache_up", {}), 1);
}

TEST(ApacheHttp, NobodyListeningIsDownLoggedOnce) {
  outpost::testing::LogCapture logs;
  Options o;
  o.scrape_uri = "http://127.0.0.1:" + std::to_string(outpost::testing::FreePort()) +
                 "/server-status?auto";
  auto integ = NewApacheIntegration(o);
  ASSERT_TRUE(integ.ok());
  MemoryAppender app;
  for (int i = 1; i <= 3; ++i) {
    app.Clear();
    ASSERT_TRUE((*integ)->Collect(app, Deadline()).ok()) << "the collection itself succeeds";
    EXPECT_EQ(*app.Find("apache_up", {}), 0);
    EXPECT_EQ(*app.Find("apache_exporter_scrape_failures_total", {}), i);
    EXPECT_NE(app.Render().find("apache_http_build_info{"), std::string::npos);
  }
  EXPECT_EQ(logs.Count("error scraping apache"), 1) << logs.text();
}

}  // namespace
}  // namespace outpost::integrations::apache
