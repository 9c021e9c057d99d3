// The integrations this binary is built with, by config key.
#ifndef OUTPOST_INTEGRATIONS_REGISTRY_H_
#define OUTPOST_INTEGRATIONS_REGISTRY_H_

#include "core/config/integration_spec.h"

namespace outpost::integrations {

// The process-wide table of built-in integrations (immutable).
const config::IntegrationRegistry& Builtin();

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_REGISTRY_H_
