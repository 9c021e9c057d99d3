// perf_schema.file_events and perf_schema.file_instances: file I/O by event
// name (performance_schema.file_summary_by_event_name) and by file
// (file_summary_by_instance, names matching perf_schema_file_instances_filter
// with perf_schema_file_instances_remove_prefix removed) (mysqld_exporter
// collector/perf_schema_file_events.go, perf_schema_file_instances.go).
#include <array>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class PerfFileEventsCollector final : public Collector {
 public:
  PerfFileEventsCollector() {
    count_ = {"mysql_perf_schema_file_events_total", MetricType::kCounter,
              "The total file events by event name/mode.", ""};
    time_ = {"mysql_perf_schema_file_events_seconds_total", MetricType::kCounter,
             "The total seconds of file events by event name/mode.", ""};
    bytes_ = {"mysql_perf_schema_file_events_bytes_total", MetricType::kCounter,
              "The total bytes of file events by event name/mode.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT EVENT_NAME, COUNT_READ, SUM_TIMER_READ, SUM_NUMBER_OF_BYTES_READ, COUNT_WRITE, "
        "SUM_TIMER_WRITE, SUM_NUMBER_OF_BYTES_WRITE, COUNT_MISC, SUM_TIMER_MISC FROM "
        "performance_schema.file_summary_by_event_name",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 9) return absl::InternalError("file_events: expected 9 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view name;
      if (st = ScanString(rs_, r, 0, &name); !st.ok()) return st;
      std::array<double, 8> v;
      for (size_t c = 0; c < v.size(); ++c) {
        if (st = ScanUint(rs_, r, c + 1, &v[c]); !st.ok()) return st;
      }
      series_.Add(count_, {{"event_name", name}, {"mode", "read"}}, v[0]);
      series_.Add(time_, {{"event_name", name}, {"mode", "read"}}, v[1] / 1e12);
      series_.Add(bytes_, {{"event_name", name}, {"mode", "read"}}, v[2]);
      series_.Add(count_, {{"event_name", name}, {"mode", "write"}}, v[3]);
      series_.Add(time_, {{"event_name", name}, {"mode", "write"}}, v[4] / 1e12);
      series_.Add(bytes_, {{"event_name", name}, {"mode", "write"}}, v[5]);
      series_.Add(count_, {{"event_name", name}, {"mode", "misc"}}, v[6]);
      series_.Add(time_, {{"event_name", name}, {"mode", "misc"}}, v[7] / 1e12);
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily count_, time_, bytes_;
};

class PerfFileInstancesCollector final : public Collector {
 public:
  explicit PerfFileInstancesCollector(const Options& o)
      : remove_prefix_(o.perf_schema_file_instances_remove_prefix) {
    bytes_ = {"mysql_perf_schema_file_instances_bytes", MetricType::kCounter,
              "The number of bytes processed by file read/write operations.", ""};
    count_ = {"mysql_perf_schema_file_instances_total", MetricType::kCounter,
              "The total number of file read/write operations.", ""};
    // Upstream binds the filter as a statement parameter; outpost quotes it.
    query_ =
        Cat("SELECT FILE_NAME, EVENT_NAME, COUNT_READ, COUNT_WRITE, SUM_NUMBER_OF_BYTES_READ, "
            "SUM_NUMBER_OF_BYTES_WRITE FROM performance_schema.file_summary_by_instance where "
            "FILE_NAME REGEXP ",
            SqlQuote(o.perf_schema_file_instances_filter));
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(query_, &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 6) return absl::InternalError("file_instances: expected 6 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view file, event;
      if (st = ScanString(rs_, r, 0, &file); !st.ok()) return st;
      if (st = ScanString(rs_, r, 1, &event); !st.ok()) return st;
      std::array<double, 4> v;
      for (size_t c = 0; c < v.size(); ++c) {
        if (st = ScanUint(rs_, r, c + 2, &v[c]); !st.ok()) return st;
      }
      if (!remove_prefix_.empty() && file.substr(0, remove_prefix_.size()) == remove_prefix_) {
        file.remove_prefix(remove_prefix_.size());  // strings.TrimPrefix
      }
      series_.Add(count_, {{"file_name", file}, {"event_name", event}, {"mode", "read"}}, v[0]);
      series_.Add(count_, {{"file_name", file}, {"event_name", event}, {"mode", "write"}}, v[1]);
      series_.Add(bytes_, {{"file_name", file}, {"event_name", event}, {"mode", "read"}}, v[2]);
      series_.Add(bytes_, {{"file_name", file}, {"event_name", event}, {"mode", "write"}}, v[3]);
    }
    return absl::OkStatus();
  }

 private:
  std::string remove_prefix_, query_;
  MetricFamily bytes_, count_;
};

}  // namespace

CollectorOr NewPerfFileEventsCollector(const Options&) {
  return std::make_unique<PerfFileEventsCollector>();
}
CollectorOr NewPerfFileInstancesCollector(const Options& o) {
  return std::make_unique<PerfFileInstancesCollector>(o);
}

}  // namespace outpost::integrations::mysqld
