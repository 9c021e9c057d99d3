// locks: pg_locks_count{datname,mode}, every lock mode of every database,
// 0 when none is held (collector/pg_locks.go).
#include "integrations/postgres/collector.h"

namespace outpost::integrations::postgres {
namespace {

// The query of pg_locks.go, whitespace aside.
constexpr std::string_view kQuery =
    "SELECT pg_database.datname as datname, tmp.mode as mode, COALESCE(count, 0) as count "
    "FROM (VALUES ('accesssharelock'), ('rowsharelock'), ('rowexclusivelock'), "
    "('shareupdateexclusivelock'), ('sharelock'), ('sharerowexclusivelock'), "
    "('exclusivelock'), ('accessexclusivelock'), ('sireadlock')) AS tmp(mode) "
    "CROSS JOIN pg_database "
    "LEFT JOIN (SELECT database, lower(mode) AS mode, count(*) AS count FROM pg_locks "
    "WHERE database IS NOT NULL GROUP BY database, lower(mode)) AS tmp2 "
    "ON tmp.mode = tmp2.mode and pg_database.oid = tmp2.database ORDER BY 1";

class LocksCollector final : public Collector {
 public:
  LocksCollector() { count_ = {"pg_locks_count", MetricType::kGauge, "Number of locks", ""}; }

  absl::Status Update(Querier& q, const ServerVersion&, SeriesCache& out) override {
    if (absl::Status st = q.Query(kQuery, &rs_); !st.ok()) return st;
    if (absl::Status st = CheckColumns(rs_, 3); !st.ok()) return st;
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::optional<double> count;
      if (absl::Status st = ScanNull(rs_, r, 2, ScanKind::kInt64, &count); !st.ok()) return st;
      const ResultSet::Cell datname = rs_.Get(r, 0), mode = rs_.Get(r, 1);
      if (!datname.has_value() || !mode.has_value()) continue;
      out.Add(count_, {{"datname", *datname}, {"mode", *mode}}, count.value_or(0));
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily count_;
};

}  // namespace

std::unique_ptr<Collector> NewLocksCollector(const CollectorConfig&) {
  return std::make_unique<LocksCollector>();
}

}  // namespace outpost::integrations::postgres
