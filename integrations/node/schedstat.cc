// schedstat: per-CPU scheduler counters from /proc/schedstat
// (node_exporter collector/schedstat_linux.go with prometheus/procfs
// schedstat.go: the 7th, 8th and 9th numbers of each "cpuN" line are the
// running time (ns), the waiting time (ns) and the timeslices). A missing
// file (kernel without CONFIG_SCHEDSTATS) is no data.
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseSchedstat(std::string_view text, std::vector<SchedstatCpu>* out) {
  out->clear();
  std::string_view line;
  while (NextLine(&text, &line)) {
    if (line.size() < 4 || line.substr(0, 3) != "cpu" || line[3] < '0' || line[3] > '9') continue;
    std::string_view f[11];
    size_t n = SplitFields(line, f, 11);
    if (n < 10) return absl::InvalidArgumentError(Cat("short schedstat line: ", line));
    SchedstatCpu c;
    c.cpu = f[0].substr(3);
    if (!ParseUintAsDouble(f[7], &c.running_ns) || !ParseUintAsDouble(f[8], &c.waiting_ns) ||
        !ParseUintAsDouble(f[9], &c.timeslices)) {
      return absl::InvalidArgumentError(Cat("bad schedstat value: ", line));
    }
    out->push_back(c);
  }
  return absl::OkStatus();
}

namespace {

class SchedstatCollector final : public Collector {
 public:
  explicit SchedstatCollector(const Paths& p) : file_(p.Proc("schedstat")) {
    running_ = {"node_schedstat_running_seconds_total", MetricType::kCounter,
                "Number of seconds CPU spent running a process.", ""};
    waiting_ = {"node_schedstat_waiting_seconds_total", MetricType::kCounter,
                "Number of seconds spent by processing waiting for this CPU.", ""};
    slices_ = {"node_schedstat_timeslices_total", MetricType::kCounter,
               "Number of timeslices executed by CPU.", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = file_.Read();
    if (!text.ok()) {
      return absl::IsNotFound(text.status()) ? NoData("schedstat file does not exist")
                                             : text.status();
    }
    if (absl::Status st = ParseSchedstat(*text, &cpus_); !st.ok()) return st;
    for (const SchedstatCpu& c : cpus_) {
      series_.Add(running_, {{"cpu", c.cpu}}, c.running_ns / 1e9);
      series_.Add(waiting_, {{"cpu", c.cpu}}, c.waiting_ns / 1e9);
      series_.Add(slices_, {{"cpu", c.cpu}}, c.timeslices);
    }
    return absl::OkStatus();
  }

 private:
  ProcFile file_;
  MetricFamily running_, waiting_, slices_;
  std::vector<SchedstatCpu> cpus_;
};

}  // namespace

CollectorOr NewSchedstatCollector(const Options&, const Paths& p) {
  return std::make_unique<SchedstatCollector>(p);
}

}  // namespace outpost::integrations::node
