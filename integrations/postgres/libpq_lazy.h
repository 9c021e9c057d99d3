// libpq (PostgreSQL's client library), opened when first needed
// (core/base/lazy_library.h).
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_LIBPQ_LAZY_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_LIBPQ_LAZY_H_

#include "core/base/lazy_library.h"

namespace outpost::integrations::postgres {

// Load() it before the first call into the library.
LazyLibrary& LibPq();

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_LIBPQ_LAZY_H_
