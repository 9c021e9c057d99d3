// What the config loader and the agent need to know about one kind of
// integration. integrations/registry.cc provides one IntegrationSpec per
// supported config key; core never includes integrations/ directly.
#ifndef OUTPOST_CORE_CONFIG_INTEGRATION_SPEC_H_
#define OUTPOST_CORE_CONFIG_INTEGRATION_SPEC_H_

#include <memory>
#include <string>
#include <string_view>
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
