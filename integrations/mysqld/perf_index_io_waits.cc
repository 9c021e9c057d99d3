// perf_schema.indexiowaits: performance_schema.
// table_io_waits_summary_by_index_usage per index and operation
// (mysqld_exporter collector/perf_schema_index_io_waits.go); insert only
// for the "NONE" pseudo-index, as upstream. Timers are picoseconds.
#include <array>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

constexpr std::array<std::string_view, 4> kOps = {"fetch", "insert", "update", "delete"};

class PerfIndexIoWaitsCollector final : public Collector {
 public:
  PerfIndexIoWaitsCollector() {
    count_ = {"mysql_perf_schema_index_io_waits_total", MetricType::kCounter,
              "The total number of index I/O wait events for each index and operation.", ""};
    time_ = {"mysql_perf_schema_index_io_waits_seconds_total", MetricType::kCounter,
             "The total time of index I/O wait events for each index and operation.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT OBJECT_SCHEMA, OBJECT_NAME, ifnull(INDEX_NAME, 'NONE') as INDEX_NAME, "
        "COUNT_FETCH, COUNT_INSERT, COUNT_UPDATE, COUNT_DELETE, SUM_TIMER_FETCH, "
        "SUM_TIMER_INSERT, SUM_TIMER_UPDATE, SUM_TIMER_DELETE FROM "
        "performance_schema.table_io_waits_summary_by_index_usage WHERE OBJECT_SCHEMA NOT IN "
        "('mysql', 'performance_schema')",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 11) return absl::InternalError("index_io_waits: expected 11 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::array<double, 8> v;
      for (size_t c = 0; c < 8; ++c) {
        if (absl::Status s = ScanUint(rs_, r, c + 3, &v[c]); !s.ok()) return s;
      }
      const std::string_view schema = rs_.Text(r, 0), name = rs_.Text(r, 1),
                             index = rs_.Text(r, 2);
      for (size_t i = 0; i < kOps.size(); ++i) {
        if (i == 1 && index != "NONE") continue;
        series_.Add(count_,
                    {{"schema", schema}, {"name", name}, {"index", index}, {"operation", kOps[i]}},
                    v[i]);
        series_.Add(time_,
                    {{"schema", schema}, {"name", name}, {"index", index}, {"operation", kOps[i]}},
                    v[4 + i] / 1e12);
      }
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily count_, time_;
};

}  // namespace

CollectorOr NewPerfIndexIoWaitsCollector(const Options&) {
  return std::make_unique<PerfIndexIoWaitsCollector>();
}

}  // namespace outpost::integrations::mysqld
