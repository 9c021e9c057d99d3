// The postgres collector package: the Collector interface, the table of
// collectors Grafana Agent v0.44 runs (the fork's default-on set; static
// mode cannot enable others), the CollectorSet that runs them with
// pg_scrape_collector_{duration_seconds,success}{collector}, and the
// database/sql Scan rules the collectors read rows with.
//
// Model: grafana/postgres_exporter@9358270470dd collector/collector.go
// (execute, ErrNoData) and collector/instance.go. Upstream opens a new
// connection per scrape and runs the collectors in goroutines; outpost runs
// them one after another, in name order, on the integration's persistent
// connection (the order does not matter to Prometheus).
//
// A collector reads the server only through a Querier, so tests drive the
// whole mapping with canned results. Families are built once; series
// handles are cached between collections (SeriesCache).
//
// Thread-safety: a CollectorSet (and each Collector) is driven by one
// collection at a time.
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_COLLECTOR_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_COLLECTOR_H_

#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/base/metric.h"
#include "integrations/common/result_set.h"
#include "integrations/common/series_cache.h"
#include "integrations/postgres/values.h"

namespace outpost::integrations::postgres {

class Collector {
 public:
  virtual ~Collector() = default;
  // One collection, appending through `out` (Begin() already called). An
  // error makes pg_scrape_collector_success 0 for this collector only;
  // samples appended before it are kept, as upstream.
  virtual absl::Status Update(Querier& q, const ServerVersion& v, SeriesCache& out) = 0;

 protected:
  ResultSet rs_;  // reused query buffer
};

struct CollectorConfig {
  std::vector<std::string> exclude_databases;  // the `database` collector skips these
};

using CollectorFactory = std::unique_ptr<Collector> (*)(const CollectorConfig&);

struct CollectorInfo {
  std::string_view name;  // the `collector` label value, e.g. "stat_bgwriter"
  CollectorFactory factory;
};

// The fork's default-on collectors, sorted by name: database, locks,
// replication, replication_slot, stat_bgwriter, stat_database,
// stat_user_tables, statio_user_tables, wal.
std::span<const CollectorInfo> AllCollectors();

// upstream's ErrNoData ("collector returned no data"): success 0, but
// logged at debug level only.
absl::Status NoDataError();
bool IsNoDataError(const absl::Status& st);

// Runs every collector of AllCollectors() and reports each one's
// pg_scrape_collector_duration_seconds and pg_scrape_collector_success.
// Logs a collector's failure once per change of state (upstream logs every
// scrape). Not movable: the Appender keeps pointers to its families.
class CollectorSet {
 public:
  static std::unique_ptr<CollectorSet> Create(const std::vector<std::string>& exclude_databases);
  CollectorSet(const CollectorSet&) = delete;
  CollectorSet& operator=(const CollectorSet&) = delete;

  // One collection on `q` (the first DSN's connection), for a server of
  // version `v`. Collectors not started by `deadline` are skipped and
  // reported with success 0.
  void Collect(Querier& q, const ServerVersion& v, Appender& app,
               absl::Time deadline = absl::InfiniteFuture());

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    const CollectorInfo* info;
    std::unique_ptr<Collector> collector;
    SeriesCache series;
    bool failing = false;
  };
  CollectorSet() = default;

  std::vector<Entry> entries_;
  MetricFamily duration_, success_;
  SeriesCache scrape_;
};

// The collectors' factories (one .cc file each).
std::unique_ptr<Collector> NewDatabaseCollector(const CollectorConfig& c);
std::unique_ptr<Collector> NewLocksCollector(const CollectorConfig& c);
std::unique_ptr<Collector> NewReplicationCollector(const CollectorConfig& c);
std::unique_ptr<Collector> NewReplicationSlotCollector(const CollectorConfig& c);
std::unique_ptr<Collector> NewStatBgwriterCollector(const CollectorConfig& c);
std::unique_ptr<Collector> NewStatDatabaseCollector(const CollectorConfig& c);
std::unique_ptr<Collector> NewStatUserTablesCollector(const CollectorConfig& c);
std::unique_ptr<Collector> NewStatioUserTablesCollector(const CollectorConfig& c);
std::unique_ptr<Collector> NewWalCollector(const CollectorConfig& c);

