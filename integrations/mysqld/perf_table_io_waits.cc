// perf_schema.tableiowaits: performance_schema.table_io_waits_summary_by_table
// counts and times per table and operation (mysqld_exporter collector/
// perf_schema_table_io_waits.go). Timers are picoseconds.
#include <array>
#include <cstdint>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {

absl::Status ScanUint(const ResultSet& rs, size_t row, size_t col, double* out) {
  uint64_t v = 0;
  const ResultSet::Cell c = rs.Get(row, col);
  if (!c.has_value() || !ParseUint(*c, &v)) {
    return absl::InvalidArgumentError(Cat("column ", rs.columns()[col], ": cannot scan \"",
                                          c.value_or("NULL"), "\" into uint64"));
  }
  *out = static_cast<double>(v);
  return absl::OkStatus();
}

namespace {

constexpr std::array<std::string_view, 4> kOps = {"fetch", "insert", "update", "delete"};

class PerfTableIoWaitsCollector final : public Collector {
 public:
  PerfTableIoWaitsCollector() {
    count_ = {"mysql_perf_schema_table_io_waits_total", MetricType::kCounter,
              "The total number of table I/O wait events for each table and operation.", ""};
    time_ = {"mysql_perf_schema_table_io_waits_seconds_total", MetricType::kCounter,
             "The total time of table I/O wait events for each table and operation.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT OBJECT_SCHEMA, OBJECT_NAME, COUNT_FETCH, COUNT_INSERT, COUNT_UPDATE, "
        "COUNT_DELETE, SUM_TIMER_FETCH, SUM_TIMER_INSERT, SUM_TIMER_UPDATE, SUM_TIMER_DELETE "
        "FROM performance_schema.table_io_waits_summary_by_table WHERE OBJECT_SCHEMA NOT IN "
        "('mysql', 'performance_schema')",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 10) return absl::InternalError("table_io_waits: expected 10 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::array<double, 8> v;
      for (size_t c = 0; c < 8; ++c) {
        if (absl::Status s = ScanUint(rs_, r, c + 2, &v[c]); !s.ok()) return s;
      }
      const std::string_view schema = rs_.Text(r, 0), name = rs_.Text(r, 1);
      for (size_t i = 0; i < kOps.size(); ++i) {
        series_.Add(count_, {{"schema", schema}, {"name", name}, {"operation", kOps[i]}}, v[i]);
      }
      for (size_t i = 0; i < kOps.size(); ++i) {
        series_.Add(time_, {{"schema", schema}, {"name", name}, {"operation", kOps[i]}},
                    v[4 + i] / 1e12);
      }
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily count_, time_;
};

}  // namespace

CollectorOr NewPerfTableIoWaitsCollector(const Options&) {
  return std::make_unique<PerfTableIoWaitsCollector>();
}

}  // namespace outpost::integrations::mysqld
