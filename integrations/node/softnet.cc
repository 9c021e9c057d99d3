// softnet: per-CPU packet processing counters from /proc/net/softnet_stat
// (node_exporter collector/softnet_linux.go with prometheus/procfs
// net_softnet.go: hexadecimal columns; the cpu label is the line index).
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
absl::Status ParseSoftnet(std::string_view text, std::vector<SoftnetLine>* out) {
  out->clear();
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view f[3];
    size_t n = SplitFields(line, f, 3);
    if (n == 0) continue;
    // procfs requires the 9 columns of old kernels at least.
    std::string_view all[32];
    if (SplitFields(line, all, 32) < 9) {
      return absl::InvalidArgumentError(Cat("softnet_stat line too short: ", line));
    }
    SoftnetLine s;
    if (!ParseHexAsDouble(all[0], &s.processed) || !ParseHexAsDouble(all[1], &s.dropped) ||
        !ParseHexAsDouble(all[2], &s.time_squeezed)) {
      return absl::InvalidArgumentError(Cat("bad softnet_stat value: ", line));
    }
    out->push_back(s);
  }
  return absl::OkStatus();
}

namespace {

class SoftnetCollector final : public Collector {
 public:
  explicit SoftnetCollector(const Paths& p) : file_(p.Proc("net/softnet_stat")) {
    processed_ = {"node_softnet_processed_total", MetricType::kCounter,
                  "Number of processed packets", ""};
    dropped_ = {"node_softnet_dropped_total", MetricType::kCounter, "Number of dropped packets",
                ""};
    squeezed_ = {"node_softnet_times_squeezed_total", MetricType::kCounter,
                 "Number of times processing packets ran out of quota", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    if (absl::Status st = ParseSoftnet(*text, &lines_); !st.ok()) return st;
    for (size_t i = 0; i < lines_.size(); ++i) {
      while (names_.size() <= i) names_.push_back(std::to_string(names_.size()));
      series_.Add(processed_, {{"cpu", names_[i]}}, lines_[i].processed);
      series_.Add(dropped_, {{"cpu", names_[i]}}, lines_[i].dropped);
      series_.Add(squeezed_, {{"cpu", names_[i]}}, lines_[i].time_squeezed);
    }
    return absl::OkStatus();
  }

 private:
  ProcFile file_;
  MetricFamily processed_, dropped_, squeezed_;
  std::vector<SoftnetLine> lines_;
  std::vector<std::string> names_;
};

}  // namespace

CollectorOr NewSoftnetCollector(const Options&, const Paths& p) {
  return std::make_unique<SoftnetCollector>(p);
}

}  // namespace outpost::integrations::node
