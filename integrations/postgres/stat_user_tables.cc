// stat_user_tables: pg_stat_user_tables_*{datname,schemaname,relname},
// access, vacuum and analyze statistics and the total size of each user
// table of the connected database (collector/pg_stat_user_tables.go).
// NULL labels are "unknown", NULL values 0; the last_* times are Unix
// seconds, 0 for never (the query coalesces them to the epoch).
#include "integrations/postgres/collector.h"

namespace outpost::integrations::postgres {
namespace {

constexpr ColumnMetric kColumns[] = {
    {"seq_scan", MetricType::kCounter, "Number of sequential scans initiated on this table",
     ScanKind::kInt64},
    {"seq_tup_read", MetricType::kCounter, "Number of live rows fetched by sequential scans",
     ScanKind::kInt64},
    {"idx_scan", MetricType::kCounter, "Number of index scans initiated on this table",
     ScanKind::kInt64},
    {"idx_tup_fetch", MetricType::kCounter, "Number of live rows fetched by index scans",
     ScanKind::kInt64},
    {"n_tup_ins", MetricType::kCounter, "Number of rows inserted", ScanKind::kInt64},
    {"n_tup_upd", MetricType::kCounter, "Number of rows updated", ScanKind::kInt64},
    {"n_tup_del", MetricType::kCounter, "Number of rows deleted", ScanKind::kInt64},
    {"n_tup_hot_upd", MetricType::kCounter,
     "Number of rows HOT updated (i.e., with no separate index update required)", ScanKind::kInt64},
    {"n_live_tup", MetricType::kGauge, "Estimated number of live rows", ScanKind::kInt64},
    {"n_dead_tup", MetricType::kGauge, "Estimated number of dead rows", ScanKind::kInt64},
    {"n_mod_since_analyze", MetricType::kGauge,
     "Estimated number of rows changed since last analyze", ScanKind::kInt64},
    {"last_vacuum", MetricType::kGauge,
     "Last time at which this table was manually vacuumed (not counting VACUUM FULL)",
     ScanKind::kTime},
    {"last_autovacuum", MetricType::kGauge,
     "Last time at which this table was vacuumed by the autovacuum daemon", ScanKind::kTime},
    {"last_analyze", MetricType::kGauge, "Last time at which this table was manually analyzed",
     ScanKind::kTime},
    {"last_autoanalyze", MetricType::kGauge,
     "Last time at which this table was analyzed by the autovacuum daemon", ScanKind::kTime},
    {"vacuum_count", MetricType::kCounter,
     "Number of times this table has been manually vacuumed (not counting VACUUM FULL)",
     ScanKind::kInt64},
    {"autovacuum_count", MetricType::kCounter,
     "Number of times this table has been vacuumed by the autovacuum daemon", ScanKind::kInt64},
    {"analyze_count", MetricType::kCounter, "Number of times this table has been manually analyzed",
     ScanKind::kInt64},
    {"autoanalyze_count", MetricType::kCounter,
     "Number of times this table has been analyzed by the autovacuum daemon", ScanKind::kInt64},
    {"size_bytes", MetricType::kGauge,
     "Total disk space used by this table, in bytes, including all indexes and TOAST data",
     ScanKind::kInt64},
};

constexpr std::string_view kQuery =
    "SELECT current_database() datname, schemaname, relname, seq_scan, seq_tup_read, idx_scan, "
    "idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd, n_live_tup, n_dead_tup, "
    "n_mod_since_analyze, COALESCE(last_vacuum, '1970-01-01Z') as last_vacuum, "
    "COALESCE(last_autovacuum, '1970-01-01Z') as last_autovacuum, "
    "COALESCE(last_analyze, '1970-01-01Z') as last_analyze, "
    "COALESCE(last_autoanalyze, '1970-01-01Z') as last_autoanalyze, vacuum_count, "
    "autovacuum_count, analyze_count, autoanalyze_count, pg_total_relation_size(relid) as "
    "total_size FROM pg_stat_user_tables";

}  // namespace

std::unique_ptr<Collector> NewStatUserTablesCollector(const CollectorConfig&) {
  return NewTableCollector(kQuery, "pg_stat_user_tables", {"datname", "schemaname", "relname"},
                           kColumns);
}

}  // namespace outpost::integrations::postgres
