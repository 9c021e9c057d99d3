#include "core/config/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "core/config/dump.h"
#include "integrations/registry.h"
#include "tests/core/config/load_text.h"

namespace outpost::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

// The only error of loading `text`.
Config MustLoad(const std::string& text) {
  LoadResult r = LoadText(text);
  EXPECT_THAT(r.errors.errors, IsEmpty());
  return r.config.value_or(Config{});
}

TEST(LoaderTest, MissingFile) {
  LoadOptions o;
  o.path = "/nonexistent/agent.yaml";
  o.registry = &integrations::Builtin();
  absl::StatusOr<Config> c = Load(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(c.status().message(),
            "/nonexistent/agent.yaml: cannot read config file: No such file or directory");
}

TEST(LoaderTest, YamlSyntaxError) {
  std::string e = OnlyError("metrics:\n  global: [a, b\n");
  EXPECT_THAT(e, MatchesRegex("agent\\.yaml:[0-9]+:[0-9]+: yaml: .+"));
  e = OnlyError("a: 'unterminated\n");
  EXPECT_THAT(e, StartsWith("agent.yaml:"));
}

TEST(LoaderTest, DeepYamlNestingIsAnError) {
  std::string deep = "metrics: " + std::string(100000, '[');
  LoadResult r = LoadText(deep);
  ASSERT_FALSE(r.errors.ok());
  EXPECT_THAT(r.errors.errors.front(), StartsWith("agent.yaml:"));
}

TEST(LoaderTest, LoadStatusIsFirstError) {
  LoadOptions o;
  o.path = "agent.yaml";
  o.text = "foo: 1\nbar: 2\n";
  o.registry = &integrations::Builtin();
  absl::StatusOr<Config> c = Load(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "agent.yaml:1:1: foo: unknown key");
  EXPECT_EQ(LoadFull(o).errors.errors.size(), 2u);
}

TEST(LoaderTest, UnknownKeys) {
  EXPECT_EQ(OnlyError("foo: 1\n"), "agent.yaml:1:1: foo: unknown key");
  EXPECT_EQ(OnlyError("metrics:\n  globl: {}\n"), "agent.yaml:2:3: metrics.globl: unknown key");
  EXPECT_EQ(OnlyError("metrics:\n  configs:\n    - name: a\n      bogus: 1\n"),
            "agent.yaml:4:7: metrics.configs[0].bogus: unknown key");
  EXPECT_EQ(OnlyError("integrations:\n  agent:\n    enabled: true\n    bogus: 1\n"),
            "agent.yaml:4:5: integrations.agent.bogus: unknown key");
  EXPECT_EQ(OnlyError("metrics:\n"
                      "  configs:\n"
                      "    - name: a\n"
                      "      remote_write:\n"
                      "        - url: http://a/push\n"
                      "        - url: http://b/push\n"
                      "          queue_config: {capacty: 5}\n"),
            "agent.yaml:7:26: metrics.configs[0].remote_write[1].queue_config.capacty: unknown key");
}

TEST(LoaderTest, WrongTypes) {
  EXPECT_EQ(OnlyError("metrics:\n  wal_directory: [a]\n"),
            "agent.yaml:2:18: metrics.wal_directory: expected a string, got a list");
  EXPECT_EQ(OnlyError("metrics: 5\n"), "agent.yaml:1:10: metrics: expected a map, got a scalar");
  EXPECT_EQ(OnlyError("integrations:\n  scrape_integrations: maybe\n"),
            "agent.yaml:2:24: integrations.scrape_integrations: expected a boolean (true or "
            "false), got \"maybe\"");
  EXPECT_EQ(OnlyError("metrics:\n  configs: {name: a}\n"),
            "agent.yaml:2:12: metrics.configs: expected a list, got a map");
}

TEST(LoaderTest, Durations) {
  EXPECT_EQ(OnlyError("metrics:\n  wal_cleanup_age: 0s\n"),
            "agent.yaml:2:20: metrics.wal_cleanup_age: duration must be greater than 0");
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    scrape_interval: -1m\n"),
            "agent.yaml:3:22: metrics.global.scrape_interval: invalid duration \"-1m\"");
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    scrape_timeout: 5x\n"),
            "agent.yaml:3:21: metrics.global.scrape_timeout: invalid duration \"5x\"");
  EXPECT_EQ(OnlyError("metrics:\n  configs:\n    - name: a\n      max_wal_time: 0\n"),
            "agent.yaml:4:21: metrics.configs[0].max_wal_time: duration must be greater than 0");
}

