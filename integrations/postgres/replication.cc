// replication: pg_replication_lag_seconds and pg_replication_is_replica
// (collector/pg_replication.go). On a primary, or a replica that has
// replayed all it received, the lag is 0.
#include "integrations/postgres/collector.h"

namespace outpost::integrations::postgres {
namespace {

// The query of pg_replication.go, whitespace aside.
constexpr std::string_view kQuery =
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn () = pg_last_wal_replay_lsn () THEN 0 "
    "ELSE GREATEST (0, EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))) "
    "END AS lag, "
    "CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END as is_replica";

class ReplicationCollector final : public Collector {
 public:
  ReplicationCollector() {
    lag_ = {"pg_replication_lag_seconds", MetricType::kGauge,
            "Replication lag behind master in seconds", ""};
    is_replica_ = {"pg_replication_is_replica", MetricType::kGauge,
                   "Indicates if the server is a replica", ""};
  }

  absl::Status Update(Querier& q, const ServerVersion&, SeriesCache& out) override {
    // Plain float64 and int64: NULL is a Scan error.
    double v[2];
    if (absl::Status st = QueryRow(q, kQuery, &rs_, {ScanKind::kFloat64, ScanKind::kInt64}, v);
        !st.ok()) {
      return st;
    }
    out.Add(lag_, v[0]);
    out.Add(is_replica_, v[1]);
    return absl::OkStatus();
  }

 private:
  MetricFamily lag_, is_replica_;
};

}  // namespace

std::unique_ptr<Collector> NewReplicationCollector(const CollectorConfig&) {
  return std::make_unique<ReplicationCollector>();
}

}  // namespace outpost::integrations::postgres
