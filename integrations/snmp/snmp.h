// integrations.snmp: SNMP devices polled as Grafana Agent v0.44's snmp
// integration does (snmp_exporter v0.26 embedded), in-process.
//
// A handler integration: one job "integrations/snmp/<target name>" per
// snmp_target, all with the agent key as instance, each collecting one
// device: the module's gets and walks over net-snmp (client.h), the PDUs
// turned into the module's metrics (engine.h), then snmp_exporter v0.26's
// per-module gauges snmp_scrape_walk_duration_seconds,
// snmp_scrape_packets_sent, snmp_scrape_packets_retried,
// snmp_scrape_pdus_returned and snmp_scrape_duration_seconds, labelled
// {module="<name>"} (0.21, Debian's, has no label).
//
// A failed walk (unreachable device, wrong community: timeouts; wrong v3
// credentials: the agent's report) is upstream's snmp_error, which fails
// the scrape: Collect returns TargetDown with nothing added (up 0). A
// module the engine cannot apply to the answer (upstream's invalid
// metric) discards the round. Each target logs its error once when it
// goes down (error level) and once when it recovers (info).
//
// Not implemented: the per-request snmp_packet_duration_seconds,
// snmp_packets_total, snmp_packet_retries_total,
// snmp_unexpected_pdu_type_total, snmp_request_in_flight and
// snmp_collection_duration_seconds that Agent registers in each target's
// fresh registry; modules' `filters` (accepted with a warning: the OIDs
// they would narrow are walked whole).
#ifndef OUTPOST_INTEGRATIONS_SNMP_SNMP_H_
#define OUTPOST_INTEGRATIONS_SNMP_SNMP_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "integrations/snmp/options.h"

namespace outpost::integrations::snmp {

// The IntegrationSpec of `snmp` (a process-wide immutable object).
const config::IntegrationSpec& Spec();

// The integration collecting opts.snmp_targets[index] (what
// Spec().CreateTarget does); `opts` is kept alive by it. Errors: an index
// out of range, a target the client cannot use (bad address, a protocol
// net-snmp lacks). Does no I/O.
absl::StatusOr<std::unique_ptr<Integration>> NewTargetIntegration(
    std::shared_ptr<const Options> opts, size_t index);

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_SNMP_H_