TEST(LoaderTest, ScrapeTimeoutGreaterThanInterval) {
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    scrape_interval: 10s\n    scrape_timeout: 15s\n"),
            "agent.yaml:4:5: metrics.global.scrape_timeout: scrape_timeout (15s) greater than "
            "scrape_interval (10s)");
  EXPECT_EQ(OnlyError("integrations:\n  agent:\n    scrape_interval: 5s\n    scrape_timeout: 6s\n"),
            "agent.yaml:4:5: integrations.agent.scrape_timeout: scrape_timeout (6s) greater than "
            "scrape_interval (5s)");
  // Unset timeouts follow Prometheus: never above the interval.
  Config c = MustLoad("metrics:\n  global:\n    scrape_interval: 5s\n"
                      "integrations:\n  agent:\n    scrape_interval: 2s\n");
  EXPECT_EQ(c.metrics.global.scrape_timeout, absl::Seconds(5));
  ASSERT_EQ(c.integrations.integrations.size(), 1u);
  EXPECT_EQ(c.integrations.integrations[0].common.scrape_timeout, absl::Seconds(2));
}

TEST(LoaderTest, WalTimes) {
  EXPECT_EQ(OnlyError("metrics:\n  configs:\n    - name: a\n      min_wal_time: 5h\n"),
            "agent.yaml:4:7: metrics.configs[0].min_wal_time: min_wal_time must be less than or "
            "equal to max_wal_time");
}

TEST(LoaderTest, WalSizeAndIntegrationsWalLimits) {
  Config c = MustLoad(
      "metrics:\n  configs:\n    - name: a\n      max_wal_size: 2GiB\n"
      "integrations:\n  min_wal_time: 10m\n  max_wal_time: 1h\n  max_wal_size: 512MB\n");
  ASSERT_EQ(c.metrics.configs.size(), 1u);
  EXPECT_EQ(c.metrics.configs[0].max_wal_size, uint64_t{2} << 30);
  EXPECT_EQ(c.integrations.min_wal_time, absl::Minutes(10));
  EXPECT_EQ(c.integrations.max_wal_time, absl::Hours(1));
  EXPECT_EQ(c.integrations.max_wal_size, uint64_t{512} << 20);
  // The manager keys are not integrations.
  EXPECT_THAT(c.integrations.integrations, IsEmpty());

  Config d = MustLoad("metrics:\n  configs: [{name: x}]\n");
  EXPECT_EQ(d.metrics.configs[0].max_wal_size, 0u);
  EXPECT_EQ(d.integrations.min_wal_time, absl::Minutes(5));
  EXPECT_EQ(d.integrations.max_wal_time, absl::Hours(4));
  EXPECT_EQ(d.integrations.max_wal_size, 0u);
}

TEST(LoaderTest, IntegrationsWalLimitErrors) {
  EXPECT_EQ(OnlyError("integrations:\n  min_wal_time: 5h\n"),
            "agent.yaml:2:3: integrations.min_wal_time: min_wal_time must be less than or "
            "equal to max_wal_time");
  EXPECT_EQ(OnlyError("integrations:\n  max_wal_time: 1m\n"),
            "agent.yaml:2:3: integrations.max_wal_time: min_wal_time must be less than or "
            "equal to max_wal_time");
  EXPECT_THAT(OnlyError("integrations:\n  max_wal_size: lots\n"),
              HasSubstr("integrations.max_wal_size: invalid byte size"));
  EXPECT_THAT(OnlyError("metrics:\n  configs:\n    - name: a\n      max_wal_size: -1\n"),
              HasSubstr("metrics.configs[0].max_wal_size: invalid byte size"));
  EXPECT_THAT(OnlyError("integrations:\n  max_wal_time: 0s\n"),
              HasSubstr("integrations.max_wal_time"));
}

