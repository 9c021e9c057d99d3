#include "integrations/agent/agent.h"

#include <charconv>
#include <cmath>

#include "prometheus/metric_family.h"
#include "prometheus/metric_type.h"

namespace outpost::integrations::agent {
namespace {

class Options final : public config::IntegrationOptions {};

MetricType ToType(prometheus::MetricType t) {
  switch (t) {
    case prometheus::MetricType::Counter: return MetricType::kCounter;
    case prometheus::MetricType::Gauge: return MetricType::kGauge;
    case prometheus::MetricType::Histogram: return MetricType::kHistogram;
    case prometheus::MetricType::Summary: return MetricType::kSummary;
    case prometheus::MetricType::Untyped: break;
  }
  return MetricType::kUnknown;
}

class AgentSpec final : public config::IntegrationSpec {
 public:
  std::string_view name() const override { return "agent"; }
  std::shared_ptr<const config::IntegrationOptions> Parse(config::MapReader&) const override {
    return std::make_shared<Options>();  // common keys only
  }
  void Dump(const config::IntegrationOptions&, YAML::Emitter&) const override {}
  std::string InstanceKey(const config::IntegrationOptions&,
                          const config::HostInfo& host) const override {
    return host.agent_key;
  }
  absl::StatusOr<std::unique_ptr<Integration>> Create(const config::IntegrationConfig&,
                                                      const config::HostInfo& host) const override {
    if (host.self_metrics == nullptr) {
      return absl::FailedPreconditionError("agent integration: no self-metrics source");
    }
    return std::make_unique<AgentIntegration>(host.self_metrics);
  }
};

}  // namespace

std::string FormatBound(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general);
  (void)ec;
  return std::string(buf, end);
}

const config::IntegrationSpec& Spec() {
  static const AgentSpec spec;
  return spec;
}

AgentIntegration::AgentIntegration(std::shared_ptr<const prometheus::Collectable> source)
    : source_(std::move(source)) {}

absl::Status AgentIntegration::Collect(Appender& app, absl::Time) {
  for (const prometheus::MetricFamily& pf : source_->Collect()) {
    auto it = families_.find(pf.name);
    if (it == families_.end()) {
      it = families_.emplace(pf.name, MetricFamily{pf.name, ToType(pf.type), pf.help, ""}).first;
    }
    const MetricFamily& fam = it->second;
    for (const prometheus::ClientMetric& m : pf.metric) {
      Labels labels;
      for (const auto& l : m.label) labels.Set(l.name, l.value);
      switch (pf.type) {
        case prometheus::MetricType::Counter:
          app.Add(fam, labels, m.counter.value);
          break;
        case prometheus::MetricType::Gauge:
          app.Add(fam, labels, m.gauge.value);
          break;
        case prometheus::MetricType::Untyped:
          app.Add(fam, labels, m.untyped.value);
          break;
        case prometheus::MetricType::Histogram: {
          for (const auto& b : m.histogram.bucket) {
            Labels bl = labels;
            bl.Set("le", FormatBound(b.upper_bound));
            app.Add(fam, bl, static_cast<double>(b.cumulative_count), "_bucket");
          }
          app.Add(fam, labels, m.histogram.sample_sum, "_sum");
          app.Add(fam, labels, static_cast<double>(m.histogram.sample_count), "_count");
          break;
        }
        case prometheus::MetricType::Summary: {
          for (const auto& q : m.summary.quantile) {
            Labels ql = labels;
            ql.Set("quantile", FormatBound(q.quantile));
            app.Add(fam, ql, q.value);
          }
          app.Add(fam, labels, m.summary.sample_sum, "_sum");
          app.Add(fam, labels, static_cast<double>(m.summary.sample_count), "_count");
          break;
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace outpost::integrations::agent
