// Internal to core/config: the pieces of the loader, one file per section
// (loader.cc: file, top level, server; load_metrics.cc: metrics and
// remote_write; load_integrations.cc: integrations). Not for other modules.
#ifndef OUTPOST_CORE_CONFIG_LOADER_INTERNAL_H_
#define OUTPOST_CORE_CONFIG_LOADER_INTERNAL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/config/integration_spec.h"
#include "core/config/loader.h"
#include "core/config/map_reader.h"
#include "yaml-cpp/yaml.h"

namespace outpost::config::internal {

// Reads the `metrics` (or legacy `prometheus`) block into *out.
void ReadMetrics(MapReader& m, MetricsConfig* out);

// Reads a list of remote_write entries; unnamed entries are named
// "<owner>-<md5[:6]>"; names must be unique within the list.
void ReadRemoteWriteList(MapReader& parent, std::string_view key, std::string_view owner,
                         std::vector<RemoteWriteConfig>* out);

// scrape_interval and scrape_timeout of `m` (Prometheus GlobalConfig and
// ScrapeConfig UnmarshalYAML, config/config.go): an absent or 0 interval is
// `default_interval`; an absent or 0 timeout is `default_timeout`, capped
// at the interval. Returns false when a set timeout is greater than the
// interval (the caller reports it in its own words).
bool ReadScrapeTiming(MapReader& m, absl::Duration default_interval,
                      absl::Duration default_timeout, absl::Duration* interval,
                      absl::Duration* timeout);

// Reads the `integrations` block; `metrics` supplies the defaults.
void ReadIntegrations(MapReader& m, const MetricsConfig& metrics,
                      const IntegrationRegistry& registry, IntegrationsConfig* out);

// load_http.cc: pieces of Prometheus' HTTPClientConfig.
// Reports `url`, the value of `key`, when it is not a valid http(s) URL
// (url.h): `not_http` when it is not an absolute http(s) URL with a host,
// else "invalid URL: <what is wrong>". The URL itself is never echoed.
void CheckHttpUrl(MapReader& m, std::string_view key, std::string_view url,
                  std::string_view not_http = "invalid URL: must be an absolute http or https URL");
// A *_file is read when used, as in Prometheus (the scraper and the
// remote-write client read it at each request, curl reads TLS files at each
// connection): one that cannot be read at load is a warning naming it, and
// the requests fail naming it until it can be read.
void CheckFile(MapReader& m, std::string_view key, const std::string& path);
// Read `basic_auth` / `authorization` of `m` when present (each block is
// Finish()ed; *_file checked by CheckFile).
void ReadBasicAuth(MapReader& m, std::optional<BasicAuth>* out);
void ReadAuthorization(MapReader& m, std::optional<Authorization>* out);
// Reads a tls_config block (and Finish()es it).
void ReadTls(MapReader& m, TlsConfig* out);
// Reads the HTTP client keys remote_write and the Loki clients share into
// *rw (the caller Finish()es `m`): basic_auth, authorization,
// bearer_token(_file), oauth2, tls_config, proxy_url, follow_redirects.
void ReadClientAuth(MapReader& m, RemoteWriteConfig* rw);
// Reads the HTTP client keys of a scrape config from `m` (the caller
// Finish()es `m`): basic_auth, authorization, bearer_token(_file),
// tls_config, proxy_url, follow_redirects, enable_http2.
void ReadHttpClient(MapReader& m, HttpClientConfig* out);
// Emits a tls_config map (load_scrape.cc), and the HTTP client keys
// ReadHttpClient reads (secrets masked), into an open YAML map.
void EmitTls(YAML::Emitter& out, const TlsConfig& t);
void EmitHttpClient(YAML::Emitter& out, const HttpClientConfig& h);

// load_scrape.cc: one instance's scrape_configs. `global` supplies the
// interval and timeout defaults; job names must be unique in the list.
void ReadScrapeConfigs(MapReader& instance, const GlobalConfig& global,
                       std::vector<ScrapeConfig>* out);
void EmitScrapeConfigs(YAML::Emitter& out, const std::vector<ScrapeConfig>& cfgs);

// load_logs.cc: the `logs:` (or legacy `loki:`) block, with Grafana
// Agent's defaults applied (global clients, positions file paths).
void ReadLogs(MapReader& m, const PipelineChecker& check_pipeline, LogsConfig* out);
// The one place that says which pipeline stages outpost runs: each stage of
// `sc` not built yet is an error "<where>: not supported yet: stage `regex`
// (job X)" added to *errors.


// Emits one Loki client / the logs block as YAML (dump.cc); secrets masked.
void EmitLokiClient(YAML::Emitter& out, const LokiClientConfig& c);
void EmitLogs(YAML::Emitter& out, const LogsConfig& logs);

// Emits one remote_write entry as a YAML map (dump.cc); secrets masked.
void EmitRemoteWrite(YAML::Emitter& out, const RemoteWriteConfig& rw);
void EmitRelabelConfigs(YAML::Emitter& out, const std::vector<relabel::Config>& cfgs);

}  // namespace outpost::config::internal

#endif  // OUTPOST_CORE_CONFIG_LOADER_INTERNAL_H_
