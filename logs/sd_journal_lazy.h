// sd-journal (libsystemd), opened when first needed (core/base/lazy_library.h).
#ifndef OUTPOST_LOGS_SD_JOURNAL_LAZY_H_
#define OUTPOST_LOGS_SD_JOURNAL_LAZY_H_

#include "core/base/lazy_library.h"

namespace outpost::logs {

// Load() it before the first call into the library.
LazyLibrary& LibSystemd();

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_SD_JOURNAL_LAZY_H_
