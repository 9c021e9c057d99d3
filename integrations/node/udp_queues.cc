// udp_queues: node_udp_queues{ip,queue}, the summed tx and rx queues of
// /proc/net/udp and udp6 (node_exporter collector/udp_queues_linux.go; both
// files missing is no data).
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseUdpQueues(std::string_view text, double* tx, double* rx) {
  *tx = 0;
  *rx = 0;
  std::string_view line;
  bool header = true;
  while (NextLine(&text, &line)) {
    if (header) {
      header = false;
      continue;
    }
    std::string_view f[6];
    size_t n = SplitFields(line, f, 6);
    if (n == 0) continue;
    if (n < 5) return absl::InvalidArgumentError(Cat("short udp line: ", line));
    std::string_view q = f[4];  // tx_queue:rx_queue, hexadecimal
    size_t colon = q.find(':');
    double t, r;
    if (colon == std::string_view::npos || !ParseHexAsDouble(q.substr(0, colon), &t) ||
        !ParseHexAsDouble(q.substr(colon + 1), &r)) {
      return absl::InvalidArgumentError(Cat("bad udp queue field: ", line));
    }
    *tx += t;
    *rx += r;
  }
  return absl::OkStatus();
}

namespace {

class UdpQueuesCollector final : public Collector {
 public:
  explicit UdpQueuesCollector(const Paths& p) : v4_(p.Proc("net/udp")), v6_(p.Proc("net/udp6")) {
    family_ = {"node_udp_queues", MetricType::kGauge,
               "Number of allocated memory in the kernel for UDP datagrams in bytes.", ""};
  }

 protected:
  absl::Status Update() override {
    int missing = 0;
    for (ProcFile* f : {&v4_, &v6_}) {
      std::string_view ip = f == &v4_ ? "v4" : "v6";
      absl::StatusOr<std::string_view> text = f->Read();
      if (!text.ok()) {
        if (!absl::IsNotFound(text.status())) return text.status();
        ++missing;
        continue;
      }
      double tx, rx;
      if (absl::Status st = ParseUdpQueues(*text, &tx, &rx); !st.ok()) return st;
      series_.Add(family_, {{"ip", ip}, {"queue", "tx"}}, tx);
      series_.Add(family_, {{"ip", ip}, {"queue", "rx"}}, rx);
    }
    return missing == 2 ? NoData("no /proc/net/udp nor udp6") : absl::OkStatus();
  }

 private:
  ProcFile v4_, v6_;
  MetricFamily family_;
};

}  // namespace

CollectorOr NewUdpQueuesCollector(const Options&, const Paths& p) {
  return std::make_unique<UdpQueuesCollector>(p);
}

}  // namespace outpost::integrations::node
