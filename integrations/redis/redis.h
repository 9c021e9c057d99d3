// integrations.redis_exporter: Redis metrics with redis_exporter 1.45.0's
// metric names, types, HELP, labels and values, collected in-process over
// one persistent connection (TCP, unix socket or TLS; reconnects on the
// next collection after a failure).
//
// Config keys and defaults are Grafana Agent's (options.h); the instance
// label is redis_addr (URL password redacted). An unreachable server or a
// rejected AUTH gives redis_up 0 and Collect() still returns OK; the state
// change is logged once. Each collection also reports upstream's
// redis_exporter_* self-metrics (Grafana Agent always exposes them).
#ifndef OUTPOST_INTEGRATIONS_REDIS_REDIS_H_
#define OUTPOST_INTEGRATIONS_REDIS_REDIS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "integrations/redis/options.h"

namespace outpost::integrations::redis {

// The IntegrationSpec of `redis_exporter` (a process-wide immutable object;
// a list of blocks is allowed, one instance each).
const config::IntegrationSpec& Spec();

// Builds the integration from parsed options (what Spec().Create does):
// reads the password file or map file and the Lua script, loads the TLS
// files. Errors: unreadable files, a bad address, bad TLS material. Does
// not connect.
absl::StatusOr<std::unique_ptr<Integration>> NewRedisIntegration(const Options& opts);

}  // namespace outpost::integrations::redis

#endif  // OUTPOST_INTEGRATIONS_REDIS_REDIS_H_
