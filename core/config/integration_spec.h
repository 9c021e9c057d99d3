// What the config loader and the agent need to know about one kind of
// integration. integrations/registry.cc provides one IntegrationSpec per
// supported config key; core never includes integrations/ directly.
#ifndef OUTPOST_CORE_CONFIG_INTEGRATION_SPEC_H_
#define OUTPOST_CORE_CONFIG_INTEGRATION_SPEC_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/integration.h"
#include "core/config/config.h"
#include "core/config/map_reader.h"
#include "yaml-cpp/yaml.h"

namespace prometheus {
class Collectable;
}

namespace outpost::config {

// Facts about the running agent an integration may need.
struct HostInfo {
  std::string hostname;   // $HOSTNAME, else the system hostname
  std::string agent_key;  // "<hostname>:<http port>", Grafana Agent's agentKey
  // outpost's own self-metrics (for the `agent` integration); may be null in
  // tests.
  std::shared_ptr<const prometheus::Collectable> self_metrics;
};

// One target of a handler integration (see IntegrationSpec::has_targets).
struct IntegrationTarget {
  std::string name;  // job = "integrations/<integration>/<name>"
  // The scrape's query parameters (target=, module=, ...): Prometheus sets
  // them as __param_<key> target labels before relabel_configs run
  // (scrape/target.go populateLabels), so relabel rules can read them.
  std::vector<std::pair<std::string, std::string>> params;
};

class IntegrationSpec {
 public:
  virtual ~IntegrationSpec() = default;

  // The YAML key under `integrations:` and the job suffix:
  // job="integrations/<name>".
  virtual std::string_view name() const = 0;

  // Whether `integrations.<name>` may also be a list of blocks, one
  // instance each (an outpost extension: Grafana Agent static mode allows
  // one block per integration). Each block's instance label must differ.
  virtual bool allows_list() const { return false; }

  // Reads the integration's own keys from `m` (the common keys are already
  // consumed; the loader calls m.Finish() afterwards). Never null.
  virtual std::shared_ptr<const IntegrationOptions> Parse(MapReader& m) const = 0;

  // Emits the integration's own keys, with defaults and secrets masked, into
  // an open YAML map (for check-config and /-/config).
  virtual void Dump(const IntegrationOptions& opts, YAML::Emitter& out) const = 0;

  // The instance label when `instance` is not set: the agent key for host
  // integrations, the address or DSN (password masked) for the others.
  virtual std::string InstanceKey(const IntegrationOptions& opts, const HostInfo& host) const = 0;

  // Builds the runtime integration. An error here (e.g. a bad DSN) is
  // reported like a config error.
  virtual absl::StatusOr<std::unique_ptr<Integration>> Create(const IntegrationConfig& cfg,
                                                               const HostInfo& host) const = 0;

  // Handler integrations (blackbox, snmp) scrape one job per target, each
  // job "integrations/<name>/<target name>" with metrics path
  // "/integrations/<name>/metrics" and the target's params, all sharing the
  // one instance label (Grafana Agent static/integrations/manager.go,
  // instanceConfigForIntegration). For them has_targets() is true, the
  // agent calls Targets() and CreateTarget() for each index instead of
  // Create(), and runs the targets on one shared scheduler with a bounded
  // number of concurrent collections.
  virtual bool has_targets() const { return false; }
  virtual std::vector<IntegrationTarget> Targets(const IntegrationOptions& /*opts*/) const {
    return {};
  }
  // Builds the integration that collects Targets(opts)[index]. Called once
  // per target at load (an error is a config error) and again after that
  // target's collection threw.
  virtual absl::StatusOr<std::unique_ptr<Integration>> CreateTarget(const IntegrationConfig& cfg,
                                                                    const HostInfo& host,
                                                                    size_t index) const {
    (void)cfg;
    (void)host;
    (void)index;
    return absl::UnimplementedError("integration has no targets");
  }
};

// The set of integration kinds the binary was built with.
class IntegrationRegistry {
 public:
  virtual ~IntegrationRegistry() = default;
  // nullptr when `name` is not an integration outpost implements.
  virtual const IntegrationSpec* Find(std::string_view name) const = 0;
  virtual std::vector<std::string_view> Names() const = 0;
};

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_INTEGRATION_SPEC_H_
