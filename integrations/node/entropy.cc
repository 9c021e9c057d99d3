// entropy: node_entropy_available_bits and node_entropy_pool_size_bits from
// /proc/sys/kernel/random (node_exporter collector/entropy_linux.go).
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

absl::Status ReadNumber(ProcFile& f, double* out) {
  absl::StatusOr<std::string_view> text = f.Read();
  if (!text.ok()) return text.status();
  if (!ParseUintAsDouble(Trim(*text), out)) {
    return absl::InvalidArgumentError(Cat("bad number in ", f.path()));
  }
  return absl::OkStatus();
}

class EntropyCollector final : public Collector {
 public:
  explicit EntropyCollector(const Paths& p)
      : avail_file_(p.Proc("sys/kernel/random/entropy_avail")),
        pool_file_(p.Proc("sys/kernel/random/poolsize")) {
    avail_ = {"node_entropy_available_bits", MetricType::kGauge, "Bits of available entropy.", ""};
    pool_ = {"node_entropy_pool_size_bits", MetricType::kGauge, "Bits of entropy pool.", ""};
  }

 protected:
  absl::Status Update() override {
    double v;
    if (absl::Status st = ReadNumber(avail_file_, &v); !st.ok()) return st;
    series_.Add(avail_, v);
    if (absl::Status st = ReadNumber(pool_file_, &v); !st.ok()) return st;
    series_.Add(pool_, v);
    return absl::OkStatus();
  }

 private:
  ProcFile avail_file_, pool_file_;
  MetricFamily avail_, pool_;
};

}  // namespace

CollectorOr NewEntropyCollector(const Options&, const Paths& p) {
  return std::make_unique<EntropyCollector>(p);
}

}  // namespace outpost::integrations::node
