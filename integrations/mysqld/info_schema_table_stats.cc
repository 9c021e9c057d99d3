// info_schema.tablestats and info_schema.schemastats: rows read/changed per
// table and per schema from information_schema.table_statistics, when
// userstat is on (mysqld_exporter collector/info_schema_tablestats.go,
// info_schema_schemastats.go).
#include <array>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

// Both map rows of (label columns..., ROWS_READ, ROWS_CHANGED,
// ROWS_CHANGED_X_INDEXES) to three counters.
class TableStatisticsCollector final : public Collector {
 public:
  // by_schema: schemastats (label "schema" only), else tablestats.
  explicit TableStatisticsCollector(bool by_schema) : by_schema_(by_schema) {
    const std::string_view what = by_schema ? "schema" : "table";
    const std::string prefix = Cat("mysql_info_schema_", what, "_statistics_");
    f_[0] = {Cat(prefix, "rows_read_total"), MetricType::kCounter,
             Cat("The number of rows read from the ", what, "."), ""};
    f_[1] = {Cat(prefix, "rows_changed_total"), MetricType::kCounter,
             Cat("The number of rows changed in the ", what, "."), ""};
    f_[2] = {Cat(prefix, "rows_changed_x_indexes_total"), MetricType::kCounter,
             Cat("The number of rows changed in the ", what,
                 ", multiplied by the number of indexes changed."),
             ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    if (!UserstatEnabled(q, &rs_)) return absl::OkStatus();
    absl::Status st = q.Query(
        by_schema_ ? "SELECT TABLE_SCHEMA, SUM(ROWS_READ) AS ROWS_READ, SUM(ROWS_CHANGED) AS "
                     "ROWS_CHANGED, SUM(ROWS_CHANGED_X_INDEXES) AS ROWS_CHANGED_X_INDEXES FROM "
                     "information_schema.TABLE_STATISTICS GROUP BY TABLE_SCHEMA"
                   : "SELECT TABLE_SCHEMA, TABLE_NAME, ROWS_READ, ROWS_CHANGED, "
                     "ROWS_CHANGED_X_INDEXES FROM information_schema.table_statistics",
        &rs_);
    if (!st.ok()) return st;
    const size_t labels = by_schema_ ? 1 : 2;
    if (rs_.num_columns() != labels + 3) {
      return absl::InternalError("table_statistics: unexpected number of columns");
    }
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view schema, table;
      if (st = ScanString(rs_, r, 0, &schema); !st.ok()) return st;
      if (!by_schema_) {
        if (st = ScanString(rs_, r, 1, &table); !st.ok()) return st;
      }
      std::array<double, 3> v;
      for (size_t i = 0; i < 3; ++i) {
        if (st = ScanUint(rs_, r, labels + i, &v[i]); !st.ok()) return st;
      }
      for (size_t i = 0; i < 3; ++i) {
        if (by_schema_) {
          series_.Add(f_[i], {{"schema", schema}}, v[i]);
        } else {
          series_.Add(f_[i], {{"schema", schema}, {"table", table}}, v[i]);
        }
      }
    }
    return absl::OkStatus();
  }

 private:
  bool by_schema_;
  std::array<MetricFamily, 3> f_;
};

}  // namespace

CollectorOr NewTableStatsCollector(const Options&) {
  return std::make_unique<TableStatisticsCollector>(false);
}
CollectorOr NewSchemaStatsCollector(const Options&) {
  return std::make_unique<TableStatisticsCollector>(true);
}

}  // namespace outpost::integrations::mysqld
