// pressure: PSI totals from /proc/pressure/{cpu,io,memory}
// (node_exporter collector/pressure_linux.go; 1.5 reads only "some" for
// cpu). A missing directory (kernel < 4.20 or no CONFIG_PSI) is no data.
#include "integrations/node/collectors.h"

namespace outpost::integrations::node {

absl::Status ParsePressure(std::string_view text, PressureTotals* out) {
  *out = PressureTotals{};
  std::string_view line;
  while (NextLine(&text, &line)) {
    std::string_view f[6];
    size_t n = SplitFields(line, f, 6);
    if (n == 0) continue;
    bool some = f[0] == "some";
    if (!some && f[0] != "full") {
      return absl::InvalidArgumentError(Cat("unknown pressure line: ", line));
    }
    bool found = false;
    for (size_t i = 1; i < n; ++i) {
      if (f[i].substr(0, 6) != "total=") continue;
      double v;
      if (!ParseUintAsDouble(f[i].substr(6), &v)) {
        return absl::InvalidArgumentError(Cat("bad pressure total: ", line));
      }
      (some ? out->some_us : out->full_us) = v;
      (some ? out->has_some : out->has_full) = true;
      found = true;
    }
    if (!found) return absl::InvalidArgumentError(Cat("no total in: ", line));
  }
  return absl::OkStatus();
}

namespace {

class PressureCollector final : public Collector {
 public:
  explicit PressureCollector(const Paths& p)
      : cpu_file_(p.Proc("pressure/cpu")),
        io_file_(p.Proc("pressure/io")),
        mem_file_(p.Proc("pressure/memory")) {
    cpu_ = {"node_pressure_cpu_waiting_seconds_total", MetricType::kCounter,
            "Total time in seconds that processes have waited for CPU time", ""};
    io_ = {"node_pressure_io_waiting_seconds_total", MetricType::kCounter,
           "Total time in seconds that processes have waited due to IO congestion", ""};
    io_full_ = {"node_pressure_io_stalled_seconds_total", MetricType::kCounter,
                "Total time in seconds no process could make progress due to IO congestion", ""};
    mem_ = {"node_pressure_memory_waiting_seconds_total", MetricType::kCounter,
            "Total time in seconds that processes have waited for memory", ""};
    mem_full_ = {"node_pressure_memory_stalled_seconds_total", MetricType::kCounter,
                 "Total time in seconds no process could make progress due to memory congestion",
                 ""};
  }

 protected:
  absl::Status Update() override {
    PressureTotals t;
    struct Res {
      ProcFile* file;
      const MetricFamily* some;
      const MetricFamily* full;
    } res[] = {{&cpu_file_, &cpu_, nullptr},
               {&io_file_, &io_, &io_full_},
               {&mem_file_, &mem_, &mem_full_}};
    for (const Res& r : res) {
      absl::StatusOr<std::string_view> text = r.file->Read();
      if (!text.ok()) {
        if (absl::IsNotFound(text.status())) {
          return NoData("pressure information is unavailable (kernel >= 4.20 with CONFIG_PSI)");
        }
        return text.status();
      }
      if (absl::Status st = ParsePressure(*text, &t); !st.ok()) return st;
      series_.Add(*r.some, t.some_us / 1e6);
      if (r.full != nullptr) series_.Add(*r.full, t.full_us / 1e6);
    }
    return absl::OkStatus();
  }

 private:
  ProcFile cpu_file_, io_file_, mem_file_;
  MetricFamily cpu_, io_, io_full_, mem_, mem_full_;
};

}  // namespace

CollectorOr NewPressureCollector(const Options&, const Paths& p) {
  return std::make_unique<PressureCollector>(p);
}

}  // namespace outpost::integrations::node
