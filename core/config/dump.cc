#include "core/config/dump.h"

#include "core/base/absl_compat.h"

#include "core/config/duration.h"
#include "core/config/loader_internal.h"
#include "yaml-cpp/yaml.h"
#include "core/config/str_util.h"
#include "core/config/url.h"

namespace outpost::config {

using internal::Cat;
using internal::Sv;
namespace internal {
namespace {

void Str(YAML::Emitter& out, std::string_view key, std::string_view value) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::DoubleQuoted << std::string(value);
}

void Dur(YAML::Emitter& out, std::string_view key, absl::Duration d) {
  out << YAML::Key << std::string(key) << YAML::Value << FormatPromDuration(d);
}

void Bool(YAML::Emitter& out, std::string_view key, bool v) {
  out << YAML::Key << std::string(key) << YAML::Value << (v ? "true" : "false");
}

template <typename T>
void Num(YAML::Emitter& out, std::string_view key, T v) {
  out << YAML::Key << std::string(key) << YAML::Value << v;
}

// A URL: its password masked.
void Url(YAML::Emitter& out, std::string_view key, std::string_view url) {
  Str(out, key, MaskUrlPassword(url));
}

void Secret(YAML::Emitter& out, std::string_view key, const config::Secret& s) {
  Str(out, key, s.masked());
}

void StrMap(YAML::Emitter& out, std::string_view key, const std::map<std::string, std::string>& m) {
  out << YAML::Key << std::string(key) << YAML::Value;
  if (m.empty()) {
    out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
    return;
  }
  out << YAML::BeginMap;
  for (const auto& [k, v] : m) out << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
  out << YAML::EndMap;
}

void StrList(YAML::Emitter& out, std::string_view key, const std::vector<std::string>& l) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& s : l) out << YAML::DoubleQuoted << s;
  out << YAML::EndSeq;
}

void Tls(YAML::Emitter& out, const TlsConfig& tls) {
  out << YAML::Key << "tls_config" << YAML::Value << YAML::BeginMap;
  Str(out, "ca_file", tls.ca_file);
  Str(out, "cert_file", tls.cert_file);
  Str(out, "key_file", tls.key_file);
  Str(out, "server_name", tls.server_name);
  Bool(out, "insecure_skip_verify", tls.insecure_skip_verify);
  out << YAML::EndMap;
}

// `key:` and each item emitted by `emit`, or `[]` when there is none.
template <typename T, typename F>
void Seq(YAML::Emitter& out, std::string_view key, const std::vector<T>& items, F emit) {
  out << YAML::Key << std::string(key) << YAML::Value;
  if (items.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    return;
  }
  out << YAML::BeginSeq;
  for (const T& item : items) emit(item);
  out << YAML::EndSeq;
}

void RemoteWriteList(YAML::Emitter& out, std::string_view key,
                     const std::vector<RemoteWriteConfig>& l) {
  Seq(out, key, l, [&](const RemoteWriteConfig& rw) { EmitRemoteWrite(out, rw); });
}

void Relabels(YAML::Emitter& out, std::string_view key, const std::vector<relabel::Config>& l) {
  out << YAML::Key << std::string(key) << YAML::Value;
  EmitRelabelConfigs(out, l);
}

}  // namespace