TEST(DumpTest, WalLimitsRoundTrip) {
  Config c = MustLoad(
      "metrics:\n  configs:\n    - name: a\n      max_wal_size: 1GiB\n"
      "integrations:\n  min_wal_time: 1m\n  max_wal_time: 2h\n  max_wal_size: 64MiB\n");
  const std::string dump = Dump(c, integrations::Builtin());
  EXPECT_THAT(dump, HasSubstr("max_wal_size: 1073741824"));
  EXPECT_THAT(dump, HasSubstr("max_wal_size: 67108864"));
  EXPECT_THAT(dump, HasSubstr("  min_wal_time: 1m\n"));
  EXPECT_THAT(dump, HasSubstr("  max_wal_time: 2h\n"));
  LoadResult again = LoadText(dump);
  ASSERT_THAT(again.errors.errors, IsEmpty()) << dump;
  EXPECT_EQ(again.config->metrics.configs.at(0).max_wal_size, uint64_t{1} << 30);
  EXPECT_EQ(again.config->integrations.max_wal_size, uint64_t{64} << 20);
  EXPECT_EQ(again.config->integrations.min_wal_time, absl::Minutes(1));
  EXPECT_EQ(again.config->integrations.max_wal_time, absl::Hours(2));
  EXPECT_EQ(Dump(*again.config, integrations::Builtin()), dump);
}

TEST(LoaderTest, DuplicateNames) {
  EXPECT_EQ(OnlyError("metrics:\n  configs:\n    - name: a\n    - name: b\n    - name: a\n"),
            "agent.yaml:5:7: metrics.configs[2].name: found multiple instance configs with name "
            "\"a\"");
  EXPECT_EQ(OnlyError("metrics:\n  configs:\n    - {}\n"),
            "agent.yaml:3:7: metrics.configs[0]: missing instance name");
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    remote_write:\n"
                      "      - {url: 'http://a/', name: x}\n      - {url: 'http://b/', name: x}\n"),
            "agent.yaml:5:28: metrics.global.remote_write[1].name: duplicate remote_write name "
            "\"x\"");
  // Two identical unnamed entries get the same derived name.
  std::string e = OnlyError("metrics:\n  configs:\n    - name: d\n      remote_write:\n"
                            "        - url: http://a/\n        - url: http://a/\n");
  EXPECT_THAT(e, MatchesRegex("agent\\.yaml:6:11: metrics\\.configs\\[0\\]\\.remote_write\\[1\\]: "
                              "duplicate remote_write name \"d-[0-9a-f]{6}\""));
}

TEST(LoaderTest, RemoteWriteNames) {
  Config c = MustLoad("metrics:\n  global:\n    remote_write:\n      - url: http://a/push\n"
                      "  configs:\n    - name: default\n      remote_write:\n"
                      "        - url: http://a/push\n        - url: http://b/push\n          "
                      "name: mine\n"
                      "integrations:\n  prometheus_remote_write:\n    - url: http://a/push\n");
  ASSERT_EQ(c.metrics.configs.size(), 1u);
  ASSERT_EQ(c.metrics.configs[0].remote_write.size(), 2u);
  const std::string& derived = c.metrics.configs[0].remote_write[0].name;
  EXPECT_THAT(derived, MatchesRegex("default-[0-9a-f]{6}"));
  EXPECT_EQ(c.metrics.configs[0].remote_write[1].name, "mine");
  EXPECT_EQ(c.metrics.global.remote_write[0].name, "global-" + derived.substr(8));
  EXPECT_EQ(c.integrations.prometheus_remote_write[0].name, "integrations-" + derived.substr(8));
  // Same config, same name; different config, different name.
  Config again = MustLoad("metrics:\n  configs:\n    - name: default\n      remote_write:\n"
                          "        - url: http://a/push\n");
  EXPECT_EQ(again.metrics.configs[0].remote_write[0].name, derived);
  Config other = MustLoad("metrics:\n  configs:\n    - name: default\n      remote_write:\n"
                          "        - url: http://a/push\n          remote_timeout: 5s\n");
  EXPECT_NE(other.metrics.configs[0].remote_write[0].name, derived);
}

TEST(LoaderTest, RemoteWriteUrl) {
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    remote_write:\n      - url:\n"),
            "agent.yaml:4:9: metrics.global.remote_write[0].url: url for remote_write is empty");
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    remote_write:\n      - name: x\n"),
            "agent.yaml:4:9: metrics.global.remote_write[0]: url for remote_write is empty");
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    remote_write:\n      - url: ftp://a/\n"),
            "agent.yaml:4:14: metrics.global.remote_write[0].url: invalid URL: must be an "
            "absolute http or https URL");
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    remote_write:\n      - url: <your endpoint>\n"),
            "agent.yaml:4:14: metrics.global.remote_write[0].url: invalid URL: must be an "
            "absolute http or https URL");
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    remote_write:\n      - url: http://a/\n"
                      "        headers: {Authorization: x}\n"),
            "agent.yaml:5:9: metrics.global.remote_write[0].headers: \"Authorization\" is a "
            "reserved header; it must not be changed");
}

