// metrics.configs[].scrape_configs: Prometheus' defaults and validation,
// and the effective config round trip.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/dump.h"
#include "core/config/loader.h"
#include "integrations/registry.h"
#include "tests/core/config/load_text.h"

namespace outpost::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

TEST(ScrapeConfigTest, DefaultsFromGlobal) {
  LoadResult r = LoadText(
      "metrics:\n"
      "  global: {scrape_interval: 30s, scrape_timeout: 20s}\n"
      "  configs:\n"
      "    - name: default\n"
      "      scrape_configs:\n"
      "        - job_name: node\n"
      "          scrape_interval: 15s\n"
      "          static_configs: [{targets: ['localhost:9100'], labels: {env: prod}}]\n"
      "        - job_name: app\n"
      "          scrape_interval: 10s\n"
      "          scheme: https\n"
      "          params: {module: [http_2xx]}\n"
      "          basic_auth: {username: u, password: p}\n"
      "          file_sd_configs: [{files: [/etc/targets/*.json]}]\n"
      "          metric_relabel_configs: [{action: drop, source_labels: [__name__], regex: go_.*}]\n");
  ASSERT_THAT(r.errors.errors, IsEmpty());
  const std::vector<ScrapeConfig>& s = r.config->metrics.configs.at(0).scrape_configs;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].scrape_interval, absl::Seconds(15));
  // An unset timeout is the global one, capped at the interval.
  EXPECT_EQ(s[0].scrape_timeout, absl::Seconds(15));
  EXPECT_EQ(s[0].metrics_path, "/metrics");
  EXPECT_EQ(s[0].scheme, "http");
  EXPECT_TRUE(s[0].honor_timestamps);
  EXPECT_FALSE(s[0].honor_labels);
  EXPECT_THAT(s[0].static_configs.at(0).targets, ElementsAre("localhost:9100"));
  EXPECT_EQ(s[1].scrape_timeout, absl::Seconds(10));
  EXPECT_EQ(s[1].file_sd_configs.at(0).refresh_interval, absl::Minutes(5));
  EXPECT_EQ(s[1].http.basic_auth->password.reveal(), "p");
  EXPECT_EQ(s[1].metric_relabel_configs.size(), 1u);

  // The effective config masks the password and loads again the same.
  const std::string dump = Dump(*r.config, integrations::Builtin());
  EXPECT_THAT(dump, HasSubstr("password: <secret>"));
  EXPECT_THAT(dump, Not(HasSubstr("password: p\n")));
  LoadResult again = LoadText(dump);
  // The masked password is read back as the literal "<secret>".
  ASSERT_THAT(again.errors.errors, IsEmpty()) << dump;
  EXPECT_EQ(Dump(*again.config, integrations::Builtin()), dump);
}

TEST(ScrapeConfigTest, Errors) {
  auto errors = [](const std::string& scrape) {
    return LoadText("metrics:\n  configs:\n    - name: a\n      scrape_configs:\n" + scrape)
        .errors.errors;
  };
  EXPECT_THAT(errors("        - scrape_interval: 1m\n"),
              ElementsAre("agent.yaml:5:11: metrics.configs[0].scrape_configs[0]: job_name is "
                          "empty"));
  EXPECT_THAT(errors("        - job_name: x\n        - job_name: x\n"),
              ElementsAre("agent.yaml:6:11: metrics.configs[0].scrape_configs[1].job_name: found "
                          "multiple scrape configs with job name \"x\""));
  EXPECT_THAT(errors("        - {job_name: x, scrape_interval: 10s, scrape_timeout: 20s}\n"),
              ElementsAre(HasSubstr("scrape timeout greater than scrape interval for scrape "
                                    "config with job name \"x\"")));
  EXPECT_THAT(errors("        - {job_name: x, static_configs: [{targets: ['http://h:1/']}]}\n"),
              ElementsAre(HasSubstr("\"http://h:1/\" is not a valid hostname")));
  EXPECT_THAT(errors("        - {job_name: x, file_sd_configs: [{files: [t.txt]}]}\n"),
              ElementsAre(HasSubstr("path name \"t.txt\" is not valid for file discovery")));
  EXPECT_THAT(errors("        - {job_name: x, scheme: ftp}\n"),
              ElementsAre(HasSubstr("invalid scheme \"ftp\"")));
  EXPECT_THAT(errors("        - {job_name: x, bearer_token: a, basic_auth: {username: u}}\n"),
              ElementsAre(HasSubstr("at most one of basic_auth, authorization and bearer_token")));
  EXPECT_THAT(errors("        - {job_name: x, consul_sd_configs: [{server: 'h:1'}]}\n"),
              ElementsAre(HasSubstr("consul_sd_configs: not supported yet")));
  EXPECT_THAT(errors("        - {job_name: x, scrape_interval: 2h}\n"),
              ElementsAre(HasSubstr("scrape interval greater than wal_truncate_frequency")));
  EXPECT_THAT(errors("        - {job_name: x, http_sd_configs: [{refresh_interval: 1m}]}\n"),
              ElementsAre(HasSubstr("http_sd_configs[0]: URL is missing")));
  EXPECT_THAT(errors("        - {job_name: x, http_sd_configs: [{url: 'ftp://h/'}]}\n"),
              ElementsAre(HasSubstr("http_sd_configs[0].url: URL scheme must be 'http' or "
                                    "'https'")));
  EXPECT_THAT(errors("        - {job_name: x, dns_sd_configs: [{type: A}]}\n"),
              ElementsAre(HasSubstr("DNS-SD config must contain at least one SRV record name"),
                          HasSubstr("a port is required in DNS-SD configs for all record types "
                                    "except SRV")));
  EXPECT_THAT(errors("        - {job_name: x, dns_sd_configs: [{names: [a], type: MX}]}\n"),
              ElementsAre(HasSubstr("dns_sd_configs[0].type: invalid DNS-SD records type MX")));
}

