// The one table of blackbox probers: a module's `prober:` value (and the
// name of each prober block a module may carry) maps to its Prober.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_PROBERS_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_PROBERS_H_

#include <string_view>

#include "integrations/blackbox/prober.h"

namespace outpost::integrations::blackbox {

// The prober called `name`, or nullptr when outpost has none of that name.
const Prober* FindProber(std::string_view name);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_PROBERS_H_
