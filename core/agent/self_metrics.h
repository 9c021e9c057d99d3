// outpost's own metrics, served on /metrics and collected by the `agent`
// integration. Names are Grafana Agent's and Prometheus client_golang's, so
// the agent mixin's dashboards and alerts work unchanged.
//
// Modules add their metrics to registry() (prometheus-cpp, thread-safe);
// Collect() returns those plus the process_* family of client_golang's
// process collector, read from /proc/self.
#ifndef OUTPOST_CORE_AGENT_SELF_METRICS_H_
#define OUTPOST_CORE_AGENT_SELF_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace outpost {

class SelfMetrics final : public prometheus::Collectable {
 public:
  // `procfs` is where /proc/self lives ("/proc").
  explicit SelfMetrics(std::string procfs = "/proc");

  prometheus::Registry& registry() { return *registry_; }
  std::vector<prometheus::MetricFamily> Collect() const override;
  // The text exposition of Collect() (format 0.0.4).
  std::string Render() const;

  // Config state (Grafana Agent: static/config/config.go and
  // cmd/grafana-agent/entrypoint.go).
  void ConfigLoaded(const std::string& sha256_hex);
  void ConfigLoadFailed();

  prometheus::Counter& AbnormalExit(const std::string& integration);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::string procfs_;
  prometheus::Family<prometheus::Gauge>& config_hash_;
  prometheus::Gauge& last_load_successful_;
  prometheus::Gauge& last_load_success_ts_;
  prometheus::Counter& load_failures_;
  prometheus::Family<prometheus::Counter>& abnormal_exits_;
  std::string current_hash_;
};

// process_* metrics of the process whose /proc/<pid> directory is `dir`
// (client_golang's process collector): cpu seconds, resident and virtual
// memory, open and max fds, start time. Missing files yield no families.
std::vector<prometheus::MetricFamily> CollectProcessMetrics(const std::string& procfs,
                                                            const std::string& pid_dir);

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_SELF_METRICS_H_
