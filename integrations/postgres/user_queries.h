// The query_path file (user queries) as namespaces, and
// pg_exporter_user_queries_load_error.
//
// Model: grafana/postgres_exporter@9358270470dd cmd/postgres_exporter/
// queries.go (UserQuery, parseUserQueries, addQueries) and
// postgres_exporter.go checkMapVersions (the load error gauge, whose
// hashsum is the hex SHA-256 of the file's bytes, "" when unreadable).
//
// Format: a map of namespace name → {query, metrics, master, cache_seconds,
// runonserver}; `metrics` is a list of one-key maps {column: {usage,
// description, metric_mapping}} with usage LABEL, COUNTER, GAUGE,
// MAPPEDMETRIC, DURATION, HISTOGRAM or DISCARD. User queries run on every
// server version (no pg_version ranges). `runonserver` is read and has no
// effect, as upstream (Server.runonserver is never set from it).
//
// Stricter than upstream's yaml.v2 Unmarshal (deliberately, each error names
// the file, line and key): unknown keys, an unknown or missing usage, a
// missing query and names that are not metric names are errors, where
// upstream ignores the key, or silently discards the column. Upstream also
// drops metric_mapping (MAPPEDMETRIC columns never emit there); outpost
// applies it.
//
// Upstream re-reads the file whenever a server's version changes (in
// practice at the first scrape); outpost reads it once per config load.
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_USER_QUERIES_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_USER_QUERIES_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/base/metric.h"
#include "integrations/common/series_cache.h"
#include "integrations/postgres/namespaces.h"

namespace outpost::integrations::postgres {

// Parses the YAML text of a query file named `filename` (for messages).
// Returns false with one "FILE:LINE:COL: <key path>: message" line per
// problem in *errors (and no namespaces).
bool ParseUserQueries(std::string_view yaml, std::string_view filename,
                      std::vector<NamespaceSpec>* out, std::vector<std::string>* errors);

struct UserQueries {
  std::string filename;  // the configured query_path
  std::string hashsum;   // hex SHA-256 of the file, "" when it could not be read
  std::vector<std::string> errors;   // empty when loaded
  std::vector<NamespaceSpec> namespaces;  // empty on any error
  bool ok() const { return errors.empty(); }
};

// Reads and parses `path`. Never fails: a problem is kept in errors (the
// gauge then reports 1 and no user query runs, as upstream).
UserQueries LoadUserQueries(const std::string& path);

// pg_exporter_user_queries_load_error{filename,hashsum}: 1 when `uq` failed
// to load, else 0. Emit only when query_path is set.
void AddUserQueriesLoadError(const UserQueries& uq, SeriesCache& series);

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_USER_QUERIES_H_
