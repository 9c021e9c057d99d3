// The `agent` integration: outpost's own self-metrics (SelfMetrics),
// collected in-process with job="integrations/agent", as Grafana Agent's
// agent integration scrapes its own /metrics.
#ifndef OUTPOST_INTEGRATIONS_AGENT_AGENT_H_
#define OUTPOST_INTEGRATIONS_AGENT_AGENT_H_

#include <map>
#include <memory>
#include <string>

#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "prometheus/collectable.h"

namespace outpost::integrations::agent {

const config::IntegrationSpec& Spec();

// Copies every family of `source` into the Appender on each Collect.
class AgentIntegration final : public Integration {
 public:
  explicit AgentIntegration(std::shared_ptr<const prometheus::Collectable> source);
  absl::Status Collect(Appender& app, absl::Time deadline) override;

 private:
  std::shared_ptr<const prometheus::Collectable> source_;
  // Families must outlive the Appender's handles: one per name, kept.
  std::map<std::string, MetricFamily, std::less<>> families_;
};

// Go's strconv.FormatFloat(v, 'g', -1, 64) as Prometheus prints "le" and
// "quantile" label values ("0.005", "+Inf", "1e+06").
std::string FormatBound(double v);

}  // namespace outpost::integrations::agent

#endif  // OUTPOST_INTEGRATIONS_AGENT_AGENT_H_
