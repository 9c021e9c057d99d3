// stat_database: pg_stat_database_*{datid,datname}, one series per
// database per column of pg_stat_database (collector/pg_stat_database.go).
// A row with a NULL label or counter is skipped whole (the shared-objects
// row of PG 12+ has no datname); a NULL stats_reset is 0.
#include <array>

#include "integrations/postgres/collector.h"

namespace outpost::integrations::postgres {
namespace {

constexpr ColumnMetric kColumns[] = {
    {"numbackends", MetricType::kGauge,
     "Number of backends currently connected to this database. This is the only column in this "
     "view that returns a value reflecting current state; all other columns return the "
     "accumulated values since the last reset.",
     ScanKind::kFloat64},
    {"xact_commit", MetricType::kCounter,
     "Number of transactions in this database that have been committed", ScanKind::kFloat64},
    {"xact_rollback", MetricType::kCounter,
     "Number of transactions in this database that have been rolled back", ScanKind::kFloat64},
    {"blks_read", MetricType::kCounter, "Number of disk blocks read in this database",
     ScanKind::kFloat64},
    {"blks_hit", MetricType::kCounter,
     "Number of times disk blocks were found already in the buffer cache, so that a read was not "
     "necessary (this only includes hits in the PostgreSQL buffer cache, not the operating "
     "system's file system cache)",
     ScanKind::kFloat64},
    {"tup_returned", MetricType::kCounter, "Number of rows returned by queries in this database",
     ScanKind::kFloat64},
    {"tup_fetched", MetricType::kCounter, "Number of rows fetched by queries in this database",
     ScanKind::kFloat64},
    {"tup_inserted", MetricType::kCounter, "Number of rows inserted by queries in this database",
     ScanKind::kFloat64},
    {"tup_updated", MetricType::kCounter, "Number of rows updated by queries in this database",
     ScanKind::kFloat64},
    {"tup_deleted", MetricType::kCounter, "Number of rows deleted by queries in this database",
     ScanKind::kFloat64},
    {"conflicts", MetricType::kCounter,
     "Number of queries canceled due to conflicts with recovery in this database. (Conflicts "
     "occur only on standby servers; see pg_stat_database_conflicts for details.)",
     ScanKind::kFloat64},
    {"temp_files", MetricType::kCounter,
     "Number of temporary files created by queries in this database. All temporary files are "
     "counted, regardless of why the temporary file was created (e.g., sorting or hashing), and "
     "regardless of the log_temp_files setting.",
     ScanKind::kFloat64},
    {"temp_bytes", MetricType::kCounter,
     "Total amount of data written to temporary files by queries in this database. All "
     "temporary files are counted, regardless of why the temporary file was created, and "
     "regardless of the log_temp_files setting.",
     ScanKind::kFloat64},
    {"deadlocks", MetricType::kCounter, "Number of deadlocks detected in this database",
     ScanKind::kFloat64},
    {"blk_read_time", MetricType::kCounter,
     "Time spent reading data file blocks by backends in this database, in milliseconds",
     ScanKind::kFloat64},
    {"blk_write_time", MetricType::kCounter,
     "Time spent writing data file blocks by backends in this database, in milliseconds",
     ScanKind::kFloat64},
    {"stats_reset", MetricType::kCounter, "Time at which these statistics were last reset",
     ScanKind::kTime},
};
constexpr size_t kNumColumns = std::size(kColumns);

constexpr std::string_view kQuery =
    "SELECT datid, datname, numbackends, xact_commit, xact_rollback, blks_read, blks_hit, "
    "tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, conflicts, temp_files, "
    "temp_bytes, deadlocks, blk_read_time, blk_write_time, stats_reset FROM pg_stat_database;";

class StatDatabaseCollector final : public Collector {
 public:
  StatDatabaseCollector() : families_(MakeFamilies("pg_stat_database", kColumns)) {}

  absl::Status Update(Querier& q, const ServerVersion&, SeriesCache& out) override {
    if (absl::Status st = q.Query(kQuery, &rs_); !st.ok()) return st;
    if (absl::Status st = CheckColumns(rs_, 2 + kNumColumns); !st.ok()) return st;
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      if (absl::Status st = ScanRow(rs_, r, 2, kColumns, values_.data()); !st.ok()) return st;
      const ResultSet::Cell datid = rs_.Get(r, 0), datname = rs_.Get(r, 1);
      if (!datid.has_value() || !datname.has_value()) continue;
      bool complete = true;
      for (size_t i = 0; i + 1 < kNumColumns; ++i) complete = complete && values_[i].has_value();
      if (!complete) continue;
      labels_ = {*datid, *datname};
      std::span<const SeriesRef> refs = out.GetRow(families_, label_names_, labels_);
      for (size_t i = 0; i < kNumColumns; ++i) out.Add(refs[i], values_[i].value_or(0));
    }
    // Upstream returns nil here without checking rows.Err().
    return absl::OkStatus();
  }

 private:
  std::vector<MetricFamily> families_;
  std::array<std::optional<double>, kNumColumns> values_;
  const std::vector<std::string_view> label_names_ = {"datid", "datname"};
  std::vector<std::string_view> labels_;
};

}  // namespace

std::unique_ptr<Collector> NewStatDatabaseCollector(const CollectorConfig&) {
  return std::make_unique<StatDatabaseCollector>();
}

}  // namespace outpost::integrations::postgres
