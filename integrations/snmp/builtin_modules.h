// The modules used when the user gives no snmp.yml: `if_mib` (RFC 2863
// IF-MIB: the interfaces and ifX tables, as upstream's generated if_mib
// module) and `system` (RFC 3418 SNMPv2-MIB system group), written by the
// project from the public MIB definitions (builtin_modules.cc).
#ifndef OUTPOST_INTEGRATIONS_SNMP_BUILTIN_MODULES_H_
#define OUTPOST_INTEGRATIONS_SNMP_BUILTIN_MODULES_H_

#include <map>
#include <string>

#include "integrations/snmp/module.h"

namespace outpost::integrations::snmp {

// The built-in modules by name, parsed once (thread-safe).
const std::map<std::string, Module>& BuiltinModules();

// Their snmp.yml text: the v0.26 `modules:` mapping (no auths), as
// DumpModule writes it (for converting to another format, or for a test).
std::string BuiltinModulesYaml();

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_BUILTIN_MODULES_H_
