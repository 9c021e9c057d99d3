// The `logs:` block (legacy `loki:`): every key, the defaults Grafana Agent
// and Promtail apply, each load error with its position and key path, and
// the dump (secrets masked) and summary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/dump.h"
#include "core/config/loader.h"
#include "integrations/registry.h"
#include "tests/core/config/load_text.h"

namespace outpost::config {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// One instance "a" with one client and one file job; `instance` and `job`
// are appended to the instance's and the job's map (6 and 8 spaces).
std::string Logs(const std::string& instance = "", const std::string& job = "",
                 const std::string& top = "") {
  return "logs:\n  positions_directory: /var/lib/outpost/pos\n" + top +
         "  configs:\n"
         "    - name: a\n"
         "      clients:\n"
         "        - url: https://logs.example/loki/api/v1/push\n" +
         instance +
         "      scrape_configs:\n"
         "        - job_name: varlogs\n"
         "          static_configs:\n"
         "            - labels: {__path__: /var/log/*.log}\n" +
         job;
}

TEST(LogsLoaderTest, EveryKeyIsRead) {
  LoadResult r = LoadText(
      "logs:\n"
      "  positions_directory: /pos\n"
      "  global:\n"
      "    clients:\n"
      "      - url: http://global.example/loki/api/v1/push\n"
      "    file_watch_config:\n"
      "      min_poll_frequency: 100ms\n"
      "      max_poll_frequency: 2s\n"
      "  configs:\n"
      "    - name: full\n"
      "      clients:\n"
      "        - url: https://logs.example/loki/api/v1/push\n"
      "          name: main\n"
      "          tenant_id: t1\n"
      "          batchwait: 2s\n"
      "          batchsize: 512KB\n"
      "          timeout: 30s\n"
      "          backoff_config: {min_period: 1s, max_period: 1m, max_retries: 3}\n"
      "          external_labels: {host: h1}\n"
      "          headers: {X-Extra: v}\n"
      "          basic_auth: {username: u, password: pw}\n"
      "          tls_config: {insecure_skip_verify: true, server_name: loki}\n"
      "          proxy_url: http://proxy:3128\n"
      "          follow_redirects: false\n"
      "          drop_rate_limited_batches: true\n"
      "      positions:\n"
      "        filename: /tmp/full.yml\n"
      "        sync_period: 5s\n"
      "        ignore_invalid_yaml: true\n"
      "      target_config: {sync_period: 20s}\n"
      "      limits_config:\n"
      "        readline_rate: 100.5\n"
      "        readline_burst: 200\n"
      "        readline_rate_enabled: true\n"
      "        readline_rate_drop: true\n"
      "        max_streams: 7\n"
      "        max_line_size: 1MiB\n"
      "        max_line_size_truncate: true\n"
      "      scrape_configs:\n"
      "        - job_name: app\n"
      "          relabel_configs:\n"
      "            - {source_labels: [__path__], target_label: path}\n"
      "          static_configs:\n"
      "            - targets: [host1]\n"
      "              labels: {__path__: '/var/log/{syslog,*.log}', __path_exclude__: '**/*.gz', "
      "job: app}\n");
  ASSERT_THAT(r.errors.errors, IsEmpty());
  const LogsConfig& l = r.config->logs;
  EXPECT_TRUE(l.present);
  EXPECT_EQ(l.positions_directory, "/pos");
  ASSERT_THAT(l.global_clients, SizeIs(1));
  EXPECT_EQ(l.global_clients[0].http.url, "http://global.example/loki/api/v1/push");
  EXPECT_EQ(l.min_poll_frequency, absl::Milliseconds(100));
  EXPECT_EQ(l.max_poll_frequency, absl::Seconds(2));
  ASSERT_THAT(l.configs, SizeIs(1));
  const LogsInstanceConfig& c = l.configs[0];
  EXPECT_EQ(c.name, "full");
  ASSERT_THAT(c.clients, SizeIs(1));  // its own, not the global one
  const LokiClientConfig& cl = c.clients[0];
  EXPECT_EQ(cl.http.name, "main");
  EXPECT_EQ(cl.tenant_id, "t1");
  EXPECT_EQ(cl.batchwait, absl::Seconds(2));
  EXPECT_EQ(cl.batchsize, 512u << 10);
  EXPECT_EQ(cl.http.remote_timeout, absl::Seconds(30));
  EXPECT_EQ(cl.min_backoff, absl::Seconds(1));
  EXPECT_EQ(cl.max_backoff, absl::Minutes(1));
  EXPECT_EQ(cl.max_retries, 3);
  EXPECT_EQ(cl.external_labels.at("host"), "h1");
  EXPECT_EQ(cl.http.headers.at("X-Extra"), "v");
  ASSERT_TRUE(cl.http.basic_auth.has_value());
  EXPECT_EQ(cl.http.basic_auth->password.reveal(), "pw");
  EXPECT_TRUE(cl.http.tls_config.insecure_skip_verify);
  EXPECT_EQ(cl.http.tls_config.server_name, "loki");
  EXPECT_EQ(cl.http.proxy_url, "http://proxy:3128");
  EXPECT_FALSE(cl.http.follow_redirects);
  EXPECT_TRUE(cl.drop_rate_limited_batches);
  EXPECT_EQ(c.positions.filename, "/tmp/full.yml");
  EXPECT_EQ(c.positions.sync_period, absl::Seconds(5));
  EXPECT_TRUE(c.positions.ignore_invalid_yaml);
  EXPECT_EQ(c.target_sync_period, absl::Seconds(20));
  EXPECT_DOUBLE_EQ(c.limits_config.readline_rate, 100.5);
  EXPECT_EQ(c.limits_config.readline_burst, 200);
  EXPECT_TRUE(c.limits_config.readline_rate_enabled);
  EXPECT_TRUE(c.limits_config.readline_rate_drop);
  EXPECT_EQ(c.limits_config.max_streams, 7);
  EXPECT_EQ(c.limits_config.max_line_size, 1u << 20);
  EXPECT_TRUE(c.limits_config.max_line_size_truncate);
  ASSERT_THAT(c.scrape_configs, SizeIs(1));
  const LogsScrapeConfig& sc = c.scrape_configs[0];
  EXPECT_EQ(sc.job_name, "app");
  EXPECT_THAT(sc.relabel_configs, SizeIs(1));
  ASSERT_THAT(sc.static_configs, SizeIs(1));
  EXPECT_THAT(sc.static_configs[0].targets, ElementsAre("host1"));
  EXPECT_EQ(sc.static_configs[0].labels.at("__path__"), "/var/log/{syslog,*.log}");
  EXPECT_EQ(sc.static_configs[0].labels.at("__path_exclude__"), "**/*.gz");
  EXPECT_FALSE(sc.idle);
}

TEST(LogsLoaderTest, Defaults) {
  LoadResult r = LoadText(Logs());
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_THAT(r.errors.warnings, IsEmpty());
  const LogsConfig& l = r.config->logs;
  EXPECT_EQ(l.min_poll_frequency, absl::Milliseconds(250));
  EXPECT_EQ(l.max_poll_frequency, absl::Milliseconds(250));
  const LogsInstanceConfig& c = l.configs.at(0);
  // Grafana Agent: <positions_directory>/<name>.yml.
  EXPECT_EQ(c.positions.filename, "/var/lib/outpost/pos/a.yml");
  EXPECT_EQ(c.positions.sync_period, absl::Seconds(10));
  EXPECT_FALSE(c.positions.ignore_invalid_yaml);
  EXPECT_EQ(c.target_sync_period, absl::Seconds(10));
  EXPECT_EQ(c.limits_config.readline_rate, 0);
  EXPECT_EQ(c.limits_config.max_line_size, 0u);
  const LokiClientConfig& cl = c.clients.at(0);
  EXPECT_EQ(cl.batchwait, absl::Seconds(1));
  EXPECT_EQ(cl.batchsize, 1u << 20);
  EXPECT_EQ(cl.http.remote_timeout, absl::Seconds(10));
  EXPECT_EQ(cl.min_backoff, absl::Milliseconds(500));
  EXPECT_EQ(cl.max_backoff, absl::Minutes(5));
  EXPECT_EQ(cl.max_retries, 10);
  EXPECT_FALSE(cl.drop_rate_limited_batches);
  // Named by the hash of its config, as Promtail; stable across loads.
  EXPECT_THAT(cl.http.name, ::testing::MatchesRegex("[0-9a-f]{6}"));
  EXPECT_EQ(LoadText(Logs()).config->logs.configs[0].clients[0].http.name, cl.http.name);
  EXPECT_THAT(c.scrape_configs.at(0).static_configs.at(0).targets, ElementsAre("localhost"));
  // No logs block: not present.
  EXPECT_FALSE(LoadText("server: {log_level: info}\n").config->logs.present);
}

TEST(LogsLoaderTest, LegacyLokiIsMigratedWithAWarning) {
  std::string text = Logs();
  text.replace(0, 4, "loki");
  LoadResult r = LoadText(text);
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_THAT(r.errors.warnings,
              ElementsAre("agent.yaml:1:1: loki: `loki` has been deprecated in favor of `logs`"));
  EXPECT_EQ(r.config->logs.configs.at(0).name, "a");
  EXPECT_EQ(OnlyError(Logs() + "loki:\n  configs: []\n"),
            "agent.yaml:11:1: loki: at most one of loki and logs should be specified");
}

TEST(LogsLoaderTest, GlobalClientsAndInstancesWithoutClients) {
  LoadResult r = LoadText(
      "logs:\n"
      "  positions_directory: /pos\n"
      "  global:\n"
      "    clients: [{url: 'https://g.example/loki/api/v1/push'}]\n"
      "  configs:\n"
      "    - name: uses-global\n"
      "      scrape_configs: [{job_name: j, static_configs: [{labels: {__path__: /x}}]}]\n");
  ASSERT_THAT(r.errors.errors, IsEmpty());
  const LogsInstanceConfig& c = r.config->logs.configs.at(0);
  ASSERT_THAT(c.clients, SizeIs(1));
  EXPECT_EQ(c.clients[0].http.url, "https://g.example/loki/api/v1/push");
  EXPECT_EQ(c.positions.filename, "/pos/uses-global.yml");

  // No clients anywhere: a warning, kept with no clients (it does not run),
  // and no positions_directory needed.
  r = LoadText("logs:\n  configs:\n    - name: idle\n"
               "      scrape_configs: [{job_name: j, static_configs: [{labels: {}}]}]\n");
  ASSERT_THAT(r.errors.errors, IsEmpty());
  ASSERT_THAT(r.errors.warnings, SizeIs(1));
  EXPECT_THAT(r.errors.warnings[0], HasSubstr("agent.yaml:3:7: logs.configs[0]: skipping"));
  EXPECT_THAT(r.errors.warnings[0], HasSubstr("no client_configs"));
  EXPECT_THAT(r.config->logs.configs.at(0).clients, IsEmpty());
  EXPECT_THAT(Summary(*r.config), HasSubstr("#   logs instances: idle (not started: no clients)"));
}

TEST(LogsLoaderTest, InstanceErrors) {
  EXPECT_EQ(OnlyError("logs:\n  configs:\n    - clients: [{url: 'http://l/p'}]\n"
                      "      positions: {filename: /p.yml}\n"),
            "agent.yaml:3:7: logs.configs[0]: Loki config index 0 must have a name");
  EXPECT_EQ(OnlyError("logs:\n  configs:\n"
                      "    - {name: x, clients: [{url: 'http://l/p'}], positions: {filename: /1}}\n"
                      "    - {name: x, clients: [{url: 'http://l/p'}], positions: {filename: /2}}\n"),
            "agent.yaml:4:8: logs.configs[1].name: found two Loki configs with name x");
  EXPECT_EQ(OnlyError("logs:\n  configs:\n    - name: x\n      clients: [{url: 'http://l/p'}]\n"),
            "agent.yaml:3:7: logs.configs[0]: cannot generate Loki positions file path for x "
            "because positions_directory is not configured");
  EXPECT_THAT(OnlyError("logs:\n  configs:\n"
                        "    - {name: x, clients: [{url: 'http://l/p'}], positions: {filename: /1}}\n"
                        "    - {name: y, clients: [{url: 'http://l/p'}], positions: {filename: /1}}\n"),
              HasSubstr("agent.yaml:4:49: logs.configs[1].positions: Loki configs x and y must "
                        "have different positions file paths"));
  EXPECT_EQ(OnlyError(Logs("", "", "  global:\n    file_watch_config: {min_poll_frequency: 2s, "
                                   "max_poll_frequency: 1s}\n")),
            "agent.yaml:4:25: logs.global.file_watch_config.min_poll_frequency: must not be "
            "greater than max_poll_frequency");
  EXPECT_EQ(OnlyError(Logs("", "", "  global:\n    file_watch_config: {min_poll_frequency: 0s}\n")),
            "agent.yaml:4:45: logs.global.file_watch_config.min_poll_frequency: duration must be "
            "greater than 0");
  EXPECT_EQ(OnlyError(Logs("      target_config: {stdin: true}\n")),
            "agent.yaml:7:23: logs.configs[0].target_config.stdin: not supported yet");
  EXPECT_EQ(OnlyError(Logs("      positions: {filenme: x}\n")),
            "agent.yaml:7:19: logs.configs[0].positions.filenme: unknown key");
  EXPECT_EQ(OnlyError(Logs("      limits_config: {max_line_size: 5XB}\n")),
            "agent.yaml:7:38: logs.configs[0].limits_config.max_line_size: invalid byte size "
            "\"5XB\"");
}

TEST(LogsLoaderTest, ClientErrors) {
  auto client = [](const std::string& keys) {
    return "logs:\n  positions_directory: /p\n  configs:\n    - name: a\n      clients:\n" + keys;
  };
  EXPECT_EQ(OnlyError(client("        - {tenant_id: t}\n")),
            "agent.yaml:6:11: logs.configs[0].clients[0]: client needs target URL");
  EXPECT_EQ(OnlyError(client("        - {url: 'ftp://x/y'}\n")),
            "agent.yaml:6:17: logs.configs[0].clients[0].url: invalid URL: must be an absolute "
            "http or https URL");
  EXPECT_EQ(OnlyError(client("        - {url: 'http://l/p', headers: {x-scope-orgid: t}}\n")),
            "agent.yaml:6:31: logs.configs[0].clients[0].headers: \"x-scope-orgid\" is a reserved "
            "header; it must not be changed");
  EXPECT_EQ(OnlyError(client("        - {url: 'http://l/p', sigv4: {region: r}}\n")),
            "agent.yaml:6:31: logs.configs[0].clients[0].sigv4: unknown key");
  EXPECT_EQ(OnlyError(client("        - {url: 'http://l/p', basic_auth: {username: u}, "
                             "bearer_token: t}\n")),
            "agent.yaml:6:11: logs.configs[0].clients[0]: at most one of basic_auth, "
            "authorization and bearer_token/bearer_token_file must be configured");
  // Identical clients get the same derived name; explicit names collide too.
  EXPECT_EQ(OnlyError(client("        - {url: 'http://l/p'}\n        - {url: 'http://l/p'}\n")),
            "agent.yaml:7:11: logs.configs[0].clients[1]: duplicate client configs are not "
            "allowed, found duplicate for name: " +
                LoadText(client("        - {url: 'http://l/p'}\n"))
                    .config->logs.configs[0]
                    .clients[0]
                    .http.name);
  EXPECT_EQ(OnlyError(client("        - {url: 'http://l/p', name: n}\n"
                             "        - {url: 'http://m/p', name: n}\n")),
            "agent.yaml:7:31: logs.configs[0].clients[1].name: duplicate client configs are not "
            "allowed, found duplicate for name: n");
  EXPECT_EQ(OnlyError(client("        - {url: 'http://l/p', backoff_config: {min_period: 2m, "
                             "max_period: 1m}}\n")),
            "agent.yaml:6:48: logs.configs[0].clients[0].backoff_config.min_period: must not be "
            "greater than max_period");
}

TEST(LogsLoaderTest, ScrapeConfigErrors) {
  EXPECT_EQ(OnlyError(Logs("", "        - static_configs: [{labels: {__path__: /a}}]\n")),
            "agent.yaml:11:11: logs.configs[0].scrape_configs[1]: job_name is empty");
  EXPECT_EQ(OnlyError(Logs("", "        - {job_name: varlogs, static_configs: [{}]}\n")),
            "agent.yaml:11:12: logs.configs[0].scrape_configs[1].job_name: found multiple scrape "
            "configs with job name \"varlogs\"");
  EXPECT_EQ(OnlyError(Logs("", "        - {job_name: none, relabel_configs: []}\n")),
            "agent.yaml:11:11: logs.configs[0].scrape_configs[1]: no valid target scrape config "
            "defined for \"none\"");
  EXPECT_EQ(OnlyError(Logs("", "          encoding: UTF-16\n")),
            "agent.yaml:11:11: logs.configs[0].scrape_configs[0].encoding: not supported yet");
  // Target kinds not built yet, by name (and they count as a target).
  for (std::string kind : {"syslog", "docker_sd_configs", "kubernetes_sd_configs",
                           "file_sd_configs", "loki_push_api", "kafka", "gelf"}) {
    EXPECT_EQ(OnlyError(Logs("", "        - {job_name: j, " + kind + ": {}}\n")),
              "agent.yaml:11:25: logs.configs[0].scrape_configs[1]." + kind +
                  ": not supported yet");
  }
  EXPECT_EQ(OnlyError(Logs("", "        - {job_name: g, static_configs: [{labels: {__path__: '/a/[b'}}]}\n")),
            "agent.yaml:11:62: logs.configs[0].scrape_configs[1].static_configs[0].labels."
            "__path__: invalid glob pattern \"/a/[b\": unclosed [");
  EXPECT_THAT(OnlyError(Logs("", "        - {job_name: g, static_configs: [{labels: {__path_exclude__: "
                                 "'/a/{b,c'}}]}\n")),
              HasSubstr("labels.__path_exclude__: invalid glob pattern \"/a/{b,c\": unclosed {"));
  EXPECT_THAT(OnlyError(Logs("", "        - {job_name: g, static_configs: [{labels: {bad-name: x}}]}\n")),
              HasSubstr("\"bad-name\" is not a valid label name"));
  // A target without __path__ is not a load error (dropped at runtime).
  EXPECT_THAT(LoadText(Logs("", "        - {job_name: g, static_configs: [{labels: {job: x}}]}\n")).errors.errors,
              IsEmpty());
}

TEST(LogsLoaderTest, PipelineStages) {
  EXPECT_EQ(OnlyError(Logs("", "          pipeline_stages:\n            - regex: {expression: x}\n"
                               "              json: {}\n")),
            "agent.yaml:12:15: logs.configs[0].scrape_configs[0].pipeline_stages[0]: pipeline "
            "stage must contain only one key");
  EXPECT_EQ(OnlyError(Logs("", "          pipeline_stages:\n            - regexp: {}\n")),
            "agent.yaml:12:15: logs.configs[0].scrape_configs[0].pipeline_stages[0]: Unknown "
            "stage type: regexp");
  // Every Promtail stage name is known, and rejected by name until built.
  for (std::string stage :
       {"docker", "cri", "regex", "json", "logfmt", "replace", "multiline", "template", "pack",
        "timestamp", "output", "labels", "structured_metadata", "non_indexed_labels",
        "static_labels", "labeldrop", "labelallow", "metrics", "tenant", "match", "drop", "limit",
        "sampling", "decolorize", "geoip", "eventlogmessage"}) {
    EXPECT_EQ(OnlyError(Logs("", "          pipeline_stages:\n            - " + stage +
                                     ": {unknown_keys_are: lenient}\n")),
              "agent.yaml:12:15: logs.configs[0].scrape_configs[0].pipeline_stages[0]: not "
              "supported yet: stage `" + stage + "` (job varlogs)");
  }
}

TEST(LogsLoaderTest, WindowsEventsIdlesWithAWarning) {
  LoadResult r = LoadText(Logs("", "        - job_name: win\n"
                                   "          windows_events: {eventlog_name: Application}\n"));
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_THAT(r.errors.warnings,
              ElementsAre("agent.yaml:12:11: logs.configs[0].scrape_configs[1].windows_events: "
                          "windows_events target is not supported on Linux; job win does "
                          "nothing"));
  EXPECT_TRUE(r.config->logs.configs[0].scrape_configs[1].idle);
  EXPECT_THAT(Summary(*r.config),
              HasSubstr("#   logs instances: a (jobs varlogs, win (idle: windows_events); "
                        "1 client)"));
  EXPECT_THAT(OnlyError(Logs("", "        - {job_name: win, windows_events: [x]}\n")),
              HasSubstr("windows_events: expected a map, got a list"));
}

TEST(LogsLoaderTest, JournalJob) {
  LoadResult r = LoadText(Logs("", "        - job_name: sys\n"
                                   "          journal:\n"
                                   "            json: true\n"
                                   "            max_age: 12h30m\n"
                                   "            path: /var/log/journal\n"
                                   "            matches: \"_SYSTEMD_UNIT=ssh.service  PRIORITY=3 \"\n"
                                   "            labels: {job: systemd-journal}\n"
                                   "          relabel_configs:\n"
                                   "            - source_labels: [__journal__systemd_unit]\n"
                                   "              target_label: unit\n"
                                   "        - {job_name: defaults, journal: {}}\n"));
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_THAT(r.errors.warnings, IsEmpty());
  const LogsScrapeConfig& sc = r.config->logs.configs[0].scrape_configs[1];
  ASSERT_TRUE(sc.journal.has_value());
  EXPECT_TRUE(sc.static_configs.empty());
  EXPECT_TRUE(sc.journal->json);
  EXPECT_EQ(sc.journal->max_age, absl::Hours(12) + absl::Minutes(30));
  EXPECT_EQ(sc.journal->path, "/var/log/journal");
  EXPECT_THAT(sc.journal->matches,
              ElementsAre(std::pair<std::string, std::string>{"_SYSTEMD_UNIT", "ssh.service"},
                          std::pair<std::string, std::string>{"PRIORITY", "3"}));
  EXPECT_EQ(sc.journal->labels, (std::map<std::string, std::string>{{"job", "systemd-journal"}}));
  EXPECT_THAT(sc.relabel_configs, SizeIs(1));
  // Promtail's defaults.
  const LogsJournalConfig& d = *r.config->logs.configs[0].scrape_configs[2].journal;
  EXPECT_FALSE(d.json);
  EXPECT_EQ(d.max_age, absl::Hours(7));
  EXPECT_EQ(d.path, "");
  EXPECT_THAT(d.matches, IsEmpty());
  EXPECT_FALSE(r.config->logs.configs[0].scrape_configs[0].journal.has_value());
  EXPECT_THAT(Summary(*r.config),
              HasSubstr("#   logs instances: a (jobs varlogs, sys (journal), defaults (journal); "
                        "1 client)"));
  // The dump shows the journal block and loads again as the same config.
  const std::string dump = Dump(*r.config, integrations::Builtin());
  EXPECT_THAT(dump, HasSubstr("          journal:\n            json: true\n            max_age: "
                              "\"12h30m\"\n            path: \"/var/log/journal\"\n"
                              "            matches: \"_SYSTEMD_UNIT=ssh.service PRIORITY=3\"\n"));
  LoadResult again = LoadText(dump);
  ASSERT_THAT(again.errors.errors, IsEmpty()) << dump;
  EXPECT_EQ(Dump(*again.config, integrations::Builtin()), dump);
}

TEST(LogsLoaderTest, JournalErrors) {
  auto journal = [](const std::string& body) {
    return OnlyError(Logs("", "        - job_name: j\n          journal:\n" + body));
  };
  // Strict: Promtail unmarshals the block with UnmarshalStrict.
  EXPECT_EQ(journal("            max_age: 1h\n            since: 1h\n"),
            "agent.yaml:14:13: logs.configs[0].scrape_configs[1].journal.since: unknown key");
  // max_age is a Go duration: no "d", no zero.
  EXPECT_EQ(journal("            max_age: 1d\n"),
            "agent.yaml:13:22: logs.configs[0].scrape_configs[1].journal.max_age: invalid "
            "duration \"1d\"");
  EXPECT_THAT(journal("            max_age: 5x\n"), HasSubstr("invalid duration \"5x\""));
  EXPECT_THAT(journal("            max_age: inf\n"), HasSubstr("invalid duration \"inf\""));
  EXPECT_THAT(journal("            max_age: 0s\n"),
              HasSubstr("journal.max_age: must be greater than 0, got \"0s\""));
  EXPECT_EQ(journal("            matches: A=1 + B=2\n"),
            "agent.yaml:13:22: logs.configs[0].scrape_configs[1].journal.matches: invalid match "
            "\"+\": \"+\" (OR) is not supported: all matches must hold");
  EXPECT_THAT(journal("            matches: A=1 NOEQ\n"),
              HasSubstr("journal.matches: invalid match \"NOEQ\": want FIELD=value"));
  EXPECT_THAT(journal("            matches: A=b=c\n"),
              HasSubstr("invalid match \"A=b=c\": want FIELD=value"));
  EXPECT_THAT(journal("            matches: unit=x\n"),
              HasSubstr("invalid match \"unit=x\": a field name has only A-Z, 0-9 and '_'"));
  EXPECT_THAT(journal("            matches: __CURSOR=x\n"),
              HasSubstr("invalid match \"__CURSOR=x\": a field name must not start with"));
  EXPECT_THAT(journal("            matches: =x\n"),
              HasSubstr("invalid match \"=x\": the field name is empty"));
  EXPECT_THAT(journal("            labels: {bad-name: x}\n"),
              HasSubstr("\"bad-name\" is not a valid label name"));
  EXPECT_THAT(journal("            json: maybe\n"), HasSubstr("journal.json:"));
  // A bare `journal:` is no target (a nil pointer in Promtail).
  EXPECT_THAT(journal(""), HasSubstr("no valid target scrape config defined for \"j\""));
}

TEST(LogsLoaderTest, JournalDispatchAsPromtail) {
  // static_configs make a file job (targets/manager.go): the journal block
  // is read (and checked) but ignored, with a warning.
  LoadResult r = LoadText(Logs("", "          journal: {max_age: 1h}\n"));
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_THAT(r.errors.warnings,
              ElementsAre("agent.yaml:11:11: logs.configs[0].scrape_configs[0].journal: "
                          "ignored: static_configs makes this job a file job"));
  EXPECT_FALSE(r.config->logs.configs[0].scrape_configs[0].journal.has_value());
  EXPECT_THAT(OnlyError(Logs("", "          journal: {max_age: 1x}\n")),
              HasSubstr("journal.max_age: invalid duration"));
  // journal comes before windows_events.
  r = LoadText(Logs("", "        - {job_name: j, journal: {}, windows_events: {}}\n"));
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_THAT(r.errors.warnings,
              ElementsAre(HasSubstr("windows_events: ignored: journal makes this job a "
                                    "journal job")));
  EXPECT_TRUE(r.config->logs.configs[0].scrape_configs[1].journal.has_value());
  EXPECT_FALSE(r.config->logs.configs[0].scrape_configs[1].idle);
}

TEST(LogsLoaderTest, DumpMasksSecretsAndReloads) {
  const std::string text = Logs("        - url: https://u:urlpass@l2.example/loki/api/v1/push\n"
                                "          basic_auth: {username: u, password: hunter2}\n"
                                "        - url: https://l3.example/loki/api/v1/push\n"
                                "          bearer_token: tok3n\n"
                                "          oauth2: null\n",
                                "          pipeline_stages: []\n"
                                "        - {job_name: w, windows_events: {}}\n");
  LoadResult r = LoadText(text);
  ASSERT_THAT(r.errors.errors, IsEmpty());
  const std::string dump = Dump(*r.config, integrations::Builtin());
  EXPECT_THAT(dump, Not(HasSubstr("hunter2")));
  EXPECT_THAT(dump, Not(HasSubstr("tok3n")));
  EXPECT_THAT(dump, Not(HasSubstr("urlpass")));
  EXPECT_THAT(dump, HasSubstr("password: \"<secret>\""));
  EXPECT_THAT(dump, HasSubstr("logs:\n  positions_directory: \"/var/lib/outpost/pos\""));
  // Loading the dump again gives the same dump.
  LoadResult again = LoadText(dump);
  ASSERT_THAT(again.errors.errors, IsEmpty()) << dump;
  EXPECT_EQ(Dump(*again.config, integrations::Builtin()), dump);
  EXPECT_THAT(Summary(*r.config), HasSubstr("#   logs instances: a (jobs varlogs, w (idle: "
                                            "windows_events); 3 clients)"));
}

}  // namespace
}  // namespace outpost::config
