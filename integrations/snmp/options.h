// The snmp integration's config keys (Grafana Agent v0.44
// static/integrations/snmp_exporter/snmp_exporter.go Config, SNMPTarget)
// and the snmp.yml they select:
//   config_file    a snmp.yml; wins over snmp_config
//   snmp_config    an inline snmp.yml ({auths, modules})
//   (neither)      the built-in modules (if_mib, system) and auths
//                  (public_v1, public_v2), as Agent's embedded snmp.yml
//   walk_params    {<name>: {max_repetitions, retries, timeout}}: overrides
//                  of a module's parameters a target may name
//   snmp_targets   [{name, address, module (if_mib), auth (public_v2),
//                  walk_params, snmp_context}]; with an old-format
//                  snmp.yml the default auth is the module's own
//
// A snmp.yml is read in snmp_exporter v0.26's format (top-level `auths:`
// and `modules:`, walk parameters inside each module) or in the format
// before 0.23 (Debian's 0.21: the modules at the top level, each with its
// `version` and `auth:`), which is converted with one warning: each old
// module's auth becomes an auth named after the module. Every module is
// compiled (engine.h) at load, so a bad module is a config error, as are a
// target without name or address, two targets of one name, and a target
// naming a module, auth or walk_params that does not exist.
#ifndef OUTPOST_INTEGRATIONS_SNMP_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_SNMP_OPTIONS_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/config/config.h"
#include "core/config/map_reader.h"
#include "integrations/snmp/auth.h"
#include "integrations/snmp/client.h"
#include "integrations/snmp/engine.h"
#include "integrations/snmp/module.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::snmp {

// A module with its walk parameters and its compiled engine.
struct ModuleConfig {
  Module module;
  WalkParams walk_params;
  std::vector<Oid> get, walk;  // module.get and module.walk, parsed
  std::shared_ptr<const Engine> engine;
};

// A loaded snmp.yml; immutable once loaded (shared by the targets).
struct SnmpConfig {
  std::map<std::string, Auth> auths;
  std::map<std::string, ModuleConfig> modules;
  bool converted = false;  // read from the old format
};

// One `walk_params` entry: what is set overrides the module's (Agent's
// snmp.go Handler: a non-zero max_repetitions or timeout, any retries).
struct WalkParamsOverride {
  uint32_t max_repetitions = 0;
  std::optional<int> retries;
  absl::Duration timeout = absl::ZeroDuration();
};

struct SnmpTarget {
  std::string name;
  std::string address;
  std::string module;  // "" = if_mib
  std::string auth;    // "" = public_v2
  std::string walk_params;
  std::string snmp_context;

  const std::string& ModuleName() const;
  const std::string& AuthName() const;
};

// Where the snmp.yml of Options::snmp came from.
enum class ConfigSource { kBuiltin, kInline, kFile };

struct Options : config::IntegrationOptions {
  std::string config_file;
  std::map<std::string, WalkParamsOverride> walk_params;
  std::vector<SnmpTarget> snmp_targets;
  ConfigSource source = ConfigSource::kBuiltin;
  std::shared_ptr<const SnmpConfig> snmp;  // never null after ParseOptions
};

// Reads the keys from `m` and loads the snmp.yml they select; errors (also
// those inside a config_file, with that file's name and line) go to
// m.errors().
Options ParseOptions(config::MapReader& m);

// Writes the keys into an open YAML map: config_file, the inline
// snmp_config (secrets masked; not the built-in one), walk_params,
// snmp_targets.
void DumpOptions(const Options& o, YAML::Emitter& out);

// Reads a snmp.yml document (either format) from `m`, Finish()ing every
// mapping it reads.
std::shared_ptr<SnmpConfig> ParseSnmpConfig(config::MapReader& m);

// The snmp.yml used when none is given (built-in modules and auths).
std::shared_ptr<const SnmpConfig> BuiltinSnmpConfig();

// The parameters a target's walks use: its module's, overridden by its
// walk_params entry if it names one.
WalkParams TargetWalkParams(const Options& o, const SnmpTarget& t, const ModuleConfig& m);

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_OPTIONS_H_
