// The process_exporter integration's config keys, with Grafana Agent's names
// and defaults (grafana/agent static/integrations/process_exporter/
// config.go) and process-exporter's matcher rules
// (ncabatoff/process-exporter@v0.7.10 config/config.go MatcherGroup).
#ifndef OUTPOST_INTEGRATIONS_PROCESS_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_PROCESS_OPTIONS_H_

#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/config/map_reader.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::process {

// One entry of process_names. A kind given as a list (even empty) is a
// matcher; an absent kind is not (upstream tests the slices for nil).
struct MatcherRule {
  std::string name;  // a Go template; "" means {{.ExeBase}}
  std::vector<std::string> comm, exe, cmdline;
  bool has_comm = false, has_exe = false, has_cmdline = false;
};

struct Options : config::IntegrationOptions {
  std::vector<MatcherRule> process_names;
  std::string procfs_path = "/proc";
  bool track_children = true;
  bool track_threads = true;
  bool gather_smaps = true;
  bool recheck_on_scrape = false;
};

// Reads the keys from `m` over the defaults above; a rule without a
// matcher, a cmdline regex RE2 rejects or a name template the engine
// cannot run is an error at its key. Errors go to m.errors().
Options ParseOptions(config::MapReader& m);

// Writes every key (defaults included) into an open YAML map.
void DumpOptions(const Options& o, YAML::Emitter& out);

}  // namespace outpost::integrations::process

#endif  // OUTPOST_INTEGRATIONS_PROCESS_OPTIONS_H_
