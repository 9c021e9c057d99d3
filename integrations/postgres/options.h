// The postgres_exporter integration's own config keys, with Grafana
// Agent's names and defaults (grafana/agent v0.44
// static/integrations/postgres_exporter/postgres_exporter.go, Config).
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/config/config.h"
#include "core/config/map_reader.h"
#include "core/config/secret.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::postgres {

// Read (split on ',') when data_source_names is empty.
inline constexpr char kDsnEnv[] = "POSTGRES_EXPORTER_DATA_SOURCE_NAME";

struct Options : config::IntegrationOptions {
  std::vector<config::Secret> data_source_names;  // URL or key=value (dsn.h)
  bool disable_settings_metrics = false;
  bool autodiscover_databases = false;
  std::vector<std::string> exclude_databases;
  std::vector<std::string> include_databases;
  bool disable_default_metrics = false;
  std::string query_path;

  // data_source_names, or $POSTGRES_EXPORTER_DATA_SOURCE_NAME split on ','
  // when the list is empty (Grafana Agent's getDataSourceNames). Error when
  // neither is set.
  absl::StatusOr<std::vector<std::string>> EffectiveDsns() const;
  // include_databases as upstream sees it: joined with ',' by Grafana
  // Agent, split on ',' by the exporter.
  std::vector<std::string> IncludeDatabases() const;
};

// Reads the keys from `m` over the defaults above. Each DSN that does not
// parse is an error on data_source_names (password masked); so is a
// missing instance key when the block sets no `instance` (several DSNs, a
// key=value DSN: DsnInstanceKey). Errors go to m.errors().
Options ParseOptions(config::MapReader& m);

// Writes every key (defaults included, each DSN as "<secret>") into an open
// YAML map.
void DumpOptions(const Options& o, YAML::Emitter& out);

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_OPTIONS_H_
