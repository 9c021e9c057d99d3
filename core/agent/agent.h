// The agent's lifecycle: load the config, serve HTTP, run the enabled
// integrations, reload on request, shut down in order.
//
// This is the composition root's engine: it reaches integrations only
// through the IntegrationRegistry interface and the storage only through
// SampleSink, both handed in by main.
//
// Thread-safety: Start/Stop from the main thread; Reload from any thread
// (HTTP /-/reload, SIGHUP), serialized internally.
#ifndef OUTPOST_CORE_AGENT_AGENT_H_
#define OUTPOST_CORE_AGENT_AGENT_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/config/loader.h"
#include "core/agent/http_server.h"
#include "core/agent/instances.h"
#include "core/agent/logs_runner.h"
#include "core/agent/shipped_wal.h"
#include "core/agent/pipeline.h"
#include "core/agent/runner.h"
#include "core/agent/target_pool.h"
#include "core/agent/self_metrics.h"
#include "core/agent/shipper.h"
#include "core/base/sink.h"
#include "core/config/config.h"
#include "core/config/integration_spec.h"

namespace outpost {

struct AgentOptions {
  std::string config_file;
  bool expand_env = false;
  std::string http_address = "127.0.0.1:12345";
  // False: the config's legacy server.http_listen_address/port, when set,
  // replace http_address.
  bool http_address_given = true;
  std::string wal_directory;  // -metrics.wal-directory; overrides the file when set
  const config::IntegrationRegistry* registry = nullptr;
  // Environment lookup (HOSTNAME, ${VAR}); defaults to getenv.
  std::function<std::optional<std::string>(std::string_view)> getenv;
  // Where integrations' samples go. Null (the default): the WAL under
  // metrics.wal_directory (<dir>/integrations/wal). Tests may pass a sink.
  std::shared_ptr<SampleSink> integrations_sink;
  // Ships the integrations WAL to integrations.prometheus_remote_write (or
  // metrics.global.remote_write); null: nothing is shipped.
  ShipperFactory shipper_factory;
  // Runs the logs: block; null: a config with one is refused.
  LogsFactory logs_factory;
  // Checks pipeline_stages at load (logs/ provides it); null: stages are refused.
  config::PipelineChecker check_pipeline;
};

class Agent {
 public:
  explicit Agent(AgentOptions opts);
  ~Agent();

  // Loads the config, starts the HTTP server and the integrations. An error
  // is fatal (bad config, port in use) and names what and where.
  absl::Status Start();
  // Re-reads the config file. On error the running config stays in force,
  // agent_config_last_load_successful goes to 0 and the error is returned.
  absl::Status Reload();
  // Stops collecting and the HTTP server. Idempotent.
  void Stop();

  bool ready() const { return ready_.load(); }
  int http_port() const { return http_.port(); }
  SelfMetrics& self_metrics() { return *self_metrics_; }
  // The effective config (defaults, secrets masked) as YAML.
  std::string EffectiveConfig() const;
  // Text exposition of the named integration's last collection (of all its
  // instances when it is a list of blocks); NotFound when it is not running.
  absl::StatusOr<std::string> IntegrationMetrics(std::string_view name) const;
  // Names of the running integrations (a name once per instance).
  std::vector<std::string> RunningIntegrations() const;

 private:
  struct Running {
    std::string name;
    std::string instance;  // the target's instance label
    std::unique_ptr<CollectionRunner> runner;
  };
  absl::StatusOr<config::Config> LoadConfig(std::string* sha256) const;
  absl::Status Apply(config::Config cfg, const std::string& sha256);
  // Opens the integrations WAL on first need; warns when a reload asks for
  // another directory (that needs a restart).
  absl::Status EnsureWal(const config::Config& cfg);
  // (Re)starts shipping the integrations WAL for `cfg`.
  absl::Status StartShipper(const config::Config& cfg);
  // Starts or reloads the logs instances (logs_ on first need).
  absl::Status ApplyLogs(const config::LogsConfig& logs);
  absl::StatusOr<std::vector<Running>> Build(const config::Config& cfg);
  // The target options of integration block `ic`: job
  // "integrations/<name>" (plus "/<target>" for a handler integration's
  // target), instance, relabeling.
  TargetOptions TargetFor(const config::Config& cfg, const config::IntegrationConfig& ic,
                          const std::string& instance) const;
  void SetupRoutes();

  AgentOptions opts_;
  std::shared_ptr<SelfMetrics> self_metrics_;
  config::HostInfo host_;                        // before instances_: it uses it
  std::unique_ptr<MetricsInstances> instances_;  // metrics.configs[]
  std::unique_ptr<LogsRunner> logs_;             // logs.configs[]; guarded by reload_mu_
  HttpServer http_;
  std::atomic<bool> ready_{false};

  std::mutex reload_mu_;  // serializes Start/Reload/Stop
  mutable std::mutex mu_;  // guards config_, running_
  config::Config config_;
  std::vector<Running> running_;
  std::unique_ptr<ShippedWal> wal_;    // the integrations'; guarded by reload_mu_
  std::shared_ptr<SampleSink> sink_;   // set before integrations start
  bool stopped_ = false;
};

// $HOSTNAME when set, else gethostname() (Grafana Agent's instance.Hostname).
std::string AgentHostname(const std::function<std::optional<std::string>(std::string_view)>& getenv);

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_AGENT_H_
