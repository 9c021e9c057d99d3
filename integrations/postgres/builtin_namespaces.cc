// The fork's builtin metric maps and their queries by server version:
// grafana/postgres_exporter@9358270470dd cmd/postgres_exporter/
// postgres_exporter.go builtinMetricMaps and queries.go queryOverrides.
// Descriptions of DISCARD columns are left out (never emitted).
#include "integrations/postgres/namespaces.h"

namespace outpost::integrations::postgres {
namespace {

using U = ColumnUsage;
constexpr int k92 = 90200, k94 = 90400, k10 = 100000;

std::vector<NamespaceSpec> MakeBuiltins() {
  std::vector<NamespaceSpec> b;
  b.push_back({"pg_stat_database_conflicts",
               {
                   {"datid", U::kLabel, "OID of a database", {}, {}},
                   {"datname", U::kLabel, "Name of this database", {}, {}},
                   {"confl_tablespace", U::kCounter,
                    "Number of queries in this database that have been canceled due to dropped "
                    "tablespaces", {}, {}},
                   {"confl_lock", U::kCounter,
                    "Number of queries in this database that have been canceled due to lock "
                    "timeouts", {}, {}},
                   {"confl_snapshot", U::kCounter,
                    "Number of queries in this database that have been canceled due to old "
                    "snapshots", {}, {}},
                   {"confl_bufferpin", U::kCounter,
                    "Number of queries in this database that have been canceled due to pinned "
                    "buffers", {}, {}},
                   {"confl_deadlock", U::kCounter,
                    "Number of queries in this database that have been canceled due to "
                    "deadlocks", {}, {}},
               },
               true, 0, {}});
  b.push_back({"pg_stat_replication",
               {
                   {"procpid", U::kDiscard, "", {0, k92}, {}},
                   {"pid", U::kDiscard, "", {k92, 0}, {}},
                   {"usesysid", U::kDiscard, "", {}, {}},
                   {"usename", U::kDiscard, "", {}, {}},
                   {"application_name", U::kLabel,
                    "Name of the application that is connected to this WAL sender", {}, {}},
                   {"client_addr", U::kLabel,
                    "IP address of the client connected to this WAL sender. If this field is "
                    "null, it indicates that the client is connected via a Unix socket on the "
                    "server machine.", {}, {}},
                   {"client_hostname", U::kDiscard, "", {}, {}},
                   {"client_port", U::kDiscard, "", {}, {}},
                   {"backend_start", U::kDiscard, "", {}, {}},
                   {"backend_xmin", U::kDiscard, "", {}, {}},
                   {"state", U::kLabel, "Current WAL sender state", {}, {}},
                   {"sent_location", U::kDiscard, "", {0, k10}, {}},
                   {"write_location", U::kDiscard, "", {0, k10}, {}},
                   {"flush_location", U::kDiscard, "", {0, k10}, {}},
                   {"replay_location", U::kDiscard, "", {0, k10}, {}},
                   {"sent_lsn", U::kDiscard, "", {k10, 0}, {}},
                   {"write_lsn", U::kDiscard, "", {k10, 0}, {}},
                   {"flush_lsn", U::kDiscard, "", {k10, 0}, {}},
                   {"replay_lsn", U::kDiscard, "", {k10, 0}, {}},
                   {"sync_priority", U::kDiscard, "", {}, {}},
                   {"sync_state", U::kDiscard, "", {}, {}},
                   // Not a column of pg_stat_replication: the label reads
                   // column 0 (pid), as upstream.
                   {"slot_name", U::kLabel,
                    "A unique, cluster-wide identifier for the replication slot", {k92, 0}, {}},
                   {"plugin", U::kDiscard, "", {}, {}},
                   {"slot_type", U::kDiscard, "", {}, {}},
                   {"datoid", U::kDiscard, "", {}, {}},
                   {"database", U::kDiscard, "", {}, {}},
                   {"active", U::kDiscard, "", {}, {}},
                   {"active_pid", U::kDiscard, "", {}, {}},
                   {"xmin", U::kDiscard, "", {}, {}},
                   {"catalog_xmin", U::kDiscard, "", {}, {}},
                   {"restart_lsn", U::kDiscard, "", {}, {}},
                   {"pg_current_xlog_location", U::kDiscard, "", {}, {}},
                   {"pg_current_wal_lsn", U::kDiscard, "", {k10, 0}, {}},
                   {"pg_current_wal_lsn_bytes", U::kGauge, "WAL position in bytes", {k10, 0}, {}},
                   {"pg_xlog_location_diff", U::kGauge, "Lag in bytes between master and slave",
                    {k92, k10}, {}},
                   {"pg_wal_lsn_diff", U::kGauge, "Lag in bytes between master and slave",
                    {k10, 0}, {}},
                   {"confirmed_flush_lsn", U::kDiscard, "", {}, {}},
                   {"write_lag", U::kDiscard, "", {k10, 0}, {}},
                   {"flush_lag", U::kDiscard, "", {k10, 0}, {}},
                   {"replay_lag", U::kDiscard, "", {k10, 0}, {}},
               },
               true,
               0,
               {
                   {{k10, 0},
                    "SELECT *, (case pg_is_in_recovery() when 't' then null else "
                    "pg_current_wal_lsn() end) AS pg_current_wal_lsn, (case pg_is_in_recovery() "
                    "when 't' then null else pg_wal_lsn_diff(pg_current_wal_lsn(), "
                    "pg_lsn('0/0'))::float end) AS pg_current_wal_lsn_bytes, (case "
                    "pg_is_in_recovery() when 't' then null else "
                    "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float end) AS "
                    "pg_wal_lsn_diff FROM pg_stat_replication"},
                   {{k92, k10},
                    "SELECT *, (case pg_is_in_recovery() when 't' then null else "
                    "pg_current_xlog_location() end) AS pg_current_xlog_location, (case "
                    "pg_is_in_recovery() when 't' then null else "
                    "pg_xlog_location_diff(pg_current_xlog_location(), replay_location)::float "
                    "end) AS pg_xlog_location_diff FROM pg_stat_replication"},
                   {{0, k92},
                    "SELECT *, (case pg_is_in_recovery() when 't' then null else "
                    "pg_current_xlog_location() end) AS pg_current_xlog_location FROM "
                    "pg_stat_replication"},
               }});
  b.push_back({"pg_replication_slots",
               {
                   {"slot_name", U::kLabel, "Name of the replication slot", {}, {}},
                   {"database", U::kLabel, "Name of the database", {}, {}},
                   {"active", U::kGauge, "Flag indicating if the slot is active", {}, {}},
                   {"pg_wal_lsn_diff", U::kGauge, "Replication lag in bytes", {}, {}},
               },
               true,
               0,
               {
                   {{k94, k10},
                    "SELECT slot_name, database, active, "
                    "pg_xlog_location_diff(pg_current_xlog_location(), restart_lsn) FROM "
                    "pg_replication_slots"},
                   {{k10, 0},
                    "SELECT slot_name, database, active, pg_wal_lsn_diff(pg_current_wal_lsn(), "
                    "restart_lsn) FROM pg_replication_slots"},
               }});
  b.push_back({"pg_stat_archiver",
               {
                   {"archived_count", U::kCounter,
                    "Number of WAL files that have been successfully archived", {}, {}},
                   {"last_archived_wal", U::kDiscard, "", {}, {}},
                   {"last_archived_time", U::kDiscard, "", {}, {}},
                   {"failed_count", U::kCounter,
                    "Number of failed attempts for archiving WAL files", {}, {}},
                   {"last_failed_wal", U::kDiscard, "", {}, {}},
                   {"last_failed_time", U::kDiscard, "", {}, {}},
                   {"stats_reset", U::kDiscard, "", {}, {}},
                   {"last_archive_age", U::kGauge,
                    "Time in seconds since last WAL segment was successfully archived", {}, {}},
               },
               true,
               0,
               {
                   {{k94, 0},
                    "SELECT *, extract(epoch from now() - last_archived_time) AS "
                    "last_archive_age FROM pg_stat_archiver"},
               }});
  b.push_back({"pg_stat_activity",
               {
                   {"datname", U::kLabel, "Name of this database", {}, {}},
                   {"state", U::kLabel, "connection state", {k92, 0}, {}},
                   {"usename", U::kLabel, "connection usename", {}, {}},
                   {"application_name", U::kLabel, "connection application_name", {}, {}},
                   {"count", U::kGauge, "number of connections in this state", {}, {}},
                   {"max_tx_duration", U::kGauge,
                    "max duration in seconds any active transaction has been running", {}, {}},
               },
               true,
               0,
               {
                   {{k92, 0},
                    "SELECT pg_database.datname, tmp.state, tmp2.usename, "
                    "tmp2.application_name, COALESCE(count,0) as count, "
                    "COALESCE(max_tx_duration,0) as max_tx_duration FROM (VALUES ('active'), "
                    "('idle'), ('idle in transaction'), ('idle in transaction (aborted)'), "
                    "('fastpath function call'), ('disabled')) AS tmp(state) CROSS JOIN "
                    "pg_database LEFT JOIN (SELECT datname, state, usename, application_name, "
                    "count(*) AS count, MAX(EXTRACT(EPOCH FROM now() - xact_start))::float AS "
                    "max_tx_duration FROM pg_stat_activity GROUP BY "
                    "datname,state,usename,application_name) AS tmp2 ON tmp.state = tmp2.state "
                    "AND pg_database.datname = tmp2.datname"},
                   {{0, k92},
                    "SELECT datname, 'unknown' AS state, usename, application_name, "
                    "COALESCE(count(*),0) AS count, COALESCE(MAX(EXTRACT(EPOCH FROM now() - "
                    "xact_start))::float,0) AS max_tx_duration FROM pg_stat_activity GROUP BY "
                    "datname,usename,application_name"},
               }});
  return b;
}

}  // namespace

std::span<const NamespaceSpec> BuiltinNamespaces() {
  static const std::vector<NamespaceSpec>* const builtins =
      new std::vector<NamespaceSpec>(MakeBuiltins());
  return *builtins;
}

}  // namespace outpost::integrations::postgres
