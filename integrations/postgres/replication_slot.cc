// replication_slot: pg_replication_slot_slot_{current_wal_lsn,
// confirmed_flush_lsn,is_active}{slot_name} per replication slot
// (collector/pg_replication_slot.go). LSNs are byte positions; the flushed
// LSN is only reported for an active slot.
#include "integrations/postgres/collector.h"

namespace outpost::integrations::postgres {
namespace {

// The query of pg_replication_slot.go, whitespace aside.
constexpr std::string_view kQuery =
    "SELECT slot_name, "
    "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() - '0/0' "
    "ELSE pg_current_wal_lsn() - '0/0' END AS current_wal_lsn, "
    "COALESCE(confirmed_flush_lsn, '0/0') - '0/0', active "
    "FROM pg_replication_slots;";

class ReplicationSlotCollector final : public Collector {
 public:
  ReplicationSlotCollector() {
    wal_ = {"pg_replication_slot_slot_current_wal_lsn", MetricType::kGauge, "current wal lsn value",
            ""};
    flush_ = {"pg_replication_slot_slot_confirmed_flush_lsn", MetricType::kGauge,
              "last lsn confirmed flushed to the replication slot", ""};
    active_ = {"pg_replication_slot_slot_is_active", MetricType::kGauge,
               "whether the replication slot is active or not", ""};
  }

  absl::Status Update(Querier& q, const ServerVersion&, SeriesCache& out) override {
    if (absl::Status st = q.Query(kQuery, &rs_); !st.ok()) return st;
    if (absl::Status st = CheckColumns(rs_, 4); !st.ok()) return st;
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::optional<double> wal, flush, active;
      absl::Status st = ScanNull(rs_, r, 1, ScanKind::kFloat64, &wal);
      if (st.ok()) st = ScanNull(rs_, r, 2, ScanKind::kFloat64, &flush);
      if (st.ok()) st = ScanNull(rs_, r, 3, ScanKind::kBool, &active);
      if (!st.ok()) return st;
      const std::string_view slot = rs_.Get(r, 0).value_or("unknown");
      const bool is_active = active.value_or(0) == 1;
      out.Add(wal_, {{"slot_name", slot}}, wal.value_or(0));
      if (is_active) out.Add(flush_, {{"slot_name", slot}}, flush.value_or(0));
      out.Add(active_, {{"slot_name", slot}}, is_active ? 1 : 0);
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily wal_, flush_, active_;
};

}  // namespace

std::unique_ptr<Collector> NewReplicationSlotCollector(const CollectorConfig&) {
  return std::make_unique<ReplicationSlotCollector>();
}

}  // namespace outpost::integrations::postgres
