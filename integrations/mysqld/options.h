// The mysqld_exporter integration's own config keys, with Grafana Agent's
// names and defaults (grafana/agent pkg/integrations/mysqld_exporter/
// mysqld-exporter.go as of mysqld_exporter 0.14, DefaultConfig).
#ifndef OUTPOST_INTEGRATIONS_MYSQLD_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_MYSQLD_OPTIONS_H_

#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/config/map_reader.h"
#include "core/config/secret.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::mysqld {

// The environment variable read when data_source_name is empty.
inline constexpr char kDsnEnv[] = "MYSQLD_EXPORTER_DATA_SOURCE_NAME";

struct Options : config::IntegrationOptions {
  config::Secret data_source_name;  // go-sql-driver DSN (dsn.h)

  std::vector<std::string> enable_collectors;
  std::vector<std::string> disable_collectors;
  std::vector<std::string> set_collectors;

  int lock_wait_timeout = 2;
  bool log_slow_filter = false;

  int info_schema_processlist_min_time = 0;
  bool info_schema_processlist_processes_by_user = true;
  bool info_schema_processlist_processes_by_host = true;
  std::string info_schema_tables_databases = "*";
  int perf_schema_eventsstatements_limit = 250;
  int perf_schema_eventsstatements_time_limit = 86400;
  int perf_schema_eventsstatements_digtext_text_limit = 120;
  std::string perf_schema_file_instances_filter = ".*";
  std::string perf_schema_file_instances_remove_prefix = "/var/lib/mysql";
  std::string heartbeat_database = "heartbeat";
  std::string heartbeat_table = "heartbeat";
  bool heartbeat_utc = false;
  bool mysql_user_privileges = false;

  // data_source_name, or $MYSQLD_EXPORTER_DATA_SOURCE_NAME when empty (as
  // Grafana Agent's New); "" when neither is set.
  std::string EffectiveDsn() const;
};

// Reads the integration's keys from `m` over the defaults above. A set but
// invalid DSN is an error on data_source_name (password masked); so are
// unknown or unimplemented collector names (on the list naming them).
// Errors go to m.errors().
Options ParseOptions(config::MapReader& m);

// Writes every key (defaults included, the DSN as "<secret>") into an open
// YAML map.
void DumpOptions(const Options& o, YAML::Emitter& out);

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_INTEGRATIONS_MYSQLD_OPTIONS_H_
