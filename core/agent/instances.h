// metrics.configs[]: each instance scrapes its scrape_configs into its own
// WAL, <wal_directory>/<name>/wal (an instance named "integrations" uses
// integrations-instance/, the integrations' WAL being integrations/), shipped to its remote_write (or
// metrics.global.remote_write when it has none), as Grafana Agent static
// mode's instances (static/metrics/instance/instance.go).
//
// Apply() reconciles the running instances with a config: new ones start,
// removed ones stop (their series get staleness markers), kept ones get
// the new scrape configs and remote_write (a changed WAL setting reopens
// the WAL, as Grafana Agent recreates the instance).
//
// Thread-safety: Apply/Stop from the agent's controlling thread; Targets()
// from any.
#ifndef OUTPOST_CORE_AGENT_INSTANCES_H_
#define OUTPOST_CORE_AGENT_INSTANCES_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/agent/shipped_wal.h"
#include "core/agent/shipper.h"
#include "core/config/config.h"
#include "core/scrape/scrape_manager.h"

namespace outpost {

class MetricsInstances {
 public:
  // `hostname` is the agent's, for host_filter.
  MetricsInstances(prometheus::Registry& registry, ShipperFactory shipper_factory,
                   std::string hostname);
  ~MetricsInstances();  // Stop()

  absl::Status Apply(const config::Config& cfg);
  // Shutdown: stops scraping (staleness markers when
  // write_stale_on_shutdown), gives remote write its flush deadline
  // (remote_flush_deadline) and closes the WALs.
  void Stop();

  struct InstanceTargets {
    std::string instance;
    std::vector<scrape::TargetStatus> targets;
  };
  std::vector<InstanceTargets> Targets() const;

 private:
  struct Instance {
    config::InstanceConfig cfg;
    std::unique_ptr<ShippedWal> wal;
    std::unique_ptr<scrape::ScrapeManager> scrape;
  };
  absl::Status Open(const config::Config& cfg, const config::InstanceConfig& ic, Instance* out);
  static void Close(Instance& in, bool mark_stale);

  prometheus::Registry& registry_;
  scrape::ScrapeMetrics scrape_metrics_;  // in registry_, shared by instances
  const ShipperFactory shipper_factory_;
  const std::string hostname_;
  mutable std::mutex mu_;  // guards the map's shape for Targets()
  std::map<std::string, Instance> instances_;
};

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_INSTANCES_H_
