// Factories of the implemented mysqld collectors (one .cc file each), and
// the few pure helpers they expose for unit tests. Every collector reads
// the server only through its Querier, so tests drive the whole mapping
// with canned results.
#ifndef OUTPOST_INTEGRATIONS_MYSQLD_COLLECTORS_H_
#define OUTPOST_INTEGRATIONS_MYSQLD_COLLECTORS_H_

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

// global_variables: the gcache size in bytes from wsrep_provider_options
// ("gcache.size = 128M;"), 0 when absent (parseWsrepProviderOptions).
double ParseWsrepGcacheSize(std::string_view provider_options);

// A cell as a float64, as Go's sql Scan into float64 does: an error for
// NULL or a non-number.
absl::Status ScanFloat(const ResultSet& rs, size_t row, size_t col, double* out);
// Same for Go's Scan into uint64 (a non-negative integer), as a double.
absl::Status ScanUint(const ResultSet& rs, size_t row, size_t col, double* out);

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_INTEGRATIONS_MYSQLD_COLLECTORS_H_
