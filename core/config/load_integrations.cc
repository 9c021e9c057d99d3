// The `integrations` block (Grafana Agent static/integrations/manager.go
// ManagerConfig and static/integrations/config/config.go Common).
#include <algorithm>
#include <array>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/config/duration.h"
#include "core/config/loader_internal.h"
#include "core/config/str_util.h"

namespace outpost::config::internal {
namespace {

// Integrations Grafana Agent has (static/integrations/install/install.go)
// that outpost does not implement yet; anything else is unknown.
constexpr std::array<std::string_view, 27> kKnownIntegrations = {
    "apache_http",         "azure_exporter",      "blackbox",
    "cadvisor",            "cloudwatch_exporter", "consul_exporter",
    "dnsmasq_exporter",    "elasticsearch_exporter", "gcp_exporter",
    "github_exporter",     "kafka_exporter",      "memcached_exporter",
    "mongodb_exporter",    "mssql",               "mysqld_exporter",
    "oracledb",            "postgres_exporter",   "process_exporter",
    "redis_exporter",      "snmp",                "snowflake",
    "squid",               "statsd_exporter",     "windows_exporter",
    "vsphere",             "app_agent_receiver",  "eventhandler",
};

bool IsKnown(std::string_view name) {
  return std::find(kKnownIntegrations.begin(), kKnownIntegrations.end(), name) !=
         kKnownIntegrations.end();
}

// integrations-next (-enable-features=integrations-next) has a `metrics`
// block and `<name>_configs` lists instead of v1 blocks.
bool LooksLikeIntegrationsNext(const MapReader& m) {
  for (const std::string& k : m.Keys()) {
    if (k == "metrics" || absl::EndsWith(k, "_configs")) return true;
  }
  return false;
}

void ReadCommon(MapReader& m, const MetricsConfig& metrics, const IntegrationsConfig& manager,
                IntegrationCommon* c) {
  c->scrape_integration = manager.scrape_integrations;
  m.Bool("enabled", &c->enabled);
  m.String("instance", &c->instance);
  m.Bool("scrape_integration", &c->scrape_integration);
  if (!ReadScrapeTiming(m, metrics.global.scrape_interval, metrics.global.scrape_timeout,
                        &c->scrape_interval, &c->scrape_timeout)) {
    m.Error("scrape_timeout", Cat("scrape_timeout (", FormatPromDuration(c->scrape_timeout),
                                  ") greater than scrape_interval (",
                                  FormatPromDuration(c->scrape_interval), ")"));
  }
  m.RelabelConfigs("relabel_configs", &c->relabel_configs);
  m.RelabelConfigs("metric_relabel_configs", &c->metric_relabel_configs);
  m.Duration("wal_truncate_frequency", &c->wal_truncate_frequency);
  // node_exporter and redis_exporter add the exporter's own go_* and
  // process_* series (static/integrations/node_exporter/config.go); outpost
  // runs no exporter process, so there are none to add.
  bool exporter_metrics = false;
  m.Bool("include_exporter_metrics", &exporter_metrics);
  if (exporter_metrics) {
    m.Warn("include_exporter_metrics", "ignored: outpost runs no exporter process, so there are "
                                       "no exporter go_* and process_* metrics");
  }
  if (c->scrape_interval > c->wal_truncate_frequency) {
    m.Error(m.Has("scrape_interval") ? "scrape_interval" : "wal_truncate_frequency",
            Cat("scrape_interval (", FormatPromDuration(c->scrape_interval),
                         ") greater than wal_truncate_frequency (",
                         FormatPromDuration(c->wal_truncate_frequency), ")"));
  }
}

void ReadOne(MapReader& parent, const std::string& name, const MetricsConfig& metrics,
             const IntegrationRegistry& registry, IntegrationsConfig* out) {
  const IntegrationSpec* spec = registry.Find(name);
  YAML::Node node = parent.Raw(name);
  if (spec == nullptr) {
    if (!IsKnown(name)) {
      parent.Error(name, "unknown integration");
      return;
    }
    // Read `enabled` on the side so that a malformed block of an
    // unimplemented integration gives one clear message.
    Errors scratch;
    MapReader probe(node, parent.KeyPath(name), &scratch);
    bool enabled = false;
    probe.Bool("enabled", &enabled);
    if (enabled || !scratch.ok()) {
      parent.Error(name, "not supported yet");
    } else {
      parent.Warn(name, "not supported yet; ignored because it is not enabled");
    }
    return;
  }
  auto read_block = [&](MapReader& m, bool in_list) {
    IntegrationConfig ic;
    ic.name = name;
    ic.in_list = in_list;
    ReadCommon(m, metrics, *out, &ic.common);
    ic.options = spec->Parse(m);
    m.Finish();
    out->integrations.push_back(std::move(ic));
  };
  if (!node.IsSequence()) {
    MapReader m(node, parent.KeyPath(name), parent.errors());
    read_block(m, false);
    return;
  }
  if (!spec->allows_list()) {
    parent.Error(name, "must be a mapping: only one block of this integration is allowed");
    return;
  }
  // An outpost extension: one block per server. The blocks become
  // separate targets, so their instance labels must differ.
  std::map<std::string, size_t> seen;  // instance -> block index
  std::vector<MapReader> blocks = parent.MapList(name);
  for (size_t i = 0; i < blocks.size(); ++i) {
    read_block(blocks[i], true);
    const IntegrationConfig& ic = out->integrations.back();
    if (!ic.common.enabled) continue;
    const std::string instance = ic.common.instance.empty()
                                     ? spec->InstanceKey(*ic.options, HostInfo{})
                                     : ic.common.instance;
    auto [it, fresh] = seen.emplace(instance, i);
    if (!fresh) {
      blocks[i].Error("", Cat("instance \"", instance, "\" is also the instance of ", name, "[",
                              it->second, "]; set a distinct `instance` in one of them"));
    }
  }
}

}  // namespace

void ReadIntegrations(MapReader& m, const MetricsConfig& metrics,
                      const IntegrationRegistry& registry, IntegrationsConfig* out) {
  if (LooksLikeIntegrationsNext(m)) {
    m.Error("", "the integrations-next format (-enable-features=integrations-next) is not "
                "supported yet");
    for (const std::string& k : m.Keys()) m.Consume(k);
    return;
  }
  m.Bool("scrape_integrations", &out->scrape_integrations);
  m.LabelMap("labels", &out->labels);
  ReadRemoteWriteList(m, "prometheus_remote_write", "integrations", &out->prometheus_remote_write);
  m.Duration("integration_restart_backoff", &out->integration_restart_backoff);
  // Outpost-only: the integrations WAL's limits (config.h).
  m.Duration("min_wal_time", &out->min_wal_time);
  m.Duration("max_wal_time", &out->max_wal_time);
  m.Bytes("max_wal_size", &out->max_wal_size);
  if (out->min_wal_time > out->max_wal_time) {
    m.Error(m.Has("min_wal_time") ? "min_wal_time" : "max_wal_time",
            "min_wal_time must be less than or equal to max_wal_time");
  }
  m.Unsupported("http_tls_config");
  for (std::string_view k : {"replace_instance_label", "use_hostname_label"}) {
    if (!m.Has(k)) continue;
    bool ignored = false;
    m.Bool(k, &ignored);
    m.Warn(k, "deprecated and ignored");
  }
  for (const std::string& name : m.Keys()) {
    if (m.IsConsumed(name)) continue;
    ReadOne(m, name, metrics, registry, out);
  }
}

}  // namespace outpost::config::internal
