// blackbox.yml's `modules:` (blackbox_exporter config/config.go Module),
// read strictly as upstream's decoder with KnownFields(true): `prober`,
// `timeout`, and the prober blocks `http`, `tcp`, `icmp`, `dns`, `grpc`.
// Each block goes to the Prober of its name (probers.h); a prober outpost
// does not have is a config error naming it, `grpc` one saying it is not
// supported yet.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_MODULE_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_MODULE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "core/config/map_reader.h"
#include "integrations/blackbox/prober.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::blackbox {

struct Module {
  const Prober* prober = nullptr;  // never null in a parsed module
  absl::Duration timeout = absl::ZeroDuration();  // 0: the scrape's
  std::shared_ptr<const ProberSettings> settings;  // the prober's block
};

using Modules = std::map<std::string, Module, std::less<>>;

// Reads `modules:` of a blackbox.yml body `root` (and no other key; the
// caller Finish()es root). Modules with errors are left out; the errors
// are in root.errors().
Modules ParseModules(config::MapReader& root);

// Emits `modules:` (every module with its prober block, defaults included,
// secrets masked) into an open YAML map.
void DumpModules(const Modules& modules, YAML::Emitter& out);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_MODULE_H_
