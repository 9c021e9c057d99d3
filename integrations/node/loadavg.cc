// loadavg: node_load1/5/15 from /proc/loadavg
// (node_exporter collector/loadavg_linux.go).
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseLoadavg(std::string_view text, std::array<double, 3>* out) {
  std::string_view f[3];
  if (SplitFields(Trim(text), f, 3) < 3) {
    return absl::InvalidArgumentError(Cat("unexpected content in loadavg: ", text));
  }
  for (int i = 0; i < 3; ++i) {
    if (!ParseDouble(f[i], &(*out)[i])) {
      return absl::InvalidArgumentError(Cat("bad load average: ", f[i]));
    }
  }
  return absl::OkStatus();
}

namespace {

class LoadavgCollector final : public Collector {
 public:
  explicit LoadavgCollector(const Paths& p) : file_(p.Proc("loadavg")) {
    load_[0] = {"node_load1", MetricType::kGauge, "1m load average.", ""};
    load_[1] = {"node_load5", MetricType::kGauge, "5m load average.", ""};
    load_[2] = {"node_load15", MetricType::kGauge, "15m load average.", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    std::array<double, 3> v;
    if (absl::Status st = ParseLoadavg(*text, &v); !st.ok()) return st;
    for (int i = 0; i < 3; ++i) series_.Add(load_[i], v[i]);
    return absl::OkStatus();
  }

 private:
  ProcFile file_;
  MetricFamily load_[3];
};

}  // namespace

CollectorOr NewLoadavgCollector(const Options&, const Paths& p) {
  return std::make_unique<LoadavgCollector>(p);
}

}  // namespace outpost::integrations::node
