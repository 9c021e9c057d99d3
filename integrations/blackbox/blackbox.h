// integrations.blackbox: blackbox_exporter's probes run in-process, one
// scrape job per blackbox_target ("integrations/blackbox/<name>", params
// target= and module=, every target with the agent key as instance), as
// Grafana Agent v0.44's static/integrations/blackbox_exporter does.
//
// Each collection of a target runs its module's prober once and adds the
// probe_* gauges the prober sets plus probe_success and
// probe_duration_seconds (prober/handler.go). A failed probe is
// probe_success 0 with the reason in a debug log line; the collection
// itself succeeds (up 1), as the Agent's handler answers 200.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_BLACKBOX_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_BLACKBOX_H_

#include <memory>

#include "absl/time/time.h"
#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "integrations/blackbox/options.h"

namespace outpost::integrations::blackbox {

// The IntegrationSpec of `blackbox` (handler integration: has_targets()).
const config::IntegrationSpec& Spec();

// The probe's timeout for a scrape timeout, as upstream's getTimeout
// (prober/handler.go): the scrape timeout minus the offset, or the
// module's timeout when that is positive and smaller (or when the
// difference is negative).
absl::Duration ProbeTimeout(absl::Duration scrape_timeout, absl::Duration module_timeout,
                            double offset_seconds);

// The integration probing opts->targets[index] (what Spec().CreateTarget
// builds). Errors: index out of range, a module the options lack.
absl::StatusOr<std::unique_ptr<Integration>> NewTargetIntegration(
    std::shared_ptr<const Options> opts, size_t index);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_BLACKBOX_H_
