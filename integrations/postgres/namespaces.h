// The postgres exporter's metric namespaces: queries whose rows become
// metrics through a column table (the builtin maps and the user queries of
// query_path), plus pg_settings, run per server.
//
// Model: grafana/postgres_exporter@9358270470dd (Grafana Agent v0.44's
// fork, ≈0.15) cmd/postgres_exporter/postgres_exporter.go
// (builtinMetricMaps, makeDescMap), queries.go (queryOverrides by server
// version), namespace.go (queryNamespaceMapping(s)), server.go (Scrape) and
// datasource.go (which server is "master").
//
// Mapping of one row (namespace.go): every LABEL column of the table is a
// label of every metric of the namespace (a label column missing from the
// result reads column 0, as upstream); COUNTER/GAUGE columns become
// `<namespace>_<column>`; MAPPEDMETRIC maps the text through
// metric_mapping; DURATION parses a Go duration into
// `<namespace>_<column>_milliseconds`; HISTOGRAM reads the arrays
// `<col>` (bounds), `<col>_bucket`, and `<col>_sum`, `<col>_count`;
// DISCARD and version-gated columns are dropped; any other column becomes
// an untyped `<namespace>_<column>` with HELP "Unknown metric from
// <namespace>". NULL is NaN. A cell that does not convert is skipped with a
// warning (upstream logs it); a query that fails, or a histogram array that
// does not parse, drops the whole namespace for this collection with an
// error (upstream: queryNamespaceMappings' error map, which sets
// pg_exporter_last_scrape_error), and the other namespaces still run.
// Every series carries the constant `server` label given by the caller.
//
// Which namespaces run (server.go Scrape, postgres_exporter.go
// checkMapVersions): on a master server (every configured DSN; discovered
// databases are not master) the builtin maps unless disable_default_metrics,
// pg_settings unless disable_settings_metrics, and every user query; on a
// non-master server only the user queries with `master: false`. A user
// query replaces the builtin namespace of the same name.
//
// Thread-safety: none; one Namespaces per server connection, driven by one
// collection at a time.
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_NAMESPACES_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_NAMESPACES_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "core/base/metric.h"
#include "integrations/common/series_cache.h"
#include "integrations/postgres/settings.h"
#include "integrations/postgres/values.h"

namespace outpost::integrations::postgres {

// postgres_exporter.go ColumnUsage.
enum class ColumnUsage : uint8_t {
  kDiscard,
  kLabel,
  kCounter,
  kGauge,
  kMappedMetric,
  kDuration,
  kHistogram,
};
// "DISCARD", "LABEL", ... (util.go stringToColumnUsage); false for anything
// else.
bool ParseColumnUsage(std::string_view s, ColumnUsage* out);

// A server version range [min, max) in ServerVersion::Num() units; 0 leaves
// that end open (semver ranges ">=9.2.0", "<10.0.0", ">=9.2.0 <10.0.0").
struct VersionRange {
  int min = 0, max = 0;
  bool Contains(const ServerVersion& v) const {
    return (min == 0 || v.Num() >= min) && (max == 0 || v.Num() < max);
  }
};

struct ColumnSpec {
  std::string name;
  ColumnUsage usage = ColumnUsage::kDiscard;
  std::string description;  // the HELP text
  VersionRange versions;    // outside it the column is discarded
  // MAPPEDMETRIC: text value → sample value.
  std::vector<std::pair<std::string, double>> mapping;
};

struct QuerySpec {
  VersionRange versions;
  std::string sql;  // "" disables the namespace
};

struct NamespaceSpec {
  std::string name;  // also the metric prefix, e.g. "pg_stat_activity"
  std::vector<ColumnSpec> columns;
  bool master = false;         // runs only on a master server
  uint64_t cache_seconds = 0;  // rows re-emitted without querying for this long
  // The query by server version: the first spec whose range contains it;
  // when none does the namespace is disabled on that version (queries.go
  // makeQueryOverrideMap). Empty: "SELECT * FROM <name>;".
  std::vector<QuerySpec> queries;
};

// builtinMetricMaps with queryOverrides: pg_stat_database_conflicts,
// pg_stat_replication, pg_replication_slots, pg_stat_archiver,
// pg_stat_activity (the fork moved pg_stat_database and pg_locks to
// collectors).
std::span<const NamespaceSpec> BuiltinNamespaces();

// What one collection of a server reports besides its samples.
struct CollectErrors {
  // A namespace or pg_settings that failed: upstream sets
  // pg_exporter_last_scrape_error to 1.
  std::vector<std::string> errors;
  // Cells skipped (upstream logs these "non-fatal errors" at info level).
  std::vector<std::string> warnings;
};

struct NamespacesOptions {
  bool builtin_enabled = true;   // !disable_default_metrics
  bool settings_enabled = true;  // !disable_settings_metrics
  // The user queries (query_path), or empty; copied.
  std::vector<NamespaceSpec> user;
};

class Namespaces {
 public:
  explicit Namespaces(NamespacesOptions options);
  ~Namespaces();
  Namespaces(const Namespaces&) = delete;
  Namespaces& operator=(const Namespaces&) = delete;

  // One collection of one server into `app`. `version` is the server's
  // (SELECT version()); the metric families are rebuilt when it or `master`
  // changes. `server` is the value of the constant `server` label ("" for
  // none). `now` decides whether cache_seconds namespaces query again.
  // Failures are appended to *errors (never fatal to the others).
  void Collect(Querier& q, const ServerVersion& version, bool master, std::string_view server,
               Appender& app, absl::Time now, CollectErrors* errors);

 private:
  struct Compiled;
  void Build(const ServerVersion& version, bool master);
  void CollectOne(Querier& q, Compiled& ns, std::string_view server, absl::Time now,
                  CollectErrors* errors);
  bool MapRows(Compiled& ns, std::string_view server, CollectErrors* errors);
  bool MapHistogram(Compiled& ns, size_t row, size_t col, CollectErrors* errors);

  NamespacesOptions options_;
  Settings settings_;
  std::vector<std::unique_ptr<Compiled>> compiled_;
  bool built_ = false;
  int built_version_ = 0;
  bool built_master_ = false;
  const Appender* last_app_ = nullptr;
  Appender* app_ = nullptr;
  std::unique_ptr<SeriesCache> series_;  // replaced with the families
  ResultSet rs_;
  // Per-row scratch, reused.
  std::vector<std::string> label_values_;
  std::vector<std::string_view> names_, values_;
  std::vector<double> bounds_, counts_;
  std::vector<size_t> order_;
  Labels hist_labels_;
};

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_NAMESPACES_H_
