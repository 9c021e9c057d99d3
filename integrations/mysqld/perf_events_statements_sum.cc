// perf_schema.eventsstatementssum: grand sums over
// performance_schema.events_statements_summary_by_digest (mysqld_exporter
// collector/perf_schema_events_statements_sum.go). Only SUM_TIMER_WAIT is
// converted to seconds; the lock time stays in picoseconds, as upstream.
#include <array>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

struct Family {
  std::string_view name, help;
};
// In the query's column order.
constexpr std::array<Family, 21> kFamilies = {{
    {"events_statements_sum_total", "The total count of events statements."},
    {"events_statements_sum_created_tmp_disk_tables",
     "The number of on-disk temporary tables created."},
    {"events_statements_sum_created_tmp_tables", "The number of temporary tables created."},
    {"events_statements_sum_errors", "Number of errors."},
    {"events_statements_sum_lock_time", "Time in picoseconds spent waiting for locks."},
    {"events_statements_sum_no_good_index_used", "Number of times no good index was found."},
    {"events_statements_sum_no_index_used", "Number of times no index was found."},
    {"events_statements_sum_rows_affected", "Number of rows affected by statements."},
    {"events_statements_sum_rows_examined", "Number of rows read during statements' execution."},
    {"events_statements_sum_rows_sent", "Number of rows returned."},
    {"events_statements_sum_select_full_join",
     "Number of joins performed by statements which did not use an index."},
    {"events_statements_sum_select_full_range_join",
     "Number of joins performed by statements which used a range search of the first table."},
    {"events_statements_sum_select_range",
     "Number of joins performed by statements which used a range of the first table."},
    {"events_statements_sum_select_range_check",
     "Number of joins without keys performed by statements that check for key usage after each "
     "row."},
    {"events_statements_sum_select_scan",
     "Number of joins performed by statements which used a full scan of the first table."},
    {"events_statements_sum_sort_merge_passes",
     "Number of merge passes by the sort algorithm performed by statements."},
    {"events_statements_sum_sort_range",
     "Number of sorts performed by statements which used a range."},
    {"events_statements_sum_sort_rows", "Number of rows sorted."},
    {"events_statements_sum_sort_scan",
     "Number of sorts performed by statements which used a full table scan."},
    {"events_statements_sum_timer_wait",
     "Total wait time of the summarized events that are timed."},
    {"events_statements_sum_warnings", "Number of warnings."},
}};
constexpr size_t kTimerWait = 19;

class PerfEventsStatementsSumCollector final : public Collector {
 public:
  PerfEventsStatementsSumCollector() {
    for (size_t i = 0; i < kFamilies.size(); ++i) {
      f_[i] = {Cat("mysql_perf_schema_", kFamilies[i].name), MetricType::kCounter,
               std::string(kFamilies[i].help), ""};
    }
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT SUM(COUNT_STAR) AS SUM_COUNT_STAR, SUM(SUM_CREATED_TMP_DISK_TABLES) AS "
        "SUM_SUM_CREATED_TMP_DISK_TABLES, SUM(SUM_CREATED_TMP_TABLES) AS "
        "SUM_SUM_CREATED_TMP_TABLES, SUM(SUM_ERRORS) AS SUM_SUM_ERRORS, SUM(SUM_LOCK_TIME) AS "
        "SUM_SUM_LOCK_TIME, SUM(SUM_NO_GOOD_INDEX_USED) AS SUM_SUM_NO_GOOD_INDEX_USED, "
        "SUM(SUM_NO_INDEX_USED) AS SUM_SUM_NO_INDEX_USED, SUM(SUM_ROWS_AFFECTED) AS "
        "SUM_SUM_ROWS_AFFECTED, SUM(SUM_ROWS_EXAMINED) AS SUM_SUM_ROWS_EXAMINED, "
        "SUM(SUM_ROWS_SENT) AS SUM_SUM_ROWS_SENT, SUM(SUM_SELECT_FULL_JOIN) AS "
        "SUM_SUM_SELECT_FULL_JOIN, SUM(SUM_SELECT_FULL_RANGE_JOIN) AS "
        "SUM_SUM_SELECT_FULL_RANGE_JOIN, SUM(SUM_SELECT_RANGE) AS SUM_SUM_SELECT_RANGE, "
        "SUM(SUM_SELECT_RANGE_CHECK) AS SUM_SUM_SELECT_RANGE_CHECK, SUM(SUM_SELECT_SCAN) AS "
        "SUM_SUM_SELECT_SCAN, SUM(SUM_SORT_MERGE_PASSES) AS SUM_SUM_SORT_MERGE_PASSES, "
        "SUM(SUM_SORT_RANGE) AS SUM_SUM_SORT_RANGE, SUM(SUM_SORT_ROWS) AS SUM_SUM_SORT_ROWS, "
        "SUM(SUM_SORT_SCAN) AS SUM_SUM_SORT_SCAN, SUM(SUM_TIMER_WAIT) AS SUM_SUM_TIMER_WAIT, "
        "SUM(SUM_WARNINGS) AS SUM_SUM_WARNINGS FROM "
        "performance_schema.events_statements_summary_by_digest",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != kFamilies.size()) {
      return absl::InternalError("eventsstatementssum: expected 21 columns");
    }
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      // An empty digest table sums to NULLs: a scan error, as upstream.
      std::array<double, kFamilies.size()> v;
      for (size_t c = 0; c < v.size(); ++c) {
        if (st = ScanUint(rs_, r, c, &v[c]); !st.ok()) return st;
      }
      v[kTimerWait] /= 1e12;
      for (size_t i = 0; i < v.size(); ++i) series_.Add(f_[i], v[i]);
    }
    return absl::OkStatus();
  }

 private:
  std::array<MetricFamily, kFamilies.size()> f_;
};

}  // namespace

CollectorOr NewPerfEventsStatementsSumCollector(const Options&) {
  return std::make_unique<PerfEventsStatementsSumCollector>();
}

}  // namespace outpost::integrations::mysqld
