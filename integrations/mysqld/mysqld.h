// integrations.mysqld_exporter: MySQL/MariaDB server metrics over one
// persistent libmysqlclient connection, with mysqld_exporter 0.14.0's
// metric names, types, HELP and labels.
//
// Config keys and defaults are Grafana Agent's (options.h); the collectors
// run are resolved from set/enable/disable_collectors (collector.h) and
// gated by the server version as upstream. Each collection reports, as
// mysqld_exporter's Exporter does: mysql_up, mysql_exporter_scrapes_total,
// mysql_exporter_last_scrape_error, mysql_exporter_scrape_errors_total
// {collector} (once a collector has failed) and
// mysql_exporter_collector_duration_seconds{collector} ("connection" and
// "collect.<name>"). An unreachable server or bad credentials give
// mysql_up 0 and Collect() still returns OK; state changes are logged once.
// Reconnection attempts back off (1 s doubling to 30 s) while the server
// stays unreachable.
#ifndef OUTPOST_INTEGRATIONS_MYSQLD_MYSQLD_H_
#define OUTPOST_INTEGRATIONS_MYSQLD_MYSQLD_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "integrations/mysqld/options.h"

namespace outpost::integrations::mysqld {

// The IntegrationSpec of `mysqld_exporter` (a process-wide immutable
// object; allows a list of blocks).
const config::IntegrationSpec& Spec();

// Builds the integration from parsed options (what Spec().Create does);
// `timeout` bounds connect/read/write when the DSN sets no timeouts (the
// scrape_timeout). Errors: no DSN (neither data_source_name nor
// $MYSQLD_EXPORTER_DATA_SOURCE_NAME), a bad DSN (password masked), an
// unknown or unsupported collector. Nothing connects here.
absl::StatusOr<std::unique_ptr<Integration>> NewMysqldIntegration(
    const Options& opts, absl::Duration timeout = absl::Seconds(10));

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_INTEGRATIONS_MYSQLD_MYSQLD_H_
