// The libraries only some integrations use, opened when the first of them
// is made (core/base/lazy_library.h). The functions outpost calls forward
// to them from postgres/libpq_lazy.cc, snmp/netsnmp_lazy.cc,
// blackbox/ldns_lazy.cc and blackbox/cares_lazy.cc. Load() one before the
// first call into it.
#ifndef OUTPOST_INTEGRATIONS_COMMON_LAZY_LIBRARIES_H_
#define OUTPOST_INTEGRATIONS_COMMON_LAZY_LIBRARIES_H_

#include "core/base/lazy_library.h"

namespace outpost::integrations {

LazyLibrary& LibPq();       // PostgreSQL's client library
LazyLibrary& LibNetSnmp();  // net-snmp
LazyLibrary& LibLdns();     // ldns: DNS messages
LazyLibrary& LibCares();    // c-ares: name resolution

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_LAZY_LIBRARIES_H_