TEST(LoaderTest, RemoteWriteAuth) {
  Config c = MustLoad("metrics:\n  global:\n    remote_write:\n      - url: https://u@h:9/p?q\n"
                      "        basic_auth: {username: 123456, password: pw}\n"
                      "        queue_config: {max_shards: 10, min_backoff: 1s}\n"
                      "        sigv4: null\n");
  const RemoteWriteConfig& rw = c.metrics.global.remote_write.at(0);
  ASSERT_TRUE(rw.basic_auth.has_value());
  EXPECT_EQ(rw.basic_auth->username, "123456");
  EXPECT_EQ(rw.basic_auth->password.reveal(), "pw");
  EXPECT_EQ(rw.queue_config.max_shards, 10);
  EXPECT_EQ(rw.queue_config.min_backoff, absl::Seconds(1));
  EXPECT_EQ(rw.queue_config.capacity, 10000);
  EXPECT_TRUE(rw.send_exemplars);
  EXPECT_TRUE(rw.queue_config.retry_on_http_429);

  EXPECT_EQ(OnlyError("metrics:\n  global:\n    remote_write:\n      - url: http://a/\n"
                      "        azuread: {cloud: AzurePublic}\n"),
            "agent.yaml:5:9: metrics.global.remote_write[0].azuread: not supported yet");
  // Read when used: a warning at load.
  EXPECT_EQ(LoadText("metrics:\n  global:\n    remote_write:\n      - url: http://a/\n"
                     "        basic_auth: {password_file: /nonexistent/pw}\n")
                .errors.warnings,
            std::vector<std::string>{
                "agent.yaml:5:22: metrics.global.remote_write[0].basic_auth.password_file: cannot "
                "read file \"/nonexistent/pw\" now; it is read at each request, which fails until "
                "the file can be read"});
  EXPECT_EQ(OnlyError("metrics:\n  global:\n    remote_write:\n      - url: http://a/\n"
                      "        basic_auth: {password: a}\n        bearer_token: b\n"),
            "agent.yaml:4:9: metrics.global.remote_write[0]: at most one of basic_auth, "
            "authorization and bearer_token/bearer_token_file must be configured");
}

TEST(LoaderTest, PasswordFileKeptAsPath) {
  std::string path = ::testing::TempDir() + "/outpost_pw";
  std::ofstream(path) << "s3cret\n";
  Config c = MustLoad("metrics:\n  global:\n    remote_write:\n      - url: http://a/\n"
                      "        basic_auth: {username: u, password_file: " + path + "}\n");
  EXPECT_EQ(c.metrics.global.remote_write.at(0).basic_auth->password_file, path);
  EXPECT_TRUE(c.metrics.global.remote_write.at(0).basic_auth->password.empty());
  std::remove(path.c_str());
}

TEST(LoaderTest, Integrations) {
  EXPECT_EQ(OnlyError("integrations:\n  frobnicator: {enabled: true}\n"),
            "agent.yaml:2:3: integrations.frobnicator: unknown integration");
  EXPECT_EQ(OnlyError("integrations:\n  oracledb:\n    enabled: true\n"),
            "agent.yaml:2:3: integrations.oracledb: not supported yet");
  LoadResult r = LoadText("integrations:\n  windows_exporter:\n    enabled: false\n"
                          "  statsd_exporter: {listen_udp: ':9125'}\n");
  EXPECT_THAT(r.errors.errors, IsEmpty());
  EXPECT_THAT(r.errors.warnings,
              ElementsAre("agent.yaml:2:3: integrations.windows_exporter: not supported yet; "
                          "ignored because it is not enabled",
                          "agent.yaml:4:3: integrations.statsd_exporter: not supported yet; "
                          "ignored because it is not enabled"));
  ASSERT_TRUE(r.config.has_value());
  EXPECT_THAT(r.config->integrations.integrations, IsEmpty());
  EXPECT_EQ(OnlyError("integrations:\n  http_tls_config: {}\n"),
            "agent.yaml:2:3: integrations.http_tls_config: not supported yet");
  EXPECT_EQ(OnlyError("integrations:\n  metrics: {autoscrape: {enable: true}}\n"),
            "agent.yaml:2:3: integrations: the integrations-next format "
            "(-enable-features=integrations-next) is not supported yet");
  r = LoadText("integrations:\n  replace_instance_label: true\n");
  EXPECT_THAT(r.errors.errors, IsEmpty());
  EXPECT_THAT(r.errors.warnings,
              ElementsAre("agent.yaml:2:3: integrations.replace_instance_label: deprecated and "
                          "ignored"));
}

