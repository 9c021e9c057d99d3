// Parity with Debian's prometheus-blackbox-exporter 0.23 (the probe
// metric names Grafana Agent v0.44 embeds): both probe the same local
// targets with the same blackbox.yml (outpost reads it as config_file),
// and the same series come out with the same labels and, for everything
// but the timings, the same values.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/agent/http_get.h"
#include "tests/integrations/blackbox/probe_util.h"
#include "tests/integrations/blackbox/test_servers.h"
#include "tests/support/exporter_scrape.h"
#include "tests/support/series_set.h"

namespace outpost::integrations::blackbox {
namespace {

using testing::LineServer;
using testing::SharedServers;

std::string ExporterBinary() {
  const char* env = std::getenv("OUTPOST_BLACKBOX_EXPORTER");
  return env != nullptr ? env : "/usr/bin/prometheus-blackbox-exporter";
}

bool Timing(const std::string& family) {
  return family == "probe_duration_seconds" || family == "probe_http_duration_seconds" ||
         family == "probe_dns_lookup_time_seconds";
}

TEST(BlackboxParity, ParityWithBlackboxExporter) {
  ASSERT_TRUE(SharedServers().error.empty()) << SharedServers().error;
  LineServer banner(testing::SmtpishBanner);
  LineServer one_line([](int fd) { LineServer::Send(fd, "220 one line\r\n"); });
  testing::SilentServer silent;
  const std::string ca = SharedServers().cert_dir + "/ca.crt";
  const std::string config = SharedServers().cert_dir + "/blackbox.yml";
  std::ofstream(config) << "modules:\n"
                           "  http_2xx:\n"
                           "    prober: http\n"
                           "    http:\n"
                           "      preferred_ip_protocol: ip4\n"
                           "      tls_config: {ca_file: " << ca << "}\n"
                           "  http_noredirect:\n"
                           "    prober: http\n"
                           "    http: {follow_redirects: false}\n"
                           "  http_body:\n"
                           "    prober: http\n"
                           "    http: {fail_if_body_matches_regexp: [test]}\n"
                           "  http_timeout:\n"
                           "    prober: http\n"
                           "    timeout: 1s\n"
                           "  tcp_connect:\n"
                           "    prober: tcp\n"
                           "  tcp_banner:\n"
                           "    prober: tcp\n"
                           "    tcp:\n"
                           "      query_response:\n"
                           "        - expect: \"^220 (?P<host>\\\\S+) ready\"\n"
                           "          send: \"HELO ${host} $1\"\n"
                           "        - expect: \"^250 (\\\\w+)\"\n"
                           "        - send: QUIT\n"
                           "  tcp_mismatch:\n"
                           "    prober: tcp\n"
                           "    tcp: {query_response: [{expect: '^SSH-'}]}\n"
                           "  tcp_tls:\n"
                           "    prober: tcp\n"
                           "    tcp: {preferred_ip_protocol: ip4, tls: true, tls_config: {ca_file: "
                        << ca << "}}\n";
  struct Case {
    std::string module, target;
  };
  const std::string plain_port = std::to_string(SharedServers().plain->port());
  const std::vector<Case> cases = {
      {"http_2xx", SharedServers().PlainUrl("/index.html")},
      {"http_2xx", SharedServers().PlainUrl("/old")},
      {"http_2xx", SharedServers().PlainUrl("/fail")},
      {"http_2xx", SharedServers().TlsUrl("/index.html")},
      {"http_noredirect", SharedServers().PlainUrl("/old")},
      {"http_body", SharedServers().PlainUrl("/index.html")},
      {"http_timeout", "127.0.0.1:" + std::to_string(silent.port())},
      {"tcp_connect", "127.0.0.1:" + plain_port},
      {"tcp_banner", banner.addr()},
      {"tcp_mismatch", one_line.addr()},
      {"tcp_tls", "localhost:" + std::to_string(SharedServers().tls->port())},
  };
  outpost::testing::ExporterProcess exporter(ExporterBinary(), "prometheus-blackbox-exporter",
                                             {"--config.file=" + config});
  ASSERT_TRUE(exporter.ready());

  std::string targets;
  for (size_t i = 0; i < cases.size(); ++i) {
    targets += "  - {name: t" + std::to_string(i) + ", address: '" + cases[i].target +
               "', module: " + cases[i].module + "}\n";
  }
  auto parsed = options_test::Parse<Options>(
      Spec(), "config_file: " + config + "\nblackbox_targets:\n" + targets);
  ASSERT_TRUE(parsed.errors.ok()) << parsed.AllErrors();
  auto opts = std::static_pointer_cast<const Options>(parsed.opts);

  const auto keep = [](const std::string&) { return true; };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(c.module + " " + c.target);
    const std::string theirs_text =
        exporter.Get("/probe?module=" + c.module + "&target=" + outpost::testing::UrlEncode(c.target));
    ASSERT_FALSE(theirs_text.empty());
    auto integ = NewTargetIntegration(opts, i);
    ASSERT_TRUE(integ.ok()) << integ.status();
    MemoryAppender app;
    // The exporter gets no scrape-timeout header: 120 s, minus the offset.
    ASSERT_TRUE((*integ)->Collect(app, absl::Now() + absl::Seconds(120)).ok());
    const outpost::testing::SeriesSet theirs = outpost::testing::FromExposition(theirs_text, keep);
    const outpost::testing::SeriesSet ours = outpost::testing::FromCollected(app.Samples(), keep);
    for (const auto& [key, value] : theirs.series) {
      auto it = ours.series.find(key);
      if (it == ours.series.end()) {
        ADD_FAILURE() << "missing in outpost: " << key << " " << value;
        continue;
      }
      if (!Timing(theirs.family_of.at(key))) {
        EXPECT_EQ(it->second, value) << key;
      }
    }
    for (const auto& [key, value] : ours.series) {
      EXPECT_TRUE(theirs.series.count(key)) << "only in outpost: " << key << " " << value;
    }
    for (const auto& [name, f] : theirs.families) {
      auto it = ours.families.find(name);
      if (it == ours.families.end()) continue;
      EXPECT_EQ(it->second.help, f.help) << name;
      EXPECT_EQ(it->second.type, f.type) << name;
    }
    const double* success = app.Find("probe_success", {});
    std::printf("  %-16s %-40s %2zu series, probe_success %g\n", c.module.c_str(),
                c.target.c_str(), theirs.series.size(), success != nullptr ? *success : -1.0);
  }
}

}  // namespace
}  // namespace outpost::integrations::blackbox
