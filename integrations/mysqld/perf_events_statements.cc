// perf_schema.eventsstatements: per-digest statement counters from
// performance_schema.events_statements_summary_by_digest, the
// perf_schema_eventsstatements_limit slowest digests seen within
// perf_schema_eventsstatements_time_limit seconds, digest text cut to
// perf_schema_eventsstatements_digtext_text_limit characters
// (mysqld_exporter collector/perf_schema_events_statements.go).
#include <array>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

// The 12 value columns after SCHEMA_NAME, DIGEST, DIGEST_TEXT, in query
// order, with upstream's family (index into kFamilies) for each.
struct Family {
  std::string_view name, help;
};
constexpr std::array<Family, 12> kFamilies = {{
    {"events_statements_total", "The total count of events statements by digest."},
    {"events_statements_seconds_total", "The total time of events statements by digest."},
    {"events_statements_errors_total", "The errors of events statements by digest."},
    {"events_statements_warnings_total", "The warnings of events statements by digest."},
    {"events_statements_rows_affected_total",
     "The total rows affected of events statements by digest."},
    {"events_statements_rows_sent_total", "The total rows sent of events statements by digest."},
    {"events_statements_rows_examined_total",
     "The total rows examined of events statements by digest."},
    // Upstream scans SUM_CREATED_TMP_DISK_TABLES into tmpTables and
    // SUM_CREATED_TMP_TABLES into tmpDiskTables: the two are swapped, kept.
    {"events_statements_tmp_tables_total", "The total tmp tables of events statements by digest."},
    {"events_statements_tmp_disk_tables_total",
     "The total tmp disk tables of events statements by digest."},
    {"events_statements_sort_merge_passes_total",
     "The total number of merge passes by the sort algorithm performed by digest."},
    {"events_statements_sort_rows_total", "The total number of sorted rows by digest."},
    {"events_statements_no_index_used_total",
     "The total number of statements that used full table scans by digest."},
}};

class PerfEventsStatementsCollector final : public Collector {
 public:
  explicit PerfEventsStatementsCollector(const Options& o) {
    for (size_t i = 0; i < kFamilies.size(); ++i) {
      f_[i] = {Cat("mysql_perf_schema_", kFamilies[i].name), MetricType::kCounter,
               std::string(kFamilies[i].help), ""};
    }
    query_ = Cat(
        "SELECT ifnull(SCHEMA_NAME, 'NONE') as SCHEMA_NAME, DIGEST, LEFT(DIGEST_TEXT, ",
        o.perf_schema_eventsstatements_digtext_text_limit,
        ") as DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT, SUM_ERRORS, SUM_WARNINGS, "
        "SUM_ROWS_AFFECTED, SUM_ROWS_SENT, SUM_ROWS_EXAMINED, SUM_CREATED_TMP_DISK_TABLES, "
        "SUM_CREATED_TMP_TABLES, SUM_SORT_MERGE_PASSES, SUM_SORT_ROWS, SUM_NO_INDEX_USED FROM ("
        "SELECT * FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME "
        "NOT IN ('mysql', 'performance_schema', 'information_schema') AND LAST_SEEN > "
        "DATE_SUB(NOW(), INTERVAL ",
        o.perf_schema_eventsstatements_time_limit,
        " SECOND) ORDER BY LAST_SEEN DESC)Q GROUP BY Q.SCHEMA_NAME, Q.DIGEST, Q.DIGEST_TEXT, "
        "Q.COUNT_STAR, Q.SUM_TIMER_WAIT, Q.SUM_ERRORS, Q.SUM_WARNINGS, Q.SUM_ROWS_AFFECTED, "
        "Q.SUM_ROWS_SENT, Q.SUM_ROWS_EXAMINED, Q.SUM_CREATED_TMP_DISK_TABLES, "
        "Q.SUM_CREATED_TMP_TABLES, Q.SUM_SORT_MERGE_PASSES, Q.SUM_SORT_ROWS, "
        "Q.SUM_NO_INDEX_USED ORDER BY SUM_TIMER_WAIT DESC LIMIT ",
        o.perf_schema_eventsstatements_limit);
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(query_, &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 15)
      return absl::InternalError("eventsstatements: expected 15 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::array<std::string_view, 3> l;
      for (size_t c = 0; c < 3; ++c) {
        if (st = ScanString(rs_, r, c, &l[c]); !st.ok()) return st;
      }
      std::array<double, 12> v;
      for (size_t c = 0; c < v.size(); ++c) {
        if (st = ScanUint(rs_, r, c + 3, &v[c]); !st.ok()) return st;
      }
      v[1] /= 1e12;  // SUM_TIMER_WAIT is in picoseconds
      for (size_t i = 0; i < v.size(); ++i) {
        series_.Add(f_[i], {{"schema", l[0]}, {"digest", l[1]}, {"digest_text", l[2]}}, v[i]);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string query_;
  std::array<MetricFamily, 12> f_;
};

}  // namespace

CollectorOr NewPerfEventsStatementsCollector(const Options& o) {
  return std::make_unique<PerfEventsStatementsCollector>(o);
}

}  // namespace outpost::integrations::mysqld
