// Loads, defaults and validates a Grafana Agent static-mode config file.
//
//   config::LoadOptions opts{.path = "/etc/agent.yaml", .expand_env = true,
//                            .registry = &integrations::Builtin()};
//   absl::StatusOr<config::Config> cfg = config::Load(opts);
//
// Steps: read the file (or take `text`), hash the raw bytes
// (agent_config_hash), expand ${VAR} when asked (envsubst.h), parse YAML,
// read every key strictly (map_reader.h), apply Grafana Agent's defaults and
// validation (static/config/config.go, static/metrics/instance
// ApplyDefaults, static/integrations/manager.go).
//
// Decisions:
// - Errors: Load()'s status message is the first error line; LoadFull()
//   gives all errors and warnings (check-config prints them all). Each line
//   is "FILE:LINE:COL: KEY.PATH: message".
// - What outpost does not implement is rejected by name with "not supported
//   yet" (logs, traces, scrape_configs, sigv4, ...). A *disabled* block of an
//   integration Grafana Agent knows but outpost does not implement yet is
//   accepted with a warning and dropped, so a migrating user's
//   `windows_exporter: {enabled: false}` does not block start-up.
// - Keys older Grafana Agent releases accepted are accepted with one warning
//   each where their meaning is unambiguous: server.http_listen_address/port
//   (the listen address unless -server.http.address is given; Grafana Agent
//   moved them to flags in v0.24), server.grpc_listen_address/port (ignored:
//   no gRPC server), integrations.<name>.include_exporter_metrics (ignored:
//   no exporter process). Other removed server keys are rejected naming the
//   flag to use.
// - metrics.instance_mode "shared" (the default), instance_restart_backoff,
//   http_disable_keepalives, http_idle_conn_timeout and
//   global.evaluation_interval are accepted and validated but have no
//   effect (warning); instance_mode "distinct" is "not supported yet".
// - Unnamed remote_write entries are named "<owner>-<first 6 hex of md5 of
//   their dump>", owner being the instance name, "global" or
//   "integrations" (Grafana Agent: <instance>-<md5[:6]> of the YAML).
// - *_file secrets keep the path and are read when used (at each scrape or
//   remote-write request, as Prometheus); a file that cannot be read at load
//   time is a warning.
// - A scrape_timeout that is not set follows Prometheus: the global
//   timeout (10s), but never more than the scrape_interval.
// Thread-safe (no shared state); the registry must outlive the call.
#ifndef OUTPOST_CORE_CONFIG_LOADER_H_
#define OUTPOST_CORE_CONFIG_LOADER_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/config/config.h"
#include "core/config/envsubst.h"
#include "core/config/integration_spec.h"
#include "core/config/map_reader.h"

namespace outpost::config {

// Checks a logs scrape config's pipeline_stages by building them (logs/
// provides it: core does not depend on logs/); adds one error per problem.
// Unset: every stage is refused as not supported.
using PipelineChecker = std::function<void(const LogsScrapeConfig& sc, Errors* errors)>;

struct LoadOptions {
  std::string path;  // the file to read; also the name used in messages
  // When set, used instead of reading `path`.
  std::optional<std::string> text;
  bool expand_env = false;  // -config.expand-env
  const IntegrationRegistry* registry = nullptr;  // required
  EnvLookup getenv;  // for expand_env; null means the process environment
  PipelineChecker check_pipeline;
};

struct LoadResult {
  std::optional<Config> config;  // set when errors.ok()
  Errors errors;                 // all errors and warnings, in file order
  // sha256 hex of the file's bytes before env expansion (what Grafana Agent
  // reports in agent_config_hash{sha256=...}); empty if unreadable.
  std::string hash;
};

// Every error and warning; never throws.
LoadResult LoadFull(const LoadOptions& opts);

// The config, or InvalidArgument (NotFound for a missing file) whose
// message is the first error line.
absl::StatusOr<Config> Load(const LoadOptions& opts);

// sha256 hex of `raw` (agent_config_hash: static/config/instrumentation,
// "sha256 hash of the config before expansion").
std::string ConfigHash(std::string_view raw);

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_LOADER_H_
