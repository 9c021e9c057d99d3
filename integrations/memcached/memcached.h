// integrations.memcached_exporter: memcached server metrics with the
// names, types, HELP and labels of prometheus/memcached_exporter v0.13.0
// (the version Grafana Agent v0.44 embeds), collected in-process.
//
// Each collection sends `stats`, `stats slabs`, `stats items` and `stats
// settings` in one write over one kept connection (client.h; upstream
// opens a new one per scrape) and maps the replies as upstream
// (exporter.h). memcached_up is 0 when the connection, the stats or the
// settings fail, or any value does not parse; the samples that did parse
// are kept, as upstream. With up 0 Collect() returns TargetDown (the
// round's `up` is 0, memcached_up 0 reaches the WAL); each up/down change
// is logged once. memcached_exporter_build_info carries outpost's version
// (Grafana Agent's CollectorIntegration).
//
// Config keys and defaults are Grafana Agent's (options.h); the instance
// label is memcached_address.
#ifndef OUTPOST_INTEGRATIONS_MEMCACHED_MEMCACHED_H_
#define OUTPOST_INTEGRATIONS_MEMCACHED_MEMCACHED_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "integrations/memcached/options.h"

namespace outpost::integrations::memcached {

// The IntegrationSpec of `memcached_exporter` (a process-wide immutable
// object; a list of blocks is allowed, one instance each).
const config::IntegrationSpec& Spec();

// Builds the integration from parsed options (what Spec().Create does);
// loads the TLS files. Errors: a bad address, bad TLS material. Does not
// connect.
absl::StatusOr<std::unique_ptr<Integration>> NewMemcachedIntegration(const Options& opts);

}  // namespace outpost::integrations::memcached

#endif  // OUTPOST_INTEGRATIONS_MEMCACHED_MEMCACHED_H_
