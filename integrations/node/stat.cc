// stat: boot time, context switches, forks, interrupts and process counts
// from /proc/stat (node_exporter collector/stat_linux.go; softirqs are an
// optional flag Grafana Agent does not expose).
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseStat(std::string_view text, StatSummary* out) {
  *out = StatSummary{};
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view f[2];
    if (SplitFields(line, f, 2) < 2) continue;
    double* dst = nullptr;
    if (f[0] == "btime")
      dst = &out->boot_time;
    else if (f[0] == "ctxt")
      dst = &out->context_switches;
    else if (f[0] == "processes")
      dst = &out->forks;
    else if (f[0] == "intr")
      dst = &out->interrupts;
    else if (f[0] == "procs_running")
      dst = &out->procs_running;
    else if (f[0] == "procs_blocked")
      dst = &out->procs_blocked;
    if (dst != nullptr && !ParseUintAsDouble(f[1], dst)) {
      return absl::InvalidArgumentError(Cat("bad value in /proc/stat line: ", line));
    }
  }
  return absl::OkStatus();
}

namespace {

class StatCollector final : public Collector {
 public:
  explicit StatCollector(const Paths& p) : stat_(p.Proc("stat")) {
    intr_ = {"node_intr_total", MetricType::kCounter, "Total number of interrupts serviced.", ""};
    ctxt_ = {"node_context_switches_total", MetricType::kCounter,
             "Total number of context switches.", ""};
    forks_ = {"node_forks_total", MetricType::kCounter, "Total number of forks.", ""};
    btime_ = {"node_boot_time_seconds", MetricType::kGauge, "Node boot time, in unixtime.", ""};
    running_ = {"node_procs_running", MetricType::kGauge, "Number of processes in runnable state.",
                ""};
    blocked_ = {"node_procs_blocked", MetricType::kGauge,
                "Number of processes blocked waiting for I/O to complete.", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = stat_.Read();
    if (!text.ok()) return text.status();
    StatSummary s;
    if (absl::Status st = ParseStat(*text, &s); !st.ok()) return st;
    series_.Add(intr_, s.interrupts);
    series_.Add(ctxt_, s.context_switches);
    series_.Add(forks_, s.forks);
    series_.Add(btime_, s.boot_time);
    series_.Add(running_, s.procs_running);
    series_.Add(blocked_, s.procs_blocked);
    return absl::OkStatus();
  }

 private:
  ProcFile stat_;
  MetricFamily intr_, ctxt_, forks_, btime_, running_, blocked_;
};

}  // namespace

CollectorOr NewStatCollector(const Options&, const Paths& p) {
  return std::make_unique<StatCollector>(p);
}

}  // namespace outpost::integrations::node
