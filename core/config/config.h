// The Grafana Agent static-mode configuration, as plain data.
//
// Loaded by config::Load (loader.h) with the agent's defaults applied and
// validated; printed back by config::Dump with secrets masked. Key names and
// defaults follow grafana/agent static/config, static/metrics/instance and
// static/integrations/config (see ../shared/reference/grafana-agent.md).
#ifndef OUTPOST_CORE_CONFIG_CONFIG_H_
#define OUTPOST_CORE_CONFIG_CONFIG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/config/http_config.h"
#include "core/config/logs_config.h"
#include "core/config/secret.h"
#include "core/relabel/relabel.h"

namespace outpost::config {

struct ServerConfig {
  std::string log_level = "info";    // debug|info|warn|error
  std::string log_format = "logfmt";  // logfmt|json
  // "host:port" from the pre-v0.24 keys http_listen_address (default all
  // interfaces) and http_listen_port (default 80); empty when neither is
  // set. The listen address unless -server.http.address is given.
  std::string legacy_http_address;
};

struct GlobalConfig {
  absl::Duration scrape_interval = absl::Minutes(1);
  absl::Duration scrape_timeout = absl::Seconds(10);
  std::map<std::string, std::string> external_labels;
  std::vector<RemoteWriteConfig> remote_write;
};

// A static_configs entry, or one target group read by file_sd.
struct TargetGroup {
  std::vector<std::string> targets;  // host:port
  std::map<std::string, std::string> labels;
  std::string source;  // where it came from, for messages
};

struct FileSdConfig {
  std::vector<std::string> files;  // paths or globs of .json/.yml/.yaml
  absl::Duration refresh_interval = absl::Minutes(5);
};

// http_sd_configs (Prometheus discovery/http): target groups in file_sd's
// JSON shape fetched from `url`.
struct HttpSdConfig {
  std::string url;
  absl::Duration refresh_interval = absl::Minutes(1);
  HttpClientConfig http;
};

// dns_sd_configs (Prometheus discovery/dns): SRV, A or AAAA lookups.
struct DnsSdConfig {
  std::vector<std::string> names;
  absl::Duration refresh_interval = absl::Seconds(30);
  std::string type = "SRV";  // SRV, A or AAAA (upper case)
  int port = 0;              // A/AAAA only (required there)
};

// One scrape_configs entry (Prometheus config.ScrapeConfig, 2.42 defaults).
struct ScrapeConfig {
  std::string job_name;
  absl::Duration scrape_interval = absl::Minutes(1);  // default: global
  absl::Duration scrape_timeout = absl::Seconds(10);  // default: global, <= interval
  std::string metrics_path = "/metrics";
  std::string scheme = "http";
  std::map<std::string, std::vector<std::string>> params;
  bool honor_labels = false;
  bool honor_timestamps = true;
  // Staleness markers also for series that carry their own timestamps
  // (Prometheus 2.48's option; off as there).
  bool track_timestamps_staleness = false;
  HttpClientConfig http;
  uint64_t body_size_limit = 0;  // bytes; 0: unlimited
  uint64_t sample_limit = 0, target_limit = 0, label_limit = 0;
  uint64_t label_name_length_limit = 0, label_value_length_limit = 0;
  std::vector<relabel::Config> relabel_configs;
  std::vector<relabel::Config> metric_relabel_configs;
  std::vector<TargetGroup> static_configs;
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<HttpSdConfig> http_sd_configs;
  std::vector<DnsSdConfig> dns_sd_configs;
};

struct InstanceConfig {
  std::string name;
  std::vector<ScrapeConfig> scrape_configs;
  // Empty: metrics.global.remote_write is used.
  std::vector<RemoteWriteConfig> remote_write;
  absl::Duration wal_truncate_frequency = absl::Minutes(60);
  absl::Duration min_wal_time = absl::Minutes(5);
  absl::Duration max_wal_time = absl::Hours(4);
  // Outpost-only (not in Grafana Agent): the WAL directory's size limit in
  // bytes (a MapReader::Bytes size such as "2GiB"); past it the oldest
  // segments are truncated even if remote write has not sent them
  // (agent_wal_samples_dropped_total{reason="max_wal_size"}). 0: unlimited.
  uint64_t max_wal_size = 0;
  absl::Duration remote_flush_deadline = absl::Minutes(1);
  bool write_stale_on_shutdown = false;
  // Keep only targets on this host (scrape/host_filter.h); the relabel
  // rules run on a copy of the target's labels before the check.
  bool host_filter = false;
  std::vector<relabel::Config> host_filter_relabel_configs;
};

struct MetricsConfig {
  std::string wal_directory = "data-agent/";
  absl::Duration wal_cleanup_age = absl::Hours(12);
  absl::Duration wal_cleanup_period = absl::Minutes(30);
  GlobalConfig global;
  std::vector<InstanceConfig> configs;
};

// Options of one integration beyond the common block; each integration
// defines its own subclass (integrations/<name>/).
class IntegrationOptions {
 public:
  virtual ~IntegrationOptions() = default;
};

// The common block of every integration
// (grafana/agent static/integrations/config/config.go, Common).
struct IntegrationCommon {
  bool enabled = false;
  std::string instance;            // overrides the instance key when set
  bool scrape_integration = true;  // default: integrations.scrape_integrations
  absl::Duration scrape_interval;  // default: metrics.global.scrape_interval
  absl::Duration scrape_timeout;   // default: metrics.global.scrape_timeout
  std::vector<relabel::Config> relabel_configs;
  std::vector<relabel::Config> metric_relabel_configs;
  absl::Duration wal_truncate_frequency = absl::Minutes(60);
};

struct IntegrationConfig {
  std::string name;  // the YAML key: "node_exporter", "agent", ...
  // Read from a list of blocks (`<name>: [ {...}, {...} ]`, see
  // IntegrationSpec::allows_list); consecutive entries of one name.
  bool in_list = false;
  IntegrationCommon common;
  std::shared_ptr<const IntegrationOptions> options;  // never null
};

struct IntegrationsConfig {
  bool scrape_integrations = true;
  std::map<std::string, std::string> labels;
  std::vector<RemoteWriteConfig> prometheus_remote_write;
  absl::Duration integration_restart_backoff = absl::Seconds(5);
  // Outpost-only manager keys (Grafana Agent static mode has none: its
  // integrations share an instance's WAL settings). They govern
  // <wal_directory>/integrations/wal like metrics.configs[]' keys of the
  // same names: the truncation cutoff keeps min_wal_time of data; segments
  // remote write has not sent are kept unless older than max_wal_time or
  // the directory exceeds max_wal_size bytes (0: unlimited).
  // min_wal_time <= max_wal_time.
  absl::Duration min_wal_time = absl::Minutes(5);
  absl::Duration max_wal_time = absl::Hours(4);
  uint64_t max_wal_size = 0;
  // Every integration block present in the file, enabled or not, in file
  // order.
  std::vector<IntegrationConfig> integrations;
};

struct Config {
  ServerConfig server;
  MetricsConfig metrics;
  IntegrationsConfig integrations;
  LogsConfig logs;
  // Where it came from, for messages.
  std::string source_file;
};

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_CONFIG_H_
