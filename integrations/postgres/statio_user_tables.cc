// statio_user_tables: pg_statio_user_tables_*{datname,schemaname,relname},
// block reads and buffer hits per user table of the connected database
// (collector/pg_statio_user_tables.go). NULL labels are "unknown", NULL
// counters 0.
#include "integrations/postgres/collector.h"

namespace outpost::integrations::postgres {
namespace {

constexpr ColumnMetric kColumns[] = {
    {"heap_blocks_read", MetricType::kCounter, "Number of disk blocks read from this table",
     ScanKind::kInt64},
    {"heap_blocks_hit", MetricType::kCounter, "Number of buffer hits in this table",
     ScanKind::kInt64},
    {"idx_blocks_read", MetricType::kCounter,
     "Number of disk blocks read from all indexes on this table", ScanKind::kInt64},
    {"idx_blocks_hit", MetricType::kCounter, "Number of buffer hits in all indexes on this table",
     ScanKind::kInt64},
    {"toast_blocks_read", MetricType::kCounter,
     "Number of disk blocks read from this table's TOAST table (if any)", ScanKind::kInt64},
    {"toast_blocks_hit", MetricType::kCounter,
     "Number of buffer hits in this table's TOAST table (if any)", ScanKind::kInt64},
    {"tidx_blocks_read", MetricType::kCounter,
     "Number of disk blocks read from this table's TOAST table indexes (if any)", ScanKind::kInt64},
    {"tidx_blocks_hit", MetricType::kCounter,
     "Number of buffer hits in this table's TOAST table indexes (if any)", ScanKind::kInt64},
};

constexpr std::string_view kQuery =
    "SELECT current_database() datname, schemaname, relname, heap_blks_read, heap_blks_hit, "
    "idx_blks_read, idx_blks_hit, toast_blks_read, toast_blks_hit, tidx_blks_read, "
    "tidx_blks_hit FROM pg_statio_user_tables";

}  // namespace

std::unique_ptr<Collector> NewStatioUserTablesCollector(const CollectorConfig&) {
  return NewTableCollector(kQuery, "pg_statio_user_tables", {"datname", "schemaname", "relname"},
                           kColumns);
}

}  // namespace outpost::integrations::postgres
