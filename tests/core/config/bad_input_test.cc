// Config edge cases from mutated configs (issue 26 part 5): each is one
// error line naming the file, line, column and key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/config/loader.h"
#include "integrations/registry.h"
#include "tests/core/config/load_text.h"

namespace outpost::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Errors(const std::string& text) { return LoadText(text).errors.errors; }

TEST(BadInputTest, DirectoryAsConfigFile) {
  const std::string dir = ::testing::TempDir();
  LoadOptions o;
  o.path = dir;
  o.registry = &integrations::Builtin();
  absl::StatusOr<Config> c = Load(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), dir + ": cannot read config file: Is a directory");
}

TEST(BadInputTest, ExternalLabelWithAnInvalidName) {
  EXPECT_THAT(Errors("metrics:\n  global:\n    external_labels: {ok: a, 1bad: b}\n"),
              ElementsAre("agent.yaml:3:30: metrics.global.external_labels.1bad: \"1bad\" is not "
                          "a valid label name"));
  EXPECT_THAT(Errors("metrics:\n  global:\n    external_labels:\n      a-b: c\n"),
              ElementsAre("agent.yaml:4:7: metrics.global.external_labels.a-b: \"a-b\" is not a "
                          "valid label name"));
  // Same rule for the integrations' labels and static_configs labels.
  EXPECT_THAT(Errors("integrations:\n  labels: {'': x}\n"),
              ElementsAre("agent.yaml:2:12: integrations.labels: \"\" is not a valid label name"));
}

TEST(BadInputTest, RemoteWriteUrlWithABadIpv6Literal) {
  EXPECT_THAT(Errors("metrics:\n  global:\n    remote_write:\n      - url: http://[::g]:9/w\n"),
              ElementsAre("agent.yaml:4:14: metrics.global.remote_write[0].url: invalid URL: "
                          "invalid IPv6 address \"[::g]\" in host"));
}

TEST(BadInputTest, UrlsWithABadPercentEscape) {
  EXPECT_THAT(Errors("metrics:\n  global:\n    remote_write:\n      - url: http://a/x%zz\n"),
              ElementsAre("agent.yaml:4:14: metrics.global.remote_write[0].url: invalid URL: "
                          "invalid URL escape \"%zz\""));
  // In the user info: not quoted (it may be the password).
  EXPECT_THAT(Errors("metrics:\n  global:\n    remote_write:\n"
                     "      - url: http://a/\n        proxy_url: http://u:S%ZZ@p/\n"),
              ElementsAre("agent.yaml:5:20: metrics.global.remote_write[0].proxy_url: invalid "
                          "URL: invalid URL escape in the user info"));
}

TEST(BadInputTest, ScrapeUrlsAreValidatedToo) {
  EXPECT_THAT(Errors("metrics:\n  wal_directory: /w\n  configs:\n    - name: a\n"
                     "      scrape_configs:\n        - job_name: j\n"
                     "          http_sd_configs: [{url: 'http://h:99999/sd'}]\n"),
              ElementsAre("agent.yaml:7:35: metrics.configs[0].scrape_configs[0].http_sd_configs[0]"
                          ".url: invalid URL: invalid port \":99999\" after host (greater than "
                          "65535)"));
}

TEST(BadInputTest, ValueThatIsNotUtf8) {
  EXPECT_THAT(Errors("metrics:\n  wal_directory: /var/\xff\n"),
              ElementsAre("agent.yaml:2:23: metrics.wal_directory: invalid UTF-8 (byte 0xff)"));
  EXPECT_THAT(Errors("metrics:\n  global:\n    external_labels: {a: \"x\xc3\"}\n"),
              ElementsAre("agent.yaml:3:28: metrics.global.external_labels.a: invalid UTF-8 "
                          "(byte 0xc3)"));
  // Overlong forms, surrogates and C1 controls are not text either.
  EXPECT_THAT(Errors("server:\n  log_level: \xc0\xaf\n"),
              ElementsAre("agent.yaml:2:14: server.log_level: invalid UTF-8 (byte 0xc0)"));
  EXPECT_THAT(Errors("server:\n  log_level: \xed\xa0\x80\n"),
              ElementsAre("agent.yaml:2:14: server.log_level: invalid UTF-8 (byte 0xed)"));
  EXPECT_THAT(Errors("server:\n  log_level: \xc2\x80\n"),
              ElementsAre("agent.yaml:2:14: server.log_level: character U+0080 is not allowed"));
  // Valid UTF-8 (with a BOM) is fine.
  EXPECT_THAT(Errors("\xef\xbb\xbfmetrics:\n  global:\n    external_labels: {a: \"h\xc3\xa9\"}\n"),
              IsEmpty());
}

TEST(BadInputTest, BinaryGarbage) {
  std::string nul = "metrics:\n  wal_directory: /a";
  nul += '\0';
  nul += "b\n";
  EXPECT_THAT(Errors(nul),
              ElementsAre("agent.yaml:2:20: metrics.wal_directory: control character 0x00 is not "
                          "allowed"));
  EXPECT_THAT(Errors("server: {log_level: info}\n\x7f\x01\x02"),
              ElementsAre("agent.yaml:2:1: control character 0x7f is not allowed"));
  EXPECT_THAT(Errors("\x1b[31m: x\n"),
              ElementsAre("agent.yaml:1:1: control character 0x1b is not allowed"));
  // Tabs, CR and LF are allowed.
  EXPECT_THAT(Errors("server:\r\n  log_level: info\t# c\r\n"), IsEmpty());
}

TEST(BadInputTest, ZeroScrapeIntervalAndTimeoutMeanTheDefault) {
  LoadResult r = LoadText(
      "metrics:\n"
      "  wal_directory: /w\n"
      "  global: {scrape_interval: 0s, scrape_timeout: 0}\n"
      "  configs:\n"
      "    - name: a\n"
      "      scrape_configs:\n"
      "        - {job_name: j, scrape_interval: 0s, scrape_timeout: 0s}\n"
      "integrations:\n"
      "  agent: {enabled: true, scrape_interval: 0s, scrape_timeout: 0s}\n");
  ASSERT_THAT(r.errors.errors, IsEmpty());
  const Config& c = *r.config;
  EXPECT_EQ(c.metrics.global.scrape_interval, absl::Minutes(1));
  EXPECT_EQ(c.metrics.global.scrape_timeout, absl::Seconds(10));
  EXPECT_EQ(c.metrics.configs.at(0).scrape_configs.at(0).scrape_interval, absl::Minutes(1));
  EXPECT_EQ(c.metrics.configs.at(0).scrape_configs.at(0).scrape_timeout, absl::Seconds(10));
  EXPECT_EQ(c.integrations.integrations.at(0).common.scrape_interval, absl::Minutes(1));
  EXPECT_EQ(c.integrations.integrations.at(0).common.scrape_timeout, absl::Seconds(10));

  // A scrape config's 0 is the global interval; an unset timeout is capped
  // at the interval.
  r = LoadText(
      "metrics:\n"
      "  wal_directory: /w\n"
      "  global: {scrape_interval: 5s}\n"
      "  configs:\n"
      "    - name: a\n"
      "      scrape_configs: [{job_name: j, scrape_interval: 0s}]\n");
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_EQ(r.config->metrics.configs.at(0).scrape_configs.at(0).scrape_interval, absl::Seconds(5));
  EXPECT_EQ(r.config->metrics.configs.at(0).scrape_configs.at(0).scrape_timeout, absl::Seconds(5));
}

}  // namespace
}  // namespace outpost::config
