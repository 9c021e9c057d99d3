// wal: pg_wal_segments and pg_wal_size_bytes, the WAL segment files in
// pg_wal (collector/pg_wal.go; pg_ls_waldir needs pg_monitor).
#include "integrations/postgres/collector.h"

namespace outpost::integrations::postgres {
namespace {

// The query of pg_wal.go, whitespace aside.
constexpr std::string_view kQuery =
    "SELECT COUNT(*) AS segments, SUM(size) AS size FROM pg_ls_waldir() "
    "WHERE name ~ '^[0-9A-F]{24}$'";

class WalCollector final : public Collector {
 public:
  WalCollector() {
    segments_ = {"pg_wal_segments", MetricType::kGauge, "Number of WAL segments", ""};
    size_ = {"pg_wal_size_bytes", MetricType::kGauge, "Total size of WAL segments", ""};
  }

  absl::Status Update(Querier& q, const ServerVersion&, SeriesCache& out) override {
    // Scanned into uint64: a NULL sum (no segment) is an error, as upstream.
    double v[2];
    if (absl::Status st = QueryRow(q, kQuery, &rs_, {ScanKind::kUint64, ScanKind::kUint64}, v);
        !st.ok()) {
      return st;
    }
    out.Add(segments_, v[0]);
    out.Add(size_, v[1]);
    return absl::OkStatus();
  }

 private:
  MetricFamily segments_, size_;
};

}  // namespace

std::unique_ptr<Collector> NewWalCollector(const CollectorConfig&) {
  return std::make_unique<WalCollector>();
}

}  // namespace outpost::integrations::postgres
