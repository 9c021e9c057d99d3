// perf_schema.eventswaits: wait events by name from
// performance_schema.events_waits_summary_global_by_event_name
// (mysqld_exporter collector/perf_schema_events_waits.go).
#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class PerfEventsWaitsCollector final : public Collector {
 public:
  PerfEventsWaitsCollector() {
    count_ = {"mysql_perf_schema_events_waits_total", MetricType::kCounter,
              "The total events waits by event name.", ""};
    time_ = {"mysql_perf_schema_events_waits_seconds_total", MetricType::kCounter,
             "The total seconds of events waits by event name.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT EVENT_NAME, COUNT_STAR, SUM_TIMER_WAIT FROM "
        "performance_schema.events_waits_summary_global_by_event_name",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 3) return absl::InternalError("events_waits: expected 3 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view name;
      double count, time;
      if (st = ScanString(rs_, r, 0, &name); !st.ok()) return st;
      if (st = ScanUint(rs_, r, 1, &count); !st.ok()) return st;
      if (st = ScanUint(rs_, r, 2, &time); !st.ok()) return st;
      series_.Add(count_, {{"event_name", name}}, count);
      series_.Add(time_, {{"event_name", name}}, time / 1e12);
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily count_, time_;
};

}  // namespace

CollectorOr NewPerfEventsWaitsCollector(const Options&) {
  return std::make_unique<PerfEventsWaitsCollector>();
}

}  // namespace outpost::integrations::mysqld