TEST(LoaderTest, IntegrationCommonDefaults) {
  Config c = MustLoad("metrics:\n  global: {scrape_interval: 30s}\n"
                      "integrations:\n  scrape_integrations: false\n"
                      "  agent:\n    enabled: true\n    instance: me\n");
  ASSERT_EQ(c.integrations.integrations.size(), 1u);
  const IntegrationConfig& a = c.integrations.integrations[0];
  EXPECT_EQ(a.name, "agent");
  EXPECT_TRUE(a.common.enabled);
  EXPECT_EQ(a.common.instance, "me");
  EXPECT_FALSE(a.common.scrape_integration);
  EXPECT_EQ(a.common.scrape_interval, absl::Seconds(30));
  EXPECT_EQ(a.common.scrape_timeout, absl::Seconds(10));
  EXPECT_EQ(a.common.wal_truncate_frequency, absl::Minutes(60));
  EXPECT_NE(a.options, nullptr);
}

TEST(LoaderTest, InvalidRelabelRegex) {
  std::string e = OnlyError("integrations:\n  agent:\n    relabel_configs:\n"
                            "      - source_labels: [a]\n        regex: '(unclosed'\n"
                            "        target_label: b\n");
  EXPECT_THAT(e, StartsWith("agent.yaml:4:9: integrations.agent.relabel_configs[0]: "));
  EXPECT_THAT(e, HasSubstr("(unclosed"));
}

TEST(LoaderTest, LegacyPrometheusKey) {
  LoadResult r = LoadText("prometheus:\n  wal_directory: /w\n  global: {scrape_interval: 5x}\n");
  EXPECT_THAT(r.errors.errors,
              ElementsAre("agent.yaml:3:29: prometheus.global.scrape_interval: invalid duration "
                          "\"5x\""));
  r = LoadText("prometheus:\n  wal_directory: /w\n");
  EXPECT_THAT(r.errors.errors, IsEmpty());
  EXPECT_THAT(r.errors.warnings,
              ElementsAre("agent.yaml:1:1: prometheus: `prometheus` has been deprecated in favor "
                          "of `metrics`"));
  EXPECT_EQ(r.config->metrics.wal_directory, "/w");
  EXPECT_EQ(OnlyError("metrics: {}\nprometheus: {}\n"),
            "agent.yaml:2:1: prometheus: at most one of prometheus and metrics should be "
            "specified");
}

TEST(LoaderTest, ServerAndUnsupportedSections) {
  EXPECT_EQ(OnlyError("server:\n  http_listen_network: unix\n"),
            "agent.yaml:2:3: server.http_listen_network: moved to the -server.http.address flag "
            "in Grafana Agent v0.24");
  EXPECT_EQ(OnlyError("server:\n  log_level: verbose\n"),
            "agent.yaml:2:14: server.log_level: invalid log level \"verbose\" (expected debug, "
            "info, warn or error)");
  EXPECT_EQ(OnlyError("logs:\n  configs: []\n  traces: {}\n"),
            "agent.yaml:3:3: logs.traces: unknown key");
  EXPECT_EQ(OnlyError("traces: {}\n"), "agent.yaml:1:1: traces: not supported yet");
  EXPECT_EQ(OnlyError("metrics:\n  configs:\n    - name: a\n      scrape_configs:\n"
                      "        - job_name: x\n          kubernetes_sd_configs: [{role: pod}]\n"),
            "agent.yaml:6:11: metrics.configs[0].scrape_configs[0].kubernetes_sd_configs: not "
            "supported yet");
  EXPECT_TRUE(MustLoad("metrics:\n  configs:\n    - name: a\n      host_filter: true\n")
                  .metrics.configs.at(0)
                  .host_filter);
  Config c = MustLoad("metrics:\n  configs:\n    - name: a\n      scrape_configs:\n"
                      "      host_filter: false\n");
  EXPECT_EQ(c.metrics.configs.at(0).name, "a");
}

