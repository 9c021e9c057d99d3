#include "integrations/mysqld/options.h"

#include <cstdlib>
#include <string_view>
#include <utility>

#include "core/base/absl_compat.h"
#include "integrations/mysqld/collector.h"
#include "integrations/mysqld/dsn.h"

namespace outpost::integrations::mysqld {

std::string Options::EffectiveDsn() const {
  if (!data_source_name.empty()) return data_source_name.reveal();
  const char* env = std::getenv(kDsnEnv);
  return env != nullptr ? env : "";
}

Options ParseOptions(config::MapReader& m) {
  Options o;
  m.Secret("data_source_name", &o.data_source_name);
  m.StringList("enable_collectors", &o.enable_collectors);
  m.StringList("disable_collectors", &o.disable_collectors);
  m.StringList("set_collectors", &o.set_collectors);
  m.Int("lock_wait_timeout", &o.lock_wait_timeout);
  m.Bool("log_slow_filter", &o.log_slow_filter);
  m.Int("info_schema_processlist_min_time", &o.info_schema_processlist_min_time);
  m.Bool("info_schema_processlist_processes_by_user",
         &o.info_schema_processlist_processes_by_user);
  m.Bool("info_schema_processlist_processes_by_host",
         &o.info_schema_processlist_processes_by_host);
  m.String("info_schema_tables_databases", &o.info_schema_tables_databases);
  m.Int("perf_schema_eventsstatements_limit", &o.perf_schema_eventsstatements_limit);
  m.Int("perf_schema_eventsstatements_time_limit", &o.perf_schema_eventsstatements_time_limit);
  m.Int("perf_schema_eventsstatements_digtext_text_limit",
        &o.perf_schema_eventsstatements_digtext_text_limit);
  m.Regex("perf_schema_file_instances_filter", &o.perf_schema_file_instances_filter);
  m.String("perf_schema_file_instances_remove_prefix", &o.perf_schema_file_instances_remove_prefix);
  m.String("heartbeat_database", &o.heartbeat_database);
  m.String("heartbeat_table", &o.heartbeat_table);
  m.Bool("heartbeat_utc", &o.heartbeat_utc);
  m.Bool("mysql_user_privileges", &o.mysql_user_privileges);
  if (o.lock_wait_timeout < 0) m.ValueError("lock_wait_timeout", "must not be negative");

  // A missing DSN is reported when the integration is created (Grafana
  // Agent's New), since $MYSQLD_EXPORTER_DATA_SOURCE_NAME may supply it.
  if (!o.data_source_name.empty()) {
    absl::StatusOr<Dsn> d = ParseDsn(o.data_source_name.reveal());
    if (!d.ok()) {
      m.ValueError("data_source_name", ToStd(d.status().message()));
    }
  }

  absl::StatusOr<std::vector<const CollectorInfo*>> sel = SelectCollectors(o);
  if (!sel.ok()) {
    const std::string msg(ToStd(sel.status().message()));
    std::string_view key;
    for (const auto& [k, list] : {std::pair{"set_collectors", &o.set_collectors},
                                  std::pair{"enable_collectors", &o.enable_collectors},
                                  std::pair{"disable_collectors", &o.disable_collectors}}) {
      for (const std::string& name : *list) {
        if (key.empty() && msg.find(Cat("\"", name, "\"")) != std::string::npos) key = k;
      }
    }
    m.Error(key, msg);
  }
  return o;
}

void DumpOptions(const Options& o, YAML::Emitter& out) {
  auto list = [&](const char* k, const std::vector<std::string>& v) {
    out << YAML::Key << k << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& s : v) out << s;
    out << YAML::EndSeq;
  };
  out << YAML::Key << "data_source_name" << YAML::Value
      << std::string(o.data_source_name.masked());
  list("enable_collectors", o.enable_collectors);
  list("disable_collectors", o.disable_collectors);
  list("set_collectors", o.set_collectors);
  out << YAML::Key << "lock_wait_timeout" << YAML::Value << o.lock_wait_timeout;
  out << YAML::Key << "log_slow_filter" << YAML::Value << o.log_slow_filter;
  out << YAML::Key << "info_schema_processlist_min_time" << YAML::Value
      << o.info_schema_processlist_min_time;
  out << YAML::Key << "info_schema_processlist_processes_by_user" << YAML::Value
      << o.info_schema_processlist_processes_by_user;
  out << YAML::Key << "info_schema_processlist_processes_by_host" << YAML::Value
      << o.info_schema_processlist_processes_by_host;
  out << YAML::Key << "info_schema_tables_databases" << YAML::Value
      << o.info_schema_tables_databases;
  out << YAML::Key << "perf_schema_eventsstatements_limit" << YAML::Value
      << o.perf_schema_eventsstatements_limit;
  out << YAML::Key << "perf_schema_eventsstatements_time_limit" << YAML::Value
      << o.perf_schema_eventsstatements_time_limit;
  out << YAML::Key << "perf_schema_eventsstatements_digtext_text_limit" << YAML::Value
      << o.perf_schema_eventsstatements_digtext_text_limit;
  out << YAML::Key << "perf_schema_file_instances_filter" << YAML::Value
      << o.perf_schema_file_instances_filter;
  out << YAML::Key << "perf_schema_file_instances_remove_prefix" << YAML::Value
      << o.perf_schema_file_instances_remove_prefix;
  out << YAML::Key << "heartbeat_database" << YAML::Value << o.heartbeat_database;
  out << YAML::Key << "heartbeat_table" << YAML::Value << o.heartbeat_table;
  out << YAML::Key << "heartbeat_utc" << YAML::Value << o.heartbeat_utc;
  out << YAML::Key << "mysql_user_privileges" << YAML::Value << o.mysql_user_privileges;
}

}  // namespace outpost::integrations::mysqld
