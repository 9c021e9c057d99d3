// integrations.node_exporter: host metrics read straight from /proc and /sys,
// with node_exporter 1.5.0's metric names, types, HELP and labels.
//
// Config keys and defaults are Grafana Agent's (options.h); the collectors
// run are resolved from set/enable/disable_collectors (collector.h). Each
// collection reports node_scrape_collector_duration_seconds and
// node_scrape_collector_success per collector; a failing collector never
// fails the others, and Collect() itself only fails on a deadline miss.
#ifndef OUTPOST_INTEGRATIONS_NODE_NODE_H_
#define OUTPOST_INTEGRATIONS_NODE_NODE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "integrations/node/options.h"

namespace outpost::integrations::node {

// The IntegrationSpec of `node_exporter` (a process-wide immutable object).
const config::IntegrationSpec& Spec();

// Builds the integration from already-parsed options (what Spec().Create
// does); used directly by tests and benchmarks. Errors: an unknown or
// unsupported collector name, an invalid regex.
absl::StatusOr<std::unique_ptr<Integration>> NewNodeIntegration(const Options& opts);

}  // namespace outpost::integrations::node

#endif  // OUTPOST_INTEGRATIONS_NODE_NODE_H_
