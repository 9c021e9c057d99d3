// integrations.process_exporter: named process groups with
// ncabatoff/process-exporter v0.7.10's metric names, types, HELP, labels
// and semantics (collector/process_collector.go), read in-process from
// procfs_path (tracker.h).
//
// Config keys and defaults are Grafana Agent's (options.h); the instance
// label is the agent key (a host integration). As in Grafana Agent, the
// first scan happens when the integration is created (a procfs that cannot
// be listed is then an error), and each collection also reports
// process_exporter_build_info. A later scan that cannot list procfs counts
// in namedprocess_scrape_errors, is logged once per state change and the
// collection still succeeds.
#ifndef OUTPOST_INTEGRATIONS_PROCESS_PROCESS_H_
#define OUTPOST_INTEGRATIONS_PROCESS_PROCESS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "integrations/process/options.h"
#include "integrations/process/tracker.h"

namespace outpost::integrations::process {

// The IntegrationSpec of `process_exporter` (one block per agent).
const config::IntegrationSpec& Spec();

// Builds the integration and runs its first scan. `fd_budget` 0: a quarter
// of RLIMIT_NOFILE (see Tracker::Settings).
absl::StatusOr<std::unique_ptr<Integration>> NewProcessIntegration(const Options& opts,
                                                                   size_t fd_budget = 0);

}  // namespace outpost::integrations::process

#endif  // OUTPOST_INTEGRATIONS_PROCESS_PROCESS_H_
