// The blackbox integration's own config keys, as Grafana Agent v0.44's
// static/integrations/blackbox_exporter/blackbox_exporter.go: config_file
// (wins) or inline blackbox_config (a blackbox.yml body), blackbox_targets
// [{name, address, module}] and probe_timeout_offset (seconds, a float;
// default 0.5). The modules are read at load time, config_file's with its
// own file:line in the errors.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_OPTIONS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/config/map_reader.h"
#include "integrations/blackbox/module.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::blackbox {

struct Target {
  std::string name;     // job "integrations/blackbox/<name>"
  std::string address;  // the probe's target
  std::string module;   // empty: http_2xx (prober/handler.go's default)
};

struct Options : config::IntegrationOptions {
  std::string config_file;
  bool inline_config = false;  // blackbox_config given (and config_file not)
  std::vector<Target> targets;
  double probe_timeout_offset = 0.5;
  std::shared_ptr<const Modules> modules = std::make_shared<Modules>();
};

// The module name a target runs: its own, or http_2xx when empty.
std::string_view TargetModule(const Target& t);

// Reads the keys from `m`; errors (with config_file's own positions) go to
// m.errors(). Every target's module must be a module of the config.
Options ParseOptions(config::MapReader& m);

// Writes every key (defaults included, secrets masked) into an open map.
void DumpOptions(const Options& o, YAML::Emitter& out);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_OPTIONS_H_
