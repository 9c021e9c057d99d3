// integrations.postgres_exporter: PostgreSQL server metrics over one
// persistent libpq connection per server, with the names, types, HELP and
// labels of the postgres_exporter fork Grafana Agent v0.44 embeds
// (grafana/postgres_exporter@9358270470dd, ≈0.15).
//
// Servers: every configured DSN is a "master" server; with
// autodiscover_databases each collection also lists the other databases of
// every master (datasource.go discoverDatabaseDSNs, filtered by
// exclude/include_databases) and keeps one connection to each (not master:
// user queries only). A database that disappears has its connection
// closed.
//
// Each collection, per server: connect (or reuse the connection), SELECT
// version(), then pg_static{server,version,short_version} (untyped, 1;
// masters only, unless disable_default_metrics) and the server's
// ServerCollector (the builtin namespaces, settings and user queries on
// every server, the collector package on the first DSN only). Then the
// exporter internals without a `server` label (postgres_exporter.go
// setupInternalMetrics): pg_up (0 only when every server failed to
// connect), pg_exporter_last_scrape_duration_seconds,
// pg_exporter_scrapes_total, pg_exporter_last_scrape_error (1 when any
// server failed or any ServerCollector returned an error), and
// postgres_exporter_build_info with outpost's version labels (Grafana
// Agent's CollectorIntegration registers build.NewCollector(<name>)).
//
// An unreachable server or bad credentials give pg_up 0 while Collect()
// still returns OK (as the exporter answers its scrape with pg_up 0), so
// pg_up 0 reaches the WAL; each server's up/down state change is logged
// once; reconnection backs off (connection.h). Passwords never appear in
// logs or errors.
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_POSTGRES_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_POSTGRES_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/base/integration.h"
#include "core/base/metric.h"
#include "core/config/integration_spec.h"
#include "integrations/postgres/options.h"
#include "integrations/postgres/values.h"

namespace outpost::integrations::postgres {

// What a server's per-collection work is told about the server.
struct ServerInfo {
  std::string server;      // the `server` label value, "host:port" (ServerLabel)
  std::string masked_dsn;  // for logs (MaskDsn)
  bool master = false;     // a configured DSN, not an autodiscovered database
  bool first = false;      // the first configured DSN (the collector package runs here)
};

// The per-server work beyond pg_static: one instance per server, called
// once per collection after the connection and SELECT version() succeeded.
class ServerCollector {
 public:
  virtual ~ServerCollector() = default;
  // Adds the server's samples. An error is counted in
  // pg_exporter_last_scrape_error (the collection goes on).
  virtual absl::Status Collect(Querier& q, const ServerVersion& version, Appender& app,
                               absl::Time deadline) = 0;
};

// Makes the ServerCollector of one server (nullptr: nothing to do). Called
// when the integration is created (configured DSNs) and when autodiscovery
// finds a database.
using ServerCollectorFactory = std::function<absl::StatusOr<std::unique_ptr<ServerCollector>>(
    const Options& opts, const ServerInfo& server)>;

// The per-server work Spec().Create uses (server_collector.cc): the
// builtin namespaces, pg_settings and user queries (namespaces.h) on every
// server, and on `server.first` the collector package (collector.h) and
// pg_exporter_user_queries_load_error. Errors: none today (a query_path
// that does not load is reported by its gauge and logged, as upstream).
absl::StatusOr<std::unique_ptr<ServerCollector>> DefaultServerCollector(const Options& opts,
                                                                        const ServerInfo& server);

// The IntegrationSpec of `postgres_exporter` (a process-wide immutable
// object; allows a list of blocks).
const config::IntegrationSpec& Spec();

// Builds the integration from parsed options (what Spec().Create does);
// `timeout` is the scrape timeout (statement_timeout, connect_timeout).
// Errors: no DSN (neither data_source_names nor
// $POSTGRES_EXPORTER_DATA_SOURCE_NAME), a DSN that does not parse
// (password masked), a factory error. Nothing connects here.
absl::StatusOr<std::unique_ptr<Integration>> NewPostgresIntegration(
    const Options& opts, absl::Duration timeout = absl::Seconds(10),
    ServerCollectorFactory factory = DefaultServerCollector);

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_POSTGRES_H_
