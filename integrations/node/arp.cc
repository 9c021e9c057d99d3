// arp: node_arp_entries{device}, the /proc/net/arp entries per device
// (node_exporter collector/arp_linux.go, procfs mode as Grafana Agent runs
// it).
#include <string>
#include <utility>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseArp(std::string_view text, absl::FunctionRef<void(std::string_view)> f) {
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view c[8];
    size_t n = SplitFields(line, c, 8);
    if (n == 0) continue;
    if (n < 6) return absl::InvalidArgumentError("unexpected ARP table format");
    if (c[0] != "IP") f(c[n - 1]);
  }
  return absl::OkStatus();
}

namespace {

class ArpCollector final : public Collector {
 public:
  explicit ArpCollector(const Paths& p) : file_(p.Proc("net/arp")) {
    entries_ = {"node_arp_entries", MetricType::kGauge, "ARP entries by device", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    for (auto& [dev, count] : counts_) count = 0;
    absl::Status st = ParseArp(*text, [&](std::string_view dev) {
      for (auto& [d, count] : counts_) {
        if (d == dev) {
          ++count;
          return;
        }
      }
      counts_.emplace_back(std::string(dev), 1);
    });
    if (!st.ok()) return st;
    for (const auto& [dev, count] : counts_) {
      if (count > 0) series_.Add(entries_, {{"device", dev}}, count);
    }
    std::erase_if(counts_, [](const auto& c) { return c.second == 0; });
    return absl::OkStatus();
  }

 private:
  ProcFile file_;
  MetricFamily entries_;
  std::vector<std::pair<std::string, int>> counts_;  // few devices: linear
};

}  // namespace

CollectorOr NewArpCollector(const Options&, const Paths& p) {
  return std::make_unique<ArpCollector>(p);
}

}  // namespace outpost::integrations::node
