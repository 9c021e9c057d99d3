// Factories of the implemented mysqld collectors (one .cc file each), and
// the few pure helpers they expose for unit tests. Every collector reads
// the server only through its Querier, so tests drive the whole mapping
// with canned results.
#ifndef OUTPOST_INTEGRATIONS_MYSQLD_COLLECTORS_H_
#define OUTPOST_INTEGRATIONS_MYSQLD_COLLECTORS_H_

#include <string>
#include <string_view>

#include "integrations/mysqld/collector.h"

namespace outpost::integrations::mysqld {

CollectorOr NewGlobalStatusCollector(const Options& o);
CollectorOr NewGlobalVariablesCollector(const Options& o);
CollectorOr NewSlaveStatusCollector(const Options& o);
CollectorOr NewInnodbCmpCollector(const Options& o);
CollectorOr NewInnodbCmpMemCollector(const Options& o);
CollectorOr NewInnodbMetricsCollector(const Options& o);
CollectorOr NewQueryResponseTimeCollector(const Options& o);
CollectorOr NewProcesslistCollector(const Options& o);
CollectorOr NewPerfTableIoWaitsCollector(const Options& o);
CollectorOr NewPerfIndexIoWaitsCollector(const Options& o);
CollectorOr NewInfoSchemaTablesCollector(const Options& o);
CollectorOr NewTableStatsCollector(const Options& o);
CollectorOr NewSchemaStatsCollector(const Options& o);
CollectorOr NewUserStatsCollector(const Options& o);
CollectorOr NewClientStatsCollector(const Options& o);
CollectorOr NewPerfTableLockWaitsCollector(const Options& o);
CollectorOr NewPerfEventsStatementsCollector(const Options& o);
CollectorOr NewPerfEventsStatementsSumCollector(const Options& o);
CollectorOr NewPerfEventsWaitsCollector(const Options& o);
CollectorOr NewPerfFileEventsCollector(const Options& o);
CollectorOr NewPerfFileInstancesCollector(const Options& o);
CollectorOr NewBinlogSizeCollector(const Options& o);
CollectorOr NewEngineInnodbStatusCollector(const Options& o);
CollectorOr NewEngineTokudbStatusCollector(const Options& o);
CollectorOr NewHeartbeatCollector(const Options& o);
CollectorOr NewMysqlUserCollector(const Options& o);
CollectorOr NewSlaveHostsCollector(const Options& o);
CollectorOr NewAutoIncrementColumnsCollector(const Options& o);
CollectorOr NewInnodbTablespacesCollector(const Options& o);
CollectorOr NewReplicaHostCollector(const Options& o);
CollectorOr NewPerfReplicationGroupMembersCollector(const Options& o);
CollectorOr NewPerfReplicationGroupMemberStatsCollector(const Options& o);
CollectorOr NewPerfReplicationApplierStatusByWorkerCollector(const Options& o);

// global_variables: the gcache size in bytes from wsrep_provider_options
// ("gcache.size = 128M;"), 0 when absent (parseWsrepProviderOptions).
double ParseWsrepGcacheSize(std::string_view provider_options);

// A cell as a float64, as Go's sql Scan into float64 does: an error for
// NULL or a non-number.
absl::Status ScanFloat(const ResultSet& rs, size_t row, size_t col, double* out);
// Same for Go's Scan into uint64 (a non-negative integer), as a double.
absl::Status ScanUint(const ResultSet& rs, size_t row, size_t col, double* out);
// Go's Scan into uint32 (e.g. mysql.user max_questions).
absl::Status ScanUint32(const ResultSet& rs, size_t row, size_t col, double* out);
// Go's Scan into int (64-bit, optional sign), as a double.
absl::Status ScanInt(const ResultSet& rs, size_t row, size_t col, double* out);
// Go's Scan into string: an error for NULL. The view lives as long as `rs`'s
// current result.
absl::Status ScanString(const ResultSet& rs, size_t row, size_t col, std::string_view* out);

// `s` as a single-quoted SQL string literal (' doubled, \ escaped, as for
// the default sql_mode), for the few values upstream interpolates into SQL.
std::string SqlQuote(std::string_view s);

// The userstat check shared by info_schema.{table,schema,user,client}stats
// (collector.go userstatCheckQuery): true when the first row's value is not
// exactly "OFF"; false when the query fails or has no row (upstream then
// skips the collector silently).
bool UserstatEnabled(Querier& q, ResultSet* rs);

// slave_hosts: whether `s` is a UUID as google/uuid.Parse accepts it
// (36-char dashed form, optionally in braces or with a "urn:uuid:" prefix,
// or 32 hex digits).
bool IsGoUuid(std::string_view s);
// engine_tokudb_status: sanitizeTokudbMetric on the lower-cased key.
std::string SanitizeTokudbMetric(std::string_view key);
// perf_schema.replication_applier_status_by_worker: Go's time.Parse with
// "2006-01-02 15:04:05.000000" as Unix seconds (UTC); 0 when it does not
// parse, as upstream.
double ParseApplierTimestamp(std::string_view s);

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_INTEGRATIONS_MYSQLD_COLLECTORS_H_
