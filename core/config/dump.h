// The effective config as YAML: every key with its value or default,
// durations in Prometheus form ("1m30s"), secrets as "<secret>". Used by
// `outpost check-config` and /-/config.
//
// Loading the output again gives the same config, except that secret values
// read back as the literal "<secret>" (so Dump(Load(Dump(c))) == Dump(c)).
// Thread-safe; pure.
#ifndef OUTPOST_CORE_CONFIG_DUMP_H_
#define OUTPOST_CORE_CONFIG_DUMP_H_

#include <string>

#include "core/config/config.h"
#include "core/config/integration_spec.h"

namespace outpost::config {

// `registry` must know every integration in cfg (it does when cfg came from
// Load with the same registry); unknown ones are dumped with their common
// keys only.
std::string Dump(const Config& cfg, const IntegrationRegistry& registry);

// What the agent will run, for a migrating user (check-config prints it
// after the effective config): enabled integrations, scrape jobs as
// "<instance>/<job>", the logs instances with their jobs and client count,
// the legacy listen address. YAML comment lines, so the
// output of check-config stays a loadable config. Example:
//   # outpost will run:
//   #   integrations: agent, node_exporter
//   #   scrape jobs: default/app (2 static targets)
std::string Summary(const Config& cfg);

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_DUMP_H_
