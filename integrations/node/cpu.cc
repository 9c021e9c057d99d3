// cpu: node_cpu_seconds_total{cpu,mode} (and node_cpu_guest_seconds_total
// when enable_cpu_guest_seconds_metric) from /proc/stat.
// Model: node_exporter collector/cpu_linux.go (updateStat, updateCPUStats):
// counters never go backwards; an idle drop of 3 s or more is a CPU hotplug
// and resets that CPU; a change in the number of CPUs resets all.
// Not yet: node_cpu_info/flag_info/bug_info, thermal throttles, isolated.
#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParseCpuTimes(std::string_view text, std::vector<CpuTimes>* out) {
  out->clear();
  constexpr double kUserHz = 100;  // procfs' userHZ
  std::string_view line;
  while (NextLine(&text, &line)) {
    if (line.size() < 4 || line.substr(0, 3) != "cpu" || line[3] < '0' || line[3] > '9') continue;
    std::string_view f[12];
    size_t n = SplitFields(line, f, 12);
    if (n < 5) return absl::InvalidArgumentError(Cat("short cpu line: ", line));
    CpuTimes t;
    int64_t id;
    if (!ParseInt(f[0].substr(3), &id) || id < 0) {
      return absl::InvalidArgumentError(Cat("bad cpu id: ", f[0]));
    }
    t.cpu = static_cast<int>(id);
    double* dst[] = {&t.user, &t.nice,    &t.system, &t.idle,  &t.iowait,
                     &t.irq,  &t.softirq, &t.steal,  &t.guest, &t.guest_nice};
    for (size_t i = 1; i < n && i <= 10; ++i) {
      double v;
      if (!ParseUintAsDouble(f[i], &v)) {
        return absl::InvalidArgumentError(Cat("bad cpu value: ", f[i]));
      }
      *dst[i - 1] = v / kUserHz;
    }
    out->push_back(t);
  }
  return absl::OkStatus();
}

namespace {

constexpr double kJumpBackSeconds = 3.0;
constexpr const char* kModes[] = {"user",   "nice", "system",  "idle",
                                  "iowait", "irq",  "softirq", "steal"};

class CpuCollector final : public Collector {
 public:
  CpuCollector(const Options& o, const Paths& p)
      : guest_enabled_(o.enable_cpu_guest_seconds_metric), stat_(p.Proc("stat")) {
    cpu_ = {"node_cpu_seconds_total", MetricType::kCounter, "Seconds the CPUs spent in each mode.",
            ""};
    guest_ = {"node_cpu_guest_seconds_total", MetricType::kCounter,
              "Seconds the CPUs spent in guests (VMs) for each mode.", ""};
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::string_view> text = stat_.Read();
    if (!text.ok()) return text.status();
    absl::Status st = ParseCpuTimes(*text, &fresh_);
    if (!st.ok()) return st;
    Merge();
    for (size_t i = 0; i < stats_.size(); ++i) {
      const CpuTimes& t = stats_[i];
      while (names_.size() <= static_cast<size_t>(t.cpu)) names_.push_back(Cat(names_.size()));
      std::string_view cpu = names_[t.cpu];
      const double values[] = {t.user,   t.nice, t.system,  t.idle,
                               t.iowait, t.irq,  t.softirq, t.steal};
      for (int m = 0; m < 8; ++m) series_.Add(cpu_, {{"cpu", cpu}, {"mode", kModes[m]}}, values[m]);
      if (guest_enabled_) {
        series_.Add(guest_, {{"cpu", cpu}, {"mode", "user"}}, t.guest);
        series_.Add(guest_, {{"cpu", cpu}, {"mode", "nice"}}, t.guest_nice);
      }
    }
    return absl::OkStatus();
  }

 private:
  // Folds fresh_ into stats_ so that no counter goes backwards.
  void Merge() {
    if (stats_.size() != fresh_.size()) stats_.assign(fresh_.size(), CpuTimes{});
    for (size_t i = 0; i < fresh_.size(); ++i) {
      CpuTimes& old = stats_[i];
      const CpuTimes& n = fresh_[i];
      if (old.cpu != n.cpu || old.idle - n.idle >= kJumpBackSeconds) old = CpuTimes{};
      old.cpu = n.cpu;
      auto keep_max = [](double& o, double v) {
        if (v >= o) o = v;
      };
      keep_max(old.user, n.user);
      keep_max(old.nice, n.nice);
      keep_max(old.system, n.system);
      keep_max(old.idle, n.idle);
      keep_max(old.iowait, n.iowait);
      keep_max(old.irq, n.irq);
      keep_max(old.softirq, n.softirq);
      keep_max(old.steal, n.steal);
      keep_max(old.guest, n.guest);
      keep_max(old.guest_nice, n.guest_nice);
    }
  }

  bool guest_enabled_;
  ProcFile stat_;
  MetricFamily cpu_, guest_;
  std::vector<CpuTimes> fresh_, stats_;
  std::vector<std::string> names_;
};

}  // namespace

CollectorOr NewCpuCollector(const Options& o, const Paths& p) {
  return std::make_unique<CpuCollector>(o, p);
}

}  // namespace outpost::integrations::node
