// Stub until the modules land (API in builtin_modules.h is final).
#include "integrations/snmp/builtin_modules.h"

namespace outpost::integrations::snmp {

const std::map<std::string, Module>& BuiltinModules() {
  static const auto* modules = new std::map<std::string, Module>();
  return *modules;
}

std::string BuiltinModulesYaml() { return "modules: {}\n"; }

}  // namespace outpost::integrations::snmp
