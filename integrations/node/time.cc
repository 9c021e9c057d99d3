// time: node_time_seconds, node_time_zone_offset_seconds{time_zone} and the
// clocksources of <sysfs>/devices/system/clocksource/clocksource<N>
// (node_exporter collector/time.go and time_linux.go; the device label is
// the index in sorted order, as procfs' glob gives them).
#include <time.h>

#include <string>
#include <vector>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

class TimeCollector final : public Collector {
 public:
  explicit TimeCollector(const Paths& p) : dir_(p.Sys("devices/system/clocksource")) {
    now_ = {"node_time_seconds", MetricType::kGauge, "System time in seconds since epoch (1970).",
            ""};
    zone_ = {"node_time_zone_offset_seconds", MetricType::kGauge,
             "System time zone offset in seconds.", ""};
    available_ = {"node_time_clocksource_available_info", MetricType::kGauge,
                  "Available clocksources read from '/sys/devices/system/clocksource'.", ""};
    current_ = {"node_time_clocksource_current_info", MetricType::kGauge,
                "Current clocksource read from '/sys/devices/system/clocksource'.", ""};
  }

 protected:
  absl::Status Update() override {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    series_.Add(now_, static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9);
    struct tm local;
    localtime_r(&ts.tv_sec, &local);
    series_.Add(zone_, {{"time_zone", local.tm_zone != nullptr ? local.tm_zone : ""}},
                static_cast<double>(local.tm_gmtoff));

    if (sources_.empty()) {
      // The clocksource devices do not change while the system runs.
      absl::StatusOr<std::vector<std::string>> entries = ListDir(dir_);
      if (!entries.ok()) return entries.status();
      for (const std::string& e : *entries) {
        if (e.size() <= 11 || e.compare(0, 11, "clocksource") != 0) continue;
        if (e[11] < '0' || e[11] > '9') continue;
        std::string base = JoinPath(dir_, e);
        sources_.push_back(Source{std::to_string(sources_.size()),
                                  std::make_unique<ProcFile>(base + "/available_clocksource"),
                                  std::make_unique<ProcFile>(base + "/current_clocksource")});
      }
    }
    for (Source& s : sources_) {
      absl::StatusOr<std::string_view> avail = s.available->Read();
      if (!avail.ok()) return avail.status();
      std::string_view f[32];
      size_t n = SplitFields(Trim(*avail), f, 32);
      for (size_t i = 0; i < n; ++i) {
        series_.Add(available_, {{"clocksource", f[i]}, {"device", s.device}}, 1);
      }
      absl::StatusOr<std::string_view> cur = s.current->Read();
      if (!cur.ok()) return cur.status();
      series_.Add(current_, {{"clocksource", Trim(*cur)}, {"device", s.device}}, 1);
    }
    return absl::OkStatus();
  }

 private:
  struct Source {
    std::string device;
    std::unique_ptr<ProcFile> available, current;
  };

  std::string dir_;
  std::vector<Source> sources_;
  MetricFamily now_, zone_, available_, current_;
};

}  // namespace

CollectorOr NewTimeCollector(const Options&, const Paths& p) {
  return std::make_unique<TimeCollector>(p);
}

}  // namespace outpost::integrations::node
