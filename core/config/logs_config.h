// The `logs:` block of Grafana Agent static mode (its embedded Promtail), as
// plain data. Keys and defaults: grafana/agent v0.44 static/logs/{config,
// global}.go, and the Promtail types they embed (loki clients/pkg/promtail
// client/config.go, positions/positions.go, scrapeconfig/scrapeconfig.go,
// targets/file/, limit/config.go); ../shared/reference/logs.md §1-§5.
#ifndef OUTPOST_CORE_CONFIG_LOGS_CONFIG_H_
#define OUTPOST_CORE_CONFIG_LOGS_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "core/config/http_config.h"
#include "core/relabel/relabel.h"
#include "yaml-cpp/yaml.h"

namespace outpost::config {

// One `clients[]` entry (Promtail client.Config).
struct LokiClientConfig {
  // The HTTP side, read with the keys Promtail inlines from Prometheus'
  // HTTPClientConfig plus url, name and headers, into the struct remote
  // write uses, so that one HTTP client (core/http) serves both: url, name
  // (derived from the config hash when empty), headers, basic_auth,
  // authorization, bearer_token(_file), oauth2, tls_config, proxy_url,
  // follow_redirects; `timeout` (10s) is stored in remote_timeout. Its
  // queue_config, metadata_config, sigv4 and write_relabel_configs are not
  // Loki keys and stay at their defaults.
  RemoteWriteConfig http;
  std::string tenant_id;                    // X-Scope-OrgID when set
  absl::Duration batchwait = absl::Seconds(1);
  uint64_t batchsize = 1 << 20;  // bytes of lines (labels not counted)
  absl::Duration min_backoff = absl::Milliseconds(500);  // backoff_config.min_period
  absl::Duration max_backoff = absl::Minutes(5);         // backoff_config.max_period
  int max_retries = 10;                                  // backoff_config.max_retries
  std::map<std::string, std::string> external_labels;   // under the entry's labels
  bool drop_rate_limited_batches = false;
};

// One `pipeline_stages` item: a map with exactly one key, the stage name.
// The body is kept as YAML: each stage parses its own body (leniently, as
// Promtail's mapstructure.Decode does): logs/stages builds and checks them
// (LoadOptions::check_pipeline at load).
struct PipelineStage {
  std::string name;  // "regex", "json", ...
  YAML::Node body;
  std::string where;  // "file:line:col: logs.configs[0].scrape_configs[1].pipeline_stages[2]"
  std::string file;   // the config file (for messages about the body's keys)
  std::string path;   // "logs.configs[0].scrape_configs[1].pipeline_stages[2]"
};

// A `static_configs` entry of a logs scrape config: `targets` (default
// ["localhost"], the __address__) and labels incl. __path__ (doublestar glob,
// may be relative: resolved against the working directory) and
// __path_exclude__.
struct LogsStaticConfig {
  std::vector<std::string> targets;
  std::map<std::string, std::string> labels;
};

// A `journal` block (Promtail scrapeconfig.JournalTargetConfig; reader:
// logs/journal_target.h).
struct LogsJournalConfig {
  bool json = false;  // the line is every field as a JSON object, not MESSAGE
  absl::Duration max_age = absl::Hours(7);  // a Go duration string in the file
  std::string path;  // empty: the system journal (/var/log/journal, /run/log/journal)
  // `matches` ("FIELD=value FIELD=value", AND only), parsed.
  std::vector<std::pair<std::string, std::string>> matches;
  std::map<std::string, std::string> labels;
};

// The items of a list of stages (a scrape config's pipeline_stages, a match
// stage's `stages`) at key path `path`: each a map with exactly one key, a
// known stage name (Promtail stages/pipeline.go NewPipeline, stage.go New),
// else an error at "<path>[i]"; the bodies are kept as they are.
struct Errors;
void ReadPipelineStages(const YAML::Node& list, const std::string& path, Errors* errors,
                        std::vector<PipelineStage>* out);

struct LogsScrapeConfig {
  std::string job_name;  // required
  std::vector<PipelineStage> pipeline_stages;
  std::vector<relabel::Config> relabel_configs;
  // The file target: set when static_configs is (Promtail's dispatch,
  // targets/manager.go: inlined discovery makes a file job, whatever else
  // the scrape config has).
  std::vector<LogsStaticConfig> static_configs;
  // The journal target: set only when static_configs is empty.
  std::optional<LogsJournalConfig> journal;
  // windows_events on Linux: accepted, warned about, and idle, as Promtail's
  // Linux build does (targets/windows/targetmanager.go).
  bool idle = false;
};

struct PositionsConfig {
  // Default (set by Load for an instance with clients):
  // <positions_directory>/<name>.yml; unique across instances.
  std::string filename;
  absl::Duration sync_period = absl::Seconds(10);
  bool ignore_invalid_yaml = false;
};

// limits_config (Promtail limit.Config). Grafana Agent registers no flag
// defaults for it, so everything starts at zero/false (reference §1).
struct LogsLimitsConfig {
  double readline_rate = 0;  // lines/s over the instance; 0: off
  int readline_burst = 0;
  // Promtail's switch for the readline limiter (limit.Config
  // ReadlineRateEnabled): the rate applies only when true.
  bool readline_rate_enabled = false;
  bool readline_rate_drop = false;  // false: wait (back-pressure)
  int max_streams = 0;              // per batch; 0: unlimited
  // Bytes; 0 (unset): outpost's cap of 256 KiB (Loki's default
  // max_line_size) applies at read, so memory stays bounded.
  uint64_t max_line_size = 0;
  bool max_line_size_truncate = false;  // false: drop the line
};

struct LogsInstanceConfig {
  std::string name;  // required, unique
  // When the file gives none, Load copies logs.global.clients here; still
  // empty: the instance does not run (Load warned "skipping ...").
  std::vector<LokiClientConfig> clients;
  PositionsConfig positions;
  std::vector<LogsScrapeConfig> scrape_configs;
  absl::Duration target_sync_period = absl::Seconds(10);  // target_config.sync_period
  LogsLimitsConfig limits_config;
};

struct LogsConfig {
  bool present = false;  // a logs: (or legacy loki:) block was given
  std::string positions_directory;
  std::vector<LokiClientConfig> global_clients;
  absl::Duration min_poll_frequency = absl::Milliseconds(250);
  absl::Duration max_poll_frequency = absl::Milliseconds(250);
  std::vector<LogsInstanceConfig> configs;
};

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_LOGS_CONFIG_H_
