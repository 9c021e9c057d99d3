// netdev: per-interface counters from /proc/net/dev, as node_exporter 1.5
// reports them with netlink off (Grafana Agent's setting):
// node_network_<receive|transmit>_<field>_total{device}. Model:
// collector/netdev_linux.go (procNetDevStats) and netdev_common.go.
// netdev_device_include / netdev_device_exclude filter devices.
#include <memory>
#include <string>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseNetDev(std::string_view text, absl::FunctionRef<void(const NetDevLine&)> f) {
  std::string_view line;
  int n_line = 0;
  while (NextLine(&text, &line)) {
    if (++n_line <= 2) continue;  // two header lines
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (Trim(line).empty()) continue;
      return absl::InvalidArgumentError(Cat("no ':' in /proc/net/dev line: ", line));
    }
    NetDevLine d;
    d.device = Trim(line.substr(0, colon));
    std::string_view v[17];
    size_t n = SplitFields(line.substr(colon + 1), v, 17);
    if (n != 16) return absl::InvalidArgumentError(Cat("bad /proc/net/dev line: ", line));
    for (size_t i = 0; i < 16; ++i) {
      if (!ParseUintAsDouble(v[i], &d.v[i])) {
        return absl::InvalidArgumentError(Cat("bad /proc/net/dev value: ", line));
      }
    }
    f(d);
  }
  return absl::OkStatus();
}

namespace {

// /proc/net/dev's column order, with node_exporter's legacy names.
constexpr const char* kKeys[16] = {
    "receive_bytes",  "receive_packets",  "receive_errs",       "receive_drop",
    "receive_fifo",   "receive_frame",    "receive_compressed", "receive_multicast",
    "transmit_bytes", "transmit_packets", "transmit_errs",      "transmit_drop",
    "transmit_fifo",  "transmit_colls",   "transmit_carrier",   "transmit_compressed",
};

class NetdevCollector final : public Collector {
 public:
  NetdevCollector(const Options& o, const Paths& p)
      : file_(p.Proc("net/dev")), filter_(o.netdev_device_include, o.netdev_device_exclude) {
    for (int i = 0; i < 16; ++i) {
      families_[i] = {Cat("node_network_", kKeys[i], "_total"), MetricType::kCounter,
                      Cat("Network device statistic ", kKeys[i], "."), ""};
    }
  }

  absl::Status Init() const { return filter_.status(); }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) return text.status();
    return ParseNetDev(*text, [&](const NetDevLine& d) {
      if (filter_.Ignored(d.device)) return;
      for (int i = 0; i < 16; ++i) series_.Add(families_[i], {{"device", d.device}}, d.v[i]);
    });
  }

 private:
  ProcFile file_;
  DeviceFilter filter_;
  MetricFamily families_[16];
};

}  // namespace

CollectorOr NewNetdevCollector(const Options& o, const Paths& p) {
  auto c = std::make_unique<NetdevCollector>(o, p);
  if (absl::Status st = c->Init(); !st.ok()) return st;
  return c;
}

}  // namespace outpost::integrations::node