// --- Reading rows as database/sql's Scan does with lib/pq's values ---

// The Go type a collector scans a column into.
enum class ScanKind {
  kInt64,    // int64 / sql.NullInt64
  kUint64,   // uint64
  kFloat64,  // float64 / sql.NullFloat64
  kTime,     // sql.NullTime, as Unix seconds (time.Unix())
  kBool,     // sql.NullBool, as 1 or 0
};

// Cell (row, col) as database/sql converts lib/pq's value (by the column's
// type OID) into `kind`: nullopt for NULL (the sql.Null* types), an error
// when it does not convert (e.g. text into int64, a non-timestamp into
// time.Time), with Go's "sql: Scan error on column index N, name ..."
// message.
absl::Status ScanNull(const ResultSet& rs, size_t row, size_t col, ScanKind kind,
                      std::optional<double>* out);
// Same for the plain Go types: NULL is an error ("converting NULL to
// float64 is unsupported").
absl::Status Scan(const ResultSet& rs, size_t row, size_t col, ScanKind kind, double* out);

// rows.Scan's check that the result has exactly `n` columns ("sql:
// expected 3 destination arguments in Scan, not 4"), and for QueryRow that
// it has a row (sql.ErrNoRows).
absl::Status CheckColumns(const ResultSet& rs, size_t n);
absl::Status CheckRow(const ResultSet& rs, size_t n);

// QueryRow(sql).Scan(...) into plain Go types: runs `sql` into *rs and
// scans the first row's columns as `kinds` into out[0..].
absl::Status QueryRow(Querier& q, std::string_view sql, ResultSet* rs,
                      std::initializer_list<ScanKind> kinds, double* out);

// One column → one family: the name after the collector's prefix, its
// type and HELP, and the Go type upstream scans it into.
struct ColumnMetric {
  std::string_view name;  // e.g. "seq_scan" → pg_stat_user_tables_seq_scan
  MetricType type;
  std::string_view help;
  ScanKind kind;
};

// The families "<prefix>_<name>" of `columns`, in order.
std::vector<MetricFamily> MakeFamilies(std::string_view prefix,
                                       std::span<const ColumnMetric> columns);

// Scans columns [first, first + columns.size()) of `row` into out[0..] as
// the sql.Null* of each column's kind; stops at the first error, as
// rows.Scan.
absl::Status ScanRow(const ResultSet& rs, size_t row, size_t first,
                     std::span<const ColumnMetric> columns, std::optional<double>* out);

// The shape most collectors share: label columns first (sql.NullString,
// NULL → "unknown"), then one column per family (sql.Null*, NULL → 0).
class ColumnTable {
 public:
  ColumnTable(std::string_view prefix, std::vector<std::string_view> label_names,
              std::span<const ColumnMetric> columns);
  ColumnTable(const ColumnTable&) = delete;
  ColumnTable& operator=(const ColumnTable&) = delete;

  // The number of columns a result must have.
  size_t width() const { return label_names_.size() + columns_.size(); }
  // Scans `row` (all columns first, as rows.Scan) and appends one sample
  // per column. With `only` (a query reading some of the columns: a
  // version gate), result column label_names.size() + i holds
  // columns[only[i]].
  absl::Status EmitRow(const ResultSet& rs, size_t row, SeriesCache& out,
                       std::span<const size_t> only = {});

 private:
  std::vector<std::string_view> label_names_;
  std::span<const ColumnMetric> columns_;
  std::vector<MetricFamily> families_;
  std::vector<std::string_view> labels_;       // reused per row
  std::vector<std::optional<double>> values_;  // reused per row
};

// A collector of one query whose every row a ColumnTable maps.
std::unique_ptr<Collector> NewTableCollector(std::string_view query, std::string_view prefix,
                                             std::vector<std::string_view> label_names,
                                             std::span<const ColumnMetric> columns);

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_COLLECTOR_H_
