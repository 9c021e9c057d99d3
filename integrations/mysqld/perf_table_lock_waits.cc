// perf_schema.tablelocks: performance_schema.table_lock_waits_summary_by_table
// counts and times per table, for SQL and external locks (mysqld_exporter
// collector/perf_schema_table_lock_waits.go). Timers are picoseconds.
#include <array>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

// Column order of the query's 10 counts (then the same 10 timers).
enum Op {
  kReadNormal,
  kReadSharedLocks,
  kReadHighPriority,
  kReadNoInsert,
  kReadExternal,
  kWriteAllowWrite,
  kWriteConcurrentInsert,
  kWriteLowPriority,
  kWriteNormal,
  kWriteExternal,
  kNumOps
};

// Upstream's emission order: (column, external?, operation label).
struct Emit {
  Op op;
  bool external;
  std::string_view label;
};
constexpr std::array<Emit, kNumOps> kEmit = {{
    {kReadNormal, false, "read_normal"},
    {kReadSharedLocks, false, "read_with_shared_locks"},
    {kReadHighPriority, false, "read_high_priority"},
    {kReadNoInsert, false, "read_no_insert"},
    {kWriteNormal, false, "write_normal"},
    {kWriteAllowWrite, false, "write_allow_write"},
    {kWriteConcurrentInsert, false, "write_concurrent_insert"},
    {kWriteLowPriority, false, "write_low_priority"},
    {kReadExternal, true, "read"},
    {kWriteExternal, true, "write"},
}};

class PerfTableLockWaitsCollector final : public Collector {
 public:
  PerfTableLockWaitsCollector() {
    sql_count_ = {"mysql_perf_schema_sql_lock_waits_total", MetricType::kCounter,
                  "The total number of SQL lock wait events for each table and operation.", ""};
    ext_count_ = {"mysql_perf_schema_external_lock_waits_total", MetricType::kCounter,
                  "The total number of external lock wait events for each table and operation.",
                  ""};
    sql_time_ = {"mysql_perf_schema_sql_lock_waits_seconds_total", MetricType::kCounter,
                 "The total time of SQL lock wait events for each table and operation.", ""};
    ext_time_ = {"mysql_perf_schema_external_lock_waits_seconds_total", MetricType::kCounter,
                 "The total time of external lock wait events for each table and operation.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT OBJECT_SCHEMA, OBJECT_NAME, COUNT_READ_NORMAL, COUNT_READ_WITH_SHARED_LOCKS, "
        "COUNT_READ_HIGH_PRIORITY, COUNT_READ_NO_INSERT, COUNT_READ_EXTERNAL, "
        "COUNT_WRITE_ALLOW_WRITE, COUNT_WRITE_CONCURRENT_INSERT, COUNT_WRITE_LOW_PRIORITY, "
        "COUNT_WRITE_NORMAL, COUNT_WRITE_EXTERNAL, SUM_TIMER_READ_NORMAL, "
        "SUM_TIMER_READ_WITH_SHARED_LOCKS, SUM_TIMER_READ_HIGH_PRIORITY, "
        "SUM_TIMER_READ_NO_INSERT, SUM_TIMER_READ_EXTERNAL, SUM_TIMER_WRITE_ALLOW_WRITE, "
        "SUM_TIMER_WRITE_CONCURRENT_INSERT, SUM_TIMER_WRITE_LOW_PRIORITY, "
        "SUM_TIMER_WRITE_NORMAL, SUM_TIMER_WRITE_EXTERNAL FROM "
        "performance_schema.table_lock_waits_summary_by_table WHERE OBJECT_SCHEMA NOT IN "
        "('mysql', 'performance_schema', 'information_schema')",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 22)
      return absl::InternalError("table_lock_waits: expected 22 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view schema, name;
      if (st = ScanString(rs_, r, 0, &schema); !st.ok()) return st;
      if (st = ScanString(rs_, r, 1, &name); !st.ok()) return st;
      std::array<double, 2 * kNumOps> v;
      for (size_t c = 0; c < v.size(); ++c) {
        if (st = ScanUint(rs_, r, c + 2, &v[c]); !st.ok()) return st;
      }
      for (const Emit& e : kEmit) {
        series_.Add(e.external ? ext_count_ : sql_count_,
                    {{"schema", schema}, {"name", name}, {"operation", e.label}}, v[e.op]);
      }
      for (const Emit& e : kEmit) {
        series_.Add(e.external ? ext_time_ : sql_time_,
                    {{"schema", schema}, {"name", name}, {"operation", e.label}},
                    v[kNumOps + e.op] / 1e12);
      }
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily sql_count_, ext_count_, sql_time_, ext_time_;
};

}  // namespace

CollectorOr NewPerfTableLockWaitsCollector(const Options&) {
  return std::make_unique<PerfTableLockWaitsCollector>();
}

}  // namespace outpost::integrations::mysqld