TEST(LoaderTest, NoWalDirectory) {
  EXPECT_EQ(OnlyError("metrics:\n  wal_directory: ''\n  configs: [{name: a}]\n"),
            "agent.yaml:2:3: metrics.wal_directory: no wal_directory configured");
  EXPECT_EQ(OnlyError("metrics:\n  wal_directory: ''\nintegrations:\n  agent: {enabled: true}\n"),
            "agent.yaml:2:3: metrics.wal_directory: no wal_directory configured");
  MustLoad("metrics:\n  wal_directory: ''\nintegrations:\n  agent: {enabled: false}\n");
}

TEST(LoaderTest, Defaults) {
  LoadResult r = LoadText("");
  ASSERT_TRUE(r.config.has_value());
  const Config& c = *r.config;
  EXPECT_EQ(c.server.log_level, "info");
  EXPECT_EQ(c.server.log_format, "logfmt");
  EXPECT_EQ(c.metrics.wal_directory, "data-agent/");
  EXPECT_EQ(c.metrics.wal_cleanup_age, absl::Hours(12));
  EXPECT_EQ(c.metrics.wal_cleanup_period, absl::Minutes(30));
  EXPECT_EQ(c.metrics.global.scrape_interval, absl::Minutes(1));
  EXPECT_EQ(c.metrics.global.scrape_timeout, absl::Seconds(10));
  EXPECT_TRUE(c.integrations.scrape_integrations);
  EXPECT_EQ(c.integrations.integration_restart_backoff, absl::Seconds(5));
  EXPECT_EQ(c.source_file, "agent.yaml");
  Config i = MustLoad("metrics:\n  configs: [{name: x}]\n");
  EXPECT_EQ(i.metrics.configs[0].wal_truncate_frequency, absl::Minutes(60));
  EXPECT_EQ(i.metrics.configs[0].min_wal_time, absl::Minutes(5));
  EXPECT_EQ(i.metrics.configs[0].max_wal_time, absl::Hours(4));
  EXPECT_EQ(i.metrics.configs[0].remote_flush_deadline, absl::Minutes(1));
}

TEST(LoaderTest, EnvExpansion) {
  const std::string text =
      "metrics:\n  wal_directory: ${DIR:-/var/lib/outpost}\n"
      "  global:\n    external_labels: {env: '${ENV}', none: '${UNDEFINED}'}\n"
      "integrations:\n  agent:\n    relabel_configs:\n"
      "      - {source_labels: [a], regex: '(.*)', target_label: b, replacement: '${1}'}\n";
  LoadResult r = LoadText(text, /*expand_env=*/true, {{"ENV", "prod"}});
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_EQ(r.config->metrics.wal_directory, "/var/lib/outpost");
  EXPECT_EQ(r.config->metrics.global.external_labels.at("env"), "prod");
  EXPECT_EQ(r.config->metrics.global.external_labels.at("none"), "");
  EXPECT_EQ(r.config->integrations.integrations.at(0).common.relabel_configs.at(0).replacement,
            "${1}");
  // Without expand_env the text is taken literally.
  r = LoadText(text, /*expand_env=*/false, {{"ENV", "prod"}});
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_EQ(r.config->metrics.wal_directory, "${DIR:-/var/lib/outpost}");
  // Expansion happens before parsing: it may complete the YAML.
  r = LoadText("metrics:\n  configs: [${CFG}]\n", true, {{"CFG", "{name: a}"}});
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_EQ(r.config->metrics.configs.at(0).name, "a");
  r = LoadText("metrics:\n  wal_directory: ${DIR\n", true);
  EXPECT_THAT(r.errors.errors,
              ElementsAre("agent.yaml:2:18: missing closing brace (unable to substitute config "
                          "with environment variables)"));
}

TEST(LoaderTest, SecretsNeverInErrors) {
  const std::string pw = "hunter2-SECRET";
  LoadResult r = LoadText("metrics:\n  global:\n    remote_write:\n"
                          "      - url: 'https://user:" + pw + "@host/ push'\n"
                          "        basic_auth: {password: [" + pw + "]}\n"
                          "        bearer_token: {x: " + pw + "}\n");
  ASSERT_EQ(r.errors.errors.size(), 3u) << ::testing::PrintToString(r.errors.errors);
  for (const std::string& e : r.errors.errors) EXPECT_THAT(e, Not(HasSubstr(pw)));
}

