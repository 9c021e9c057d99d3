// ksmd (off by default): kernel samepage merging counters from
// <sysfs>/kernel/mm/ksm/* (node_exporter 1.5.0 collector/ksmd_linux.go):
// every file must read as an unsigned integer; full_scans is a counter and
// sleep_millisecs is reported in seconds.
#include <string>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

constexpr const char* kKsmdFiles[] = {"full_scans",     "merge_across_nodes", "pages_shared",
                                      "pages_sharing",  "pages_to_scan",      "pages_unshared",
                                      "pages_volatile", "run",                "sleep_millisecs"};
constexpr size_t kNumKsmdFiles = sizeof(kKsmdFiles) / sizeof(kKsmdFiles[0]);

class KsmdCollector final : public Collector {
 public:
  explicit KsmdCollector(const Paths& p) {
    for (size_t i = 0; i < kNumKsmdFiles; ++i) {
      const std::string_view n = kKsmdFiles[i];
      const std::string name = n == "full_scans"        ? "full_scans_total"
                               : n == "sleep_millisecs" ? "sleep_seconds"
                                                        : std::string(n);
      families_[i] = {Cat("node_ksmd_", name),
                      n == "full_scans" ? MetricType::kCounter : MetricType::kGauge,
                      Cat("ksmd '", n, "' file."), ""};
      files_[i] = std::make_unique<ProcFile>(p.Sys(Cat("kernel/mm/ksm/", n)));
    }
  }

 protected:
  absl::Status Update() override {
    for (size_t i = 0; i < kNumKsmdFiles; ++i) {
      absl::StatusOr<std::string_view> r = files_[i]->Read();
      if (!r.ok()) return r.status();
      uint64_t v;
      if (!ParseUint(Trim(*r), &v)) {
        return absl::InvalidArgumentError(Cat("bad value in ", files_[i]->path()));
      }
      const double scale = std::string_view(kKsmdFiles[i]) == "sleep_millisecs" ? 1e-3 : 1;
      series_.Add(families_[i], static_cast<double>(v) * scale);
    }
    return absl::OkStatus();
  }

 private:
  std::array<std::unique_ptr<ProcFile>, kNumKsmdFiles> files_;
  std::array<MetricFamily, kNumKsmdFiles> families_;
};

}  // namespace

CollectorOr NewKsmdCollector(const Options&, const Paths& p) {
  return std::make_unique<KsmdCollector>(p);
}

}  // namespace outpost::integrations::node
