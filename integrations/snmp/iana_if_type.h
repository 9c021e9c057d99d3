// The IANAifType-MIB enumeration (the values of IF-MIB's ifType), by number.
#ifndef OUTPOST_INTEGRATIONS_SNMP_IANA_IF_TYPE_H_
#define OUTPOST_INTEGRATIONS_SNMP_IANA_IF_TYPE_H_

#include <cstdint>
#include <map>
#include <string>

namespace outpost::integrations::snmp {

// 1 "other" ... 303 "p2pOverLan"; built once, thread-safe.
const std::map<int64_t, std::string>& IanaIfTypeNames();

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_IANA_IF_TYPE_H_
