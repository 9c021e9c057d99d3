// cpufreq: per-CPU frequencies from <sysfs>/devices/system/cpu/cpu<N>/cpufreq
// (node_exporter collector/cpufreq_linux.go with prometheus/procfs
// sysfs/system_cpu.go v0.8.0: CPUs without a cpufreq directory are
// skipped; the frequency files are optional (absent or unreadable for
// permission), the governor/driver files are required; kHz are reported as
// Hz).
#include <sys/stat.h>

#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

struct FreqFile {
  const char* file;
  const char* metric;
  const char* help;
};

constexpr FreqFile kFreqFiles[] = {
    {"cpuinfo_cur_freq", "node_cpu_frequency_hertz", "Current cpu thread frequency in hertz."},
    {"cpuinfo_min_freq", "node_cpu_frequency_min_hertz", "Minimum cpu thread frequency in hertz."},
    {"cpuinfo_max_freq", "node_cpu_frequency_max_hertz", "Maximum cpu thread frequency in hertz."},
    {"scaling_cur_freq", "node_cpu_scaling_frequency_hertz",
     "Current scaled CPU thread frequency in hertz."},
    {"scaling_min_freq", "node_cpu_scaling_frequency_min_hertz",
     "Minimum scaled CPU thread frequency in hertz."},
    {"scaling_max_freq", "node_cpu_scaling_frequency_max_hertz",
     "Maximum scaled CPU thread frequency in hertz."},
};
constexpr size_t kFreqCount = std::size(kFreqFiles);

// procfs reads these too and fails without them, though they are not
// reported.
constexpr const char* kRequired[] = {"scaling_available_governors", "scaling_driver",
                                     "scaling_governor", "related_cpus", "scaling_setspeed"};

class CpufreqCollector final : public Collector {
 public:
  explicit CpufreqCollector(const Paths& p) : dir_(p.Sys("devices/system/cpu")) {
    for (size_t i = 0; i < kFreqCount; ++i) {
      families_[i] = {kFreqFiles[i].metric, MetricType::kGauge, kFreqFiles[i].help, ""};
    }
  }

 protected:
  absl::Status Update() override {
    absl::StatusOr<std::vector<std::string>> cpus = ListDir(dir_);
    if (!cpus.ok()) return cpus.status();
    absl::Status st = absl::OkStatus();
    for (const std::string& cpu : *cpus) {
      if (cpu.size() < 4 || cpu.compare(0, 3, "cpu") != 0 || cpu[3] < '0' || cpu[3] > '9') continue;
      const std::string base = Cat(dir_, "/", cpu, "/cpufreq");
      struct stat sb;
      if (::stat(base.c_str(), &sb) != 0) continue;  // no cpufreq for this CPU
      st = Cpu(std::string_view(cpu).substr(3), base);
      if (!st.ok()) break;
    }
    files_.Sweep();
    return st;
  }

 private:
  absl::Status Cpu(std::string_view name, const std::string& base) {
    double values[kFreqCount];
    bool present[kFreqCount] = {};
    for (size_t i = 0; i < kFreqCount; ++i) {
      absl::StatusOr<std::string_view> r = files_.Get(Cat(base, "/", kFreqFiles[i].file)).Read();
      if (!r.ok()) {
        if (absl::IsNotFound(r.status()) || absl::IsPermissionDenied(r.status())) continue;
        return r.status();
      }
      if (!ParseUintAsDouble(Trim(*r), &values[i])) {
        return absl::InvalidArgumentError(Cat("bad value in ", base, "/", kFreqFiles[i].file));
      }
      present[i] = true;
    }
    for (const char* f : kRequired) {
      absl::StatusOr<std::string_view> r = files_.Get(Cat(base, "/", f)).Read();
      if (!r.ok()) return r.status();
    }
    for (size_t i = 0; i < kFreqCount; ++i) {
      if (present[i]) series_.Add(families_[i], {{"cpu", name}}, values[i] * 1000.0);
    }
    return absl::OkStatus();
  }

  std::string dir_;
  ProcFileSet files_;
  MetricFamily families_[kFreqCount];
};

}  // namespace

CollectorOr NewCpufreqCollector(const Options&, const Paths& p) {
  return std::make_unique<CpufreqCollector>(p);
}

}  // namespace outpost::integrations::node
