// net-snmp library, opened when first needed (core/base/lazy_library.h).
#ifndef OUTPOST_INTEGRATIONS_SNMP_NETSNMP_LAZY_H_
#define OUTPOST_INTEGRATIONS_SNMP_NETSNMP_LAZY_H_

#include "core/base/lazy_library.h"

namespace outpost::integrations::snmp {

// Load() it before the first call into the library.
LazyLibrary& LibNetSnmp();

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_NETSNMP_LAZY_H_