void EmitRelabelConfigs(YAML::Emitter& out, const std::vector<relabel::Config>& cfgs) {
  if (cfgs.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    return;
  }
  out << YAML::BeginSeq;
  for (const relabel::Config& c : cfgs) {
    out << YAML::BeginMap;
    StrList(out, "source_labels", c.source_labels);
    Str(out, "separator", c.separator);
    Str(out, "regex", c.regex);
    Num(out, "modulus", c.modulus);
    Str(out, "target_label", c.target_label);
    Str(out, "replacement", c.replacement);
    Str(out, "action", relabel::ActionName(c.action));
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

namespace {

// The keys ReadClientAuth reads (and sigv4 when set, in the place remote
// write has always dumped it, so that derived names stay unchanged).
void EmitClientAuth(YAML::Emitter& out, const RemoteWriteConfig& rw) {
  if (rw.basic_auth) {
    out << YAML::Key << "basic_auth" << YAML::Value << YAML::BeginMap;
    Str(out, "username", rw.basic_auth->username);
    Secret(out, "password", rw.basic_auth->password);
    Str(out, "password_file", rw.basic_auth->password_file);
    out << YAML::EndMap;
  }
  if (rw.authorization) {
    out << YAML::Key << "authorization" << YAML::Value << YAML::BeginMap;
    Str(out, "type", rw.authorization->type);
    Secret(out, "credentials", rw.authorization->credentials);
    Str(out, "credentials_file", rw.authorization->credentials_file);
    out << YAML::EndMap;
  }
  Secret(out, "bearer_token", rw.bearer_token);
  Str(out, "bearer_token_file", rw.bearer_token_file);
  // Only when set, so that the names derived from this dump are unchanged.
  if (rw.oauth2) {
    const OAuth2Config& o = *rw.oauth2;
    out << YAML::Key << "oauth2" << YAML::Value << YAML::BeginMap;
    Str(out, "client_id", o.client_id);
    Secret(out, "client_secret", o.client_secret);
    Str(out, "client_secret_file", o.client_secret_file);
    StrList(out, "scopes", o.scopes);
    Url(out, "token_url", o.token_url);
    StrMap(out, "endpoint_params", o.endpoint_params);
    Tls(out, o.tls_config);
    Url(out, "proxy_url", o.proxy_url);
    out << YAML::EndMap;
  }
  if (rw.sigv4) {
    out << YAML::Key << "sigv4" << YAML::Value << YAML::BeginMap;
    Str(out, "region", rw.sigv4->region);
    Str(out, "access_key", rw.sigv4->access_key);
    Secret(out, "secret_key", rw.sigv4->secret_key);
    Str(out, "profile", rw.sigv4->profile);
    Str(out, "role_arn", rw.sigv4->role_arn);
    out << YAML::EndMap;
  }
  Tls(out, rw.tls_config);
  Url(out, "proxy_url", rw.proxy_url);
  Bool(out, "follow_redirects", rw.follow_redirects);
}

}  // namespace

void EmitRemoteWrite(YAML::Emitter& out, const RemoteWriteConfig& rw) {
  out << YAML::BeginMap;
  Url(out, "url", rw.url);
  if (!rw.name.empty()) Str(out, "name", rw.name);
  Dur(out, "remote_timeout", rw.remote_timeout);
  StrMap(out, "headers", rw.headers);
  Relabels(out, "write_relabel_configs", rw.write_relabel_configs);
  Bool(out, "send_exemplars", rw.send_exemplars);
  EmitClientAuth(out, rw);
  const QueueConfig& q = rw.queue_config;
  out << YAML::Key << "queue_config" << YAML::Value << YAML::BeginMap;
  Num(out, "capacity", q.capacity);
  Num(out, "max_shards", q.max_shards);
  Num(out, "min_shards", q.min_shards);
  Num(out, "max_samples_per_send", q.max_samples_per_send);
  Dur(out, "batch_send_deadline", q.batch_send_deadline);
  Dur(out, "min_backoff", q.min_backoff);
  Dur(out, "max_backoff", q.max_backoff);
  Bool(out, "retry_on_http_429", q.retry_on_http_429);
  Dur(out, "sample_age_limit", q.sample_age_limit);
  out << YAML::EndMap;
  out << YAML::Key << "metadata_config" << YAML::Value << YAML::BeginMap;
  Bool(out, "send", rw.metadata_config.send);
  Dur(out, "send_interval", rw.metadata_config.send_interval);
  Num(out, "max_samples_per_send", rw.metadata_config.max_samples_per_send);
  out << YAML::EndMap;
  out << YAML::EndMap;
}


void EmitLokiClient(YAML::Emitter& out, const LokiClientConfig& c) {
  const RemoteWriteConfig& http = c.http;
  out << YAML::BeginMap;
  Url(out, "url", http.url);
  if (!http.name.empty()) Str(out, "name", http.name);
  Str(out, "tenant_id", c.tenant_id);
  Dur(out, "batchwait", c.batchwait);
  Num(out, "batchsize", c.batchsize);
  Dur(out, "timeout", http.remote_timeout);
  out << YAML::Key << "backoff_config" << YAML::Value << YAML::BeginMap;
  Dur(out, "min_period", c.min_backoff);
  Dur(out, "max_period", c.max_backoff);
  Num(out, "max_retries", c.max_retries);
  out << YAML::EndMap;
  StrMap(out, "external_labels", c.external_labels);
  StrMap(out, "headers", http.headers);
  EmitClientAuth(out, http);
  Bool(out, "drop_rate_limited_batches", c.drop_rate_limited_batches);
  out << YAML::EndMap;
}

namespace {

void LokiClients(YAML::Emitter& out, const std::vector<LokiClientConfig>& l) {
  Seq(out, "clients", l, [&](const LokiClientConfig& c) { EmitLokiClient(out, c); });
}

void LogsJob(YAML::Emitter& out, const LogsScrapeConfig& sc) {
  out << YAML::BeginMap;
  Str(out, "job_name", sc.job_name);
  if (!sc.pipeline_stages.empty()) {
    out << YAML::Key << "pipeline_stages" << YAML::Value << YAML::BeginSeq;
    for (const PipelineStage& st : sc.pipeline_stages) {
      out << YAML::BeginMap << YAML::Key << st.name << YAML::Value << st.body << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  Relabels(out, "relabel_configs", sc.relabel_configs);
  if (!sc.static_configs.empty()) {
    out << YAML::Key << "static_configs" << YAML::Value << YAML::BeginSeq;
    for (const LogsStaticConfig& st : sc.static_configs) {
      out << YAML::BeginMap;
      StrList(out, "targets", st.targets);
      StrMap(out, "labels", st.labels);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (sc.journal) {
    const LogsJournalConfig& j = *sc.journal;
    out << YAML::Key << "journal" << YAML::Value << YAML::BeginMap;
    Bool(out, "json", j.json);
    // A Go duration (absl's format is one), as Promtail reads max_age.
    Str(out, "max_age", ToStd(absl::FormatDuration(j.max_age)));
    Str(out, "path", j.path);
    std::string matches;
    for (const auto& [field, value] : j.matches) {
      matches += Cat(matches.empty() ? "" : " ", field, "=", value);
    }
    Str(out, "matches", matches);
    StrMap(out, "labels", j.labels);
    out << YAML::EndMap;
  }
  if (sc.idle) {
    out << YAML::Key << "windows_events" << YAML::Value << YAML::Flow << YAML::BeginMap
        << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void LogsInstance(YAML::Emitter& out, const LogsInstanceConfig& c) {
  out << YAML::BeginMap;
  Str(out, "name", c.name);
  LokiClients(out, c.clients);
  out << YAML::Key << "positions" << YAML::Value << YAML::BeginMap;
  Str(out, "filename", c.positions.filename);
  Dur(out, "sync_period", c.positions.sync_period);
  Bool(out, "ignore_invalid_yaml", c.positions.ignore_invalid_yaml);
  out << YAML::EndMap;
  Seq(out, "scrape_configs", c.scrape_configs,
      [&](const LogsScrapeConfig& sc) { LogsJob(out, sc); });
  out << YAML::Key << "target_config" << YAML::Value << YAML::BeginMap;
  Dur(out, "sync_period", c.target_sync_period);
  out << YAML::EndMap;
  const LogsLimitsConfig& l = c.limits_config;
  out << YAML::Key << "limits_config" << YAML::Value << YAML::BeginMap;
  Num(out, "readline_rate", l.readline_rate);
  Num(out, "readline_burst", l.readline_burst);
  Bool(out, "readline_rate_enabled", l.readline_rate_enabled);
  Bool(out, "readline_rate_drop", l.readline_rate_drop);
  Num(out, "max_streams", l.max_streams);
  Num(out, "max_line_size", l.max_line_size);
  Bool(out, "max_line_size_truncate", l.max_line_size_truncate);
  out << YAML::EndMap;
  out << YAML::EndMap;
}

}  // namespace

void EmitLogs(YAML::Emitter& out, const LogsConfig& logs) {
  out << YAML::BeginMap;
  Str(out, "positions_directory", logs.positions_directory);
  out << YAML::Key << "global" << YAML::Value << YAML::BeginMap;
  LokiClients(out, logs.global_clients);
  out << YAML::Key << "file_watch_config" << YAML::Value << YAML::BeginMap;
  Dur(out, "min_poll_frequency", logs.min_poll_frequency);
  Dur(out, "max_poll_frequency", logs.max_poll_frequency);
  out << YAML::EndMap << YAML::EndMap;
  Seq(out, "configs", logs.configs,
      [&](const LogsInstanceConfig& c) { LogsInstance(out, c); });
  out << YAML::EndMap;
}

}  // namespace internal

std::string Dump(const Config& cfg, const IntegrationRegistry& registry) {
  using namespace internal;  // NOLINT: local helpers
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "server" << YAML::Value << YAML::BeginMap;
  Str(out, "log_level", cfg.server.log_level);
  Str(out, "log_format", cfg.server.log_format);
  out << YAML::EndMap;

  const MetricsConfig& m = cfg.metrics;
  out << YAML::Key << "metrics" << YAML::Value << YAML::BeginMap;
  Str(out, "wal_directory", m.wal_directory);
  Dur(out, "wal_cleanup_age", m.wal_cleanup_age);
  Dur(out, "wal_cleanup_period", m.wal_cleanup_period);
  out << YAML::Key << "global" << YAML::Value << YAML::BeginMap;
  Dur(out, "scrape_interval", m.global.scrape_interval);
  Dur(out, "scrape_timeout", m.global.scrape_timeout);
  StrMap(out, "external_labels", m.global.external_labels);
  RemoteWriteList(out, "remote_write", m.global.remote_write);
  out << YAML::EndMap;
  out << YAML::Key << "configs" << YAML::Value;
  if (m.configs.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
  } else {
    out << YAML::BeginSeq;
    for (const InstanceConfig& c : m.configs) {
      out << YAML::BeginMap;
      Str(out, "name", c.name);
      internal::EmitScrapeConfigs(out, c.scrape_configs);
      RemoteWriteList(out, "remote_write", c.remote_write);
      Dur(out, "wal_truncate_frequency", c.wal_truncate_frequency);
      Dur(out, "min_wal_time", c.min_wal_time);
      Dur(out, "max_wal_time", c.max_wal_time);
      Num(out, "max_wal_size", c.max_wal_size);
      Dur(out, "remote_flush_deadline", c.remote_flush_deadline);
      Bool(out, "write_stale_on_shutdown", c.write_stale_on_shutdown);
      Bool(out, "host_filter", c.host_filter);
      Relabels(out, "host_filter_relabel_configs", c.host_filter_relabel_configs);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;

  // Only when given, so that a config without logs dumps and reloads as one.
  if (cfg.logs.present) {
    out << YAML::Key << "logs" << YAML::Value;
    EmitLogs(out, cfg.logs);
  }

  const IntegrationsConfig& ic = cfg.integrations;
  out << YAML::Key << "integrations" << YAML::Value << YAML::BeginMap;
  Bool(out, "scrape_integrations", ic.scrape_integrations);
  StrMap(out, "labels", ic.labels);
  RemoteWriteList(out, "prometheus_remote_write", ic.prometheus_remote_write);
  Dur(out, "integration_restart_backoff", ic.integration_restart_backoff);
  Dur(out, "min_wal_time", ic.min_wal_time);
  Dur(out, "max_wal_time", ic.max_wal_time);
  Num(out, "max_wal_size", ic.max_wal_size);
  for (size_t n = 0; n < ic.integrations.size(); ++n) {
    const IntegrationConfig& i = ic.integrations[n];
    const bool first_of_list = i.in_list && (n == 0 || !ic.integrations[n - 1].in_list ||
                                             ic.integrations[n - 1].name != i.name);
    const bool last_of_list = i.in_list && (n + 1 == ic.integrations.size() ||
                                            !ic.integrations[n + 1].in_list ||
                                            ic.integrations[n + 1].name != i.name);
    if (!i.in_list) {
      out << YAML::Key << i.name << YAML::Value;
    } else if (first_of_list) {
      out << YAML::Key << i.name << YAML::Value << YAML::BeginSeq;
    }
    out << YAML::BeginMap;
    Bool(out, "enabled", i.common.enabled);
    Str(out, "instance", i.common.instance);
    Bool(out, "scrape_integration", i.common.scrape_integration);
    Dur(out, "scrape_interval", i.common.scrape_interval);
    Dur(out, "scrape_timeout", i.common.scrape_timeout);
    Relabels(out, "relabel_configs", i.common.relabel_configs);
    Relabels(out, "metric_relabel_configs", i.common.metric_relabel_configs);
    Dur(out, "wal_truncate_frequency", i.common.wal_truncate_frequency);
    if (const IntegrationSpec* spec = registry.Find(i.name); spec != nullptr && i.options) {
      spec->Dump(*i.options, out);
    }
    out << YAML::EndMap;
    if (last_of_list) out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  out << YAML::EndMap;
  std::string s = out.c_str();
  s += "\n";
  return s;
}

namespace {

std::string Plural(size_t n, std::string_view what) {
  return Cat(n, " ", what, n == 1 ? "" : "s");
}

// "app (2 static targets, file_sd)": where a job's targets come from.
std::string JobLine(const InstanceConfig& c, const ScrapeConfig& s) {
  size_t targets = 0;
  for (const TargetGroup& g : s.static_configs) targets += g.targets.size();
  std::vector<std::string> from;
  if (targets > 0) from.push_back(Plural(targets, "static target"));
  if (!s.file_sd_configs.empty()) from.push_back("file_sd");
  if (!s.http_sd_configs.empty()) from.push_back("http_sd");
  if (!s.dns_sd_configs.empty()) from.push_back("dns_sd");
  if (from.empty()) from.push_back("no targets");
  std::string line = Cat(c.name, "/", s.job_name, " (");
  for (size_t i = 0; i < from.size(); ++i) line += Cat(i ? ", " : "", from[i]);
  return line + ")";
}

std::string Joined(const std::vector<std::string>& items) {
  if (items.empty()) return "none";
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += Cat(i ? ", " : "", items[i]);
  return out;
}

// "default (jobs varlogs, win (idle); 1 client)" per logs instance.
std::vector<std::string> LogsLines(const LogsConfig& logs) {
  std::vector<std::string> lines;
  for (const LogsInstanceConfig& c : logs.configs) {
    if (c.clients.empty()) {
      lines.push_back(Cat(c.name, " (not started: no clients)"));
      continue;
    }
    std::vector<std::string> jobs;
    for (const LogsScrapeConfig& sc : c.scrape_configs) {
      jobs.push_back(Cat(sc.job_name, sc.idle      ? " (idle: windows_events)"
                                      : sc.journal ? " (journal)"
                                                   : ""));
    }
    lines.push_back(
        Cat(c.name, " (jobs ", Joined(jobs), "; ", Plural(c.clients.size(), "client"), ")"));
  }
  return lines;
}

}  // namespace

std::string Summary(const Config& cfg) {
  std::vector<std::string> running, not_scraped, disabled, jobs;
  for (const IntegrationConfig& ic : cfg.integrations.integrations) {
    if (!ic.common.enabled) {
      disabled.push_back(ic.name);
    } else if (!ic.common.scrape_integration) {
      not_scraped.push_back(ic.name);
    } else {
      running.push_back(ic.name);
    }
  }
  for (const InstanceConfig& c : cfg.metrics.configs) {
    for (const ScrapeConfig& s : c.scrape_configs) jobs.push_back(JobLine(c, s));
  }
  std::string out = Cat("# outpost will run:\n#   integrations: ", Joined(running), "\n");
  if (!not_scraped.empty()) {
    out += Cat("#   integrations served at /integrations/<name>/metrics only "
               "(scrape_integration: false): ", Joined(not_scraped), "\n");
  }
  if (!disabled.empty()) out += Cat("#   integrations not enabled: ", Joined(disabled), "\n");
  out += Cat("#   scrape jobs: ", Joined(jobs), "\n");
  if (cfg.logs.present) out += Cat("#   logs instances: ", Joined(LogsLines(cfg.logs)), "\n");
  if (!cfg.server.legacy_http_address.empty()) {
    const std::string& a = cfg.server.legacy_http_address;
    out += Cat("#   HTTP listen address: ", a[0] == ':' ? "0.0.0.0" : "", a,
               " (server.http_listen_address/port) unless -server.http.address is given\n");
  }
  return out;
}

}  // namespace outpost::config