TEST(LoaderTest, ConfigHashIsSha256OfRawText) {
  LoadResult r = LoadText("");
  EXPECT_EQ(r.hash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // Hashed before expansion, as Grafana Agent does.
  LoadResult a = LoadText("metrics: {wal_directory: '${D}'}\n", true, {{"D", "1"}});
  LoadResult b = LoadText("metrics: {wal_directory: '${D}'}\n", true, {{"D", "2"}});
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.hash, ConfigHash("metrics: {wal_directory: '${D}'}\n"));
}

TEST(DumpTest, MasksSecretsAndRoundTrips) {
  const std::string text =
      "server: {log_level: debug, log_format: json}\n"
      "metrics:\n"
      "  wal_directory: /var/lib/outpost\n"
      "  wal_cleanup_period: 0s\n"
      "  global:\n"
      "    scrape_interval: 90s\n"
      "    external_labels: {cluster: 'yes', n: '123'}\n"
      "    remote_write:\n"
      "      - url: https://prom.example/api/v1/push\n"
      "        basic_auth: {username: u, password: topsecret}\n"
      "        headers: {X-Scope-OrgID: tenant}\n"
      "        write_relabel_configs:\n"
      "          - {source_labels: [__name__], regex: 'up|node_.*', action: keep}\n"
      "        queue_config: {batch_send_deadline: 1m30s, sample_age_limit: 1h}\n"
      "  configs:\n"
      "    - name: default\n"
      "      max_wal_time: 1d\n"
      "      remote_write:\n"
      "        - url: http://localhost:9009/push\n"
      "          authorization: {credentials: tok}\n"
      "          bearer_token_file: ''\n"
      "integrations:\n"
      "  labels: {team: infra}\n"
      "  agent:\n"
      "    enabled: true\n"
      "    scrape_timeout: 5s\n"
      "    metric_relabel_configs:\n"
      "      - {regex: 'tmp_.*', action: labeldrop}\n";
  Config c = MustLoad(text);
  std::string dump = Dump(c, integrations::Builtin());
  EXPECT_THAT(dump, Not(HasSubstr("topsecret")));
  EXPECT_THAT(dump, Not(HasSubstr("tok\"")));
  EXPECT_THAT(dump, HasSubstr("password: \"<secret>\""));
  EXPECT_THAT(dump, HasSubstr("credentials: \"<secret>\""));
  EXPECT_THAT(dump, HasSubstr("scrape_interval: 1m30s"));
  EXPECT_THAT(dump, HasSubstr("max_wal_time: 1d"));
  EXPECT_THAT(dump, HasSubstr("wal_cleanup_age: 12h"));  // defaults are written
  EXPECT_THAT(dump, HasSubstr("capacity: 10000"));

  LoadResult again = LoadText(dump);
  ASSERT_THAT(again.errors.errors, IsEmpty()) << dump;
  const Config& d = *again.config;
  EXPECT_EQ(Dump(d, integrations::Builtin()), dump);
  EXPECT_EQ(d.server.log_format, "json");
  EXPECT_EQ(d.metrics.wal_cleanup_period, absl::ZeroDuration());
  EXPECT_EQ(d.metrics.global.external_labels, c.metrics.global.external_labels);
  EXPECT_EQ(d.metrics.global.remote_write.at(0).name, c.metrics.global.remote_write.at(0).name);
  EXPECT_EQ(d.metrics.global.remote_write.at(0).basic_auth->password.reveal(), "<secret>");
  EXPECT_EQ(d.metrics.global.remote_write.at(0).queue_config.batch_send_deadline,
            absl::Seconds(90));
  EXPECT_EQ(d.metrics.configs.at(0).remote_write.at(0).name,
            c.metrics.configs.at(0).remote_write.at(0).name);
  EXPECT_EQ(d.integrations.integrations.at(0).common.metric_relabel_configs.at(0).action,
            relabel::Action::kLabelDrop);
  EXPECT_EQ(d.integrations.labels, c.integrations.labels);
}

}  // namespace
}  // namespace outpost::config