TEST(ScrapeConfigTest, HttpAndDnsDiscovery) {
  LoadResult r = LoadText(
      "metrics:\n"
      "  configs:\n"
      "    - name: default\n"
      "      scrape_configs:\n"
      "        - job_name: viahttp\n"
      "          track_timestamps_staleness: true\n"
      "          http_sd_configs:\n"
      "            - url: https://sd.example/targets\n"
      "              authorization: {credentials: tok}\n"
      "        - job_name: viadns\n"
      "          dns_sd_configs:\n"
      "            - names: [_node._tcp.example.com]\n"
      "            - {names: [web.example.com], type: aaaa, port: 9100, refresh_interval: 10s}\n");
  ASSERT_THAT(r.errors.errors, IsEmpty());
  const std::vector<ScrapeConfig>& s = r.config->metrics.configs.at(0).scrape_configs;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(s[0].track_timestamps_staleness);
  const HttpSdConfig& h = s[0].http_sd_configs.at(0);
  EXPECT_EQ(h.url, "https://sd.example/targets");
  EXPECT_EQ(h.refresh_interval, absl::Minutes(1));
  EXPECT_EQ(h.http.authorization->credentials.reveal(), "tok");
  ASSERT_EQ(s[1].dns_sd_configs.size(), 2u);
  EXPECT_EQ(s[1].dns_sd_configs[0].type, "SRV");
  EXPECT_EQ(s[1].dns_sd_configs[0].refresh_interval, absl::Seconds(30));
  EXPECT_EQ(s[1].dns_sd_configs[1].type, "AAAA");
  EXPECT_EQ(s[1].dns_sd_configs[1].port, 9100);
  EXPECT_EQ(s[1].dns_sd_configs[1].refresh_interval, absl::Seconds(10));
  // The effective config loads again the same (the credential masked).
  const std::string dump = Dump(*r.config, integrations::Builtin());
  EXPECT_THAT(dump, Not(HasSubstr("tok")));
  LoadResult again = LoadText(dump);
  ASSERT_THAT(again.errors.errors, IsEmpty()) << dump;
  EXPECT_EQ(Dump(*again.config, integrations::Builtin()), dump);
}

// Prometheus reads a scrape config's files when it uses them; outpost warns
// at load and the scraper reads them at each request (remote_write too).
TEST(ScrapeConfigTest, MissingFilesAreWarnings) {
  const std::string missing = "/nonexistent/outpost-test/file";
  for (const std::string& block :
       {"bearer_token_file: " + missing, "basic_auth: {username: u, password_file: " + missing + "}",
        "authorization: {credentials_file: " + missing + "}",
        "tls_config: {ca_file: " + missing + "}",
        "tls_config: {cert_file: " + missing + ", key_file: " + missing + "}"}) {
    LoadResult r = LoadText(
        "metrics:\n  wal_directory: /w\n  configs:\n    - name: a\n      scrape_configs:\n"
        "        - job_name: j\n          " + block + "\n");
    EXPECT_THAT(r.errors.errors, IsEmpty()) << block;
    ASSERT_FALSE(r.errors.warnings.empty()) << block;
    for (const std::string& w : r.errors.warnings) {
      EXPECT_THAT(w, HasSubstr("cannot read file \"" + missing + "\" now; it is read at each "
                               "request"));
    }
  }
  LoadResult r = LoadText(
      "metrics:\n  wal_directory: /w\n  global:\n    remote_write:\n"
      "      - url: http://h/\n        bearer_token_file: " + missing + "\n");
  EXPECT_TRUE(r.errors.ok());
  EXPECT_THAT(r.errors.warnings, ElementsAre(HasSubstr("bearer_token_file: cannot read file")));
}

}  // namespace
}  // namespace outpost::config
