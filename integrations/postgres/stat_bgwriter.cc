// stat_bgwriter: pg_stat_bgwriter_*_total, the background writer and
// checkpointer counters (collector/pg_stat_bgwriter.go). stats_reset_total
// is the reset time in Unix seconds; NULL columns count as 0.
//
// PostgreSQL 17 moved the checkpoint columns to pg_stat_checkpointer and
// dropped buffers_backend*: the fork at 9358270470dd still asks for them
// there and fails. outpost reads the four columns PG 17 kept, as upstream
// does since prometheus-community/postgres_exporter#1072.
#include <array>

#include "integrations/postgres/collector.h"

namespace outpost::integrations::postgres {
namespace {

constexpr ColumnMetric kColumns[] = {
    {"checkpoints_timed_total", MetricType::kCounter,
     "Number of scheduled checkpoints that have been performed", ScanKind::kInt64},
    {"checkpoints_req_total", MetricType::kCounter,
     "Number of requested checkpoints that have been performed", ScanKind::kInt64},
    {"checkpoint_write_time_total", MetricType::kCounter,
     "Total amount of time that has been spent in the portion of checkpoint processing where "
     "files are written to disk, in milliseconds",
     ScanKind::kFloat64},
    {"checkpoint_sync_time_total", MetricType::kCounter,
     "Total amount of time that has been spent in the portion of checkpoint processing where "
     "files are synchronized to disk, in milliseconds",
     ScanKind::kFloat64},
    {"buffers_checkpoint_total", MetricType::kCounter,
     "Number of buffers written during checkpoints", ScanKind::kInt64},
    {"buffers_clean_total", MetricType::kCounter,
     "Number of buffers written by the background writer", ScanKind::kInt64},
    {"maxwritten_clean_total", MetricType::kCounter,
     "Number of times the background writer stopped a cleaning scan because it had written too "
     "many buffers",
     ScanKind::kInt64},
    {"buffers_backend_total", MetricType::kCounter,
     "Number of buffers written directly by a backend", ScanKind::kInt64},
    {"buffers_backend_fsync_total", MetricType::kCounter,
     "Number of times a backend had to execute its own fsync call (normally the background "
     "writer handles those even when the backend does its own write)",
     ScanKind::kInt64},
    {"buffers_alloc_total", MetricType::kCounter, "Number of buffers allocated", ScanKind::kInt64},
    {"stats_reset_total", MetricType::kCounter, "Time at which these statistics were last reset",
     ScanKind::kTime},
};

constexpr std::string_view kQuery =
    "SELECT checkpoints_timed, checkpoints_req, checkpoint_write_time, checkpoint_sync_time, "
    "buffers_checkpoint, buffers_clean, maxwritten_clean, buffers_backend, "
    "buffers_backend_fsync, buffers_alloc, stats_reset FROM pg_stat_bgwriter;";

// PostgreSQL 17: buffers_clean, maxwritten_clean, buffers_alloc, stats_reset.
constexpr std::string_view kQuery17 =
    "SELECT buffers_clean, maxwritten_clean, buffers_alloc, stats_reset FROM pg_stat_bgwriter;";
constexpr std::array<size_t, 4> kColumns17 = {5, 6, 9, 10};

class StatBgwriterCollector final : public Collector {
 public:
  StatBgwriterCollector() : table_("pg_stat_bgwriter", {}, kColumns) {}

  absl::Status Update(Querier& q, const ServerVersion& v, SeriesCache& out) override {
    const bool pg17 = v.AtLeast(17);
    if (absl::Status st = q.Query(pg17 ? kQuery17 : kQuery, &rs_); !st.ok()) return st;
    if (absl::Status st = CheckRow(rs_, pg17 ? kColumns17.size() : table_.width()); !st.ok()) {
      return st;
    }
    return pg17 ? table_.EmitRow(rs_, 0, out, kColumns17) : table_.EmitRow(rs_, 0, out);
  }

 private:
  ColumnTable table_;
};

}  // namespace

std::unique_ptr<Collector> NewStatBgwriterCollector(const CollectorConfig&) {
  return std::make_unique<StatBgwriterCollector>();
}

}  // namespace outpost::integrations::postgres
