// The mysqld collectors' common interface, the table of every
// mysqld_exporter 0.14 scraper (name, enabled by default, minimum server
// version, factory) and the value-parsing rules they share.
//
// Model: prometheus/mysqld_exporter collector/scraper.go and
// mysqld_exporter.go (the scraper table), with Grafana Agent's defaults and
// selection rules (static/integrations/mysqld_exporter, GetScrapers).
//
// A collector talks to the server only through a Querier (the SQL layer in
// sql.h, or canned results in tests), and turns rows into samples with pure
// code. Descriptors are built once; series handles are cached between
// collections (SeriesCache).
//
// Thread-safety: a Collector is driven by one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_MYSQLD_COLLECTOR_H_
#define OUTPOST_INTEGRATIONS_MYSQLD_COLLECTOR_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/metric.h"
#include "integrations/mysqld/options.h"
#include "integrations/common/result_set.h"
#include "integrations/common/series_cache.h"
#include "integrations/common/text.h"

namespace outpost::integrations::mysqld {

// Runs SQL. Implemented over a live connection (sql.h) and by test fakes.
class Querier {
 public:
  virtual ~Querier() = default;
  // Runs `sql` and replaces *out with its result. Errors carry the
  // server's message ("Error 1146: Table 'x' doesn't exist").
  virtual absl::Status Query(std::string_view sql, ResultSet* out) = 0;
};

class Collector {
 public:
  virtual ~Collector() = default;

  // One collection into `app`. An error counts in
  // mysql_exporter_scrape_errors_total for this collector only; samples
  // added before it are kept, as upstream.
  absl::Status Collect(Querier& q, Appender& app) {
    series_.Begin(app);
    return Scrape(q);
  }

 protected:
  virtual absl::Status Scrape(Querier& q) = 0;

  SeriesCache series_;  // valid inside Scrape()
  ResultSet rs_;        // reused query buffer
};

using CollectorOr = absl::StatusOr<std::unique_ptr<Collector>>;
using CollectorFactory = CollectorOr (*)(const Options&);

struct CollectorInfo {
  std::string_view name;    // e.g. "info_schema.innodb_cmp" (label "collect.<name>")
  bool enabled_by_default;  // Grafana Agent's defaults
  double min_version;       // skipped on older servers (Scraper.Version)
  CollectorFactory factory;  // nullptr: not implemented in outpost yet
};

// Every mysqld_exporter 0.14.0 scraper that Grafana Agent knows, sorted by
// name.
std::span<const CollectorInfo> AllCollectors();

// The collectors to run, sorted by name, as Grafana Agent resolves them
// (GetScrapers): set_collectors (when non-empty) replaces the defaults,
// disable_collectors removes, then enable_collectors adds (enable wins).
// Errors (InvalidArgument): an unknown name ("unknown collector \"x\""), or
// a requested collector outpost does not implement ("collector \"x\" is not
// supported yet").
absl::StatusOr<std::vector<const CollectorInfo*>> SelectCollectors(const Options& o);

// --- Value parsing shared by the collectors (pure) ---

// mysqld_exporter's parseStatus (collector/collector.go): yes/on/primary
// → 1, no/off/disabled/connecting/non-primary/disconnected → 0 (any case),
// "Jan 02 15:04:05 2006 MST" and "2006-01-02 15:04:05" → Unix seconds
// (taken as UTC), else a Go ParseFloat number (ParseGoFloat in
// integrations/common/text.h; false on garbage or overflow). False (skip
// the value) for anything else, including "" and NULL.
bool ParseStatus(std::string_view s, double* out);
// validPrometheusName: runs of [^a-zA-Z0-9_] runes → '_' each, lower case,
// into *out.
void ValidPrometheusName(std::string_view s, std::string* out);

// The server version as upstream compares it: the leading "N.N" of
// SELECT @@version as a number, 999 when it does not parse.
double ParseServerVersion(std::string_view version);

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_INTEGRATIONS_MYSQLD_COLLECTOR_H_
