// c-ares (resolver) library, opened when first needed
// (core/base/lazy_library.h).
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_CARES_LAZY_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_CARES_LAZY_H_

#include "core/base/lazy_library.h"

namespace outpost::integrations::blackbox {

// Load() it before the first call into the library.
LazyLibrary& LibCares();

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_CARES_LAZY_H_
