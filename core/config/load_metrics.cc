// The `metrics` block and remote_write entries (Prometheus
// config.RemoteWriteConfig + common HTTPClientConfig; Grafana Agent
// static/metrics/agent.go and static/metrics/instance/instance.go).
#include <cstdlib>
#include <set>

#include "core/config/digest.h"
#include "core/config/duration.h"
#include "core/config/loader_internal.h"
#include "core/config/reserved_headers.h"
#include "core/config/str_util.h"

namespace outpost::config::internal {
namespace {

void ReadQueue(MapReader& m, QueueConfig* q) {
  m.Int("capacity", &q->capacity);
  m.Int("max_shards", &q->max_shards);
  m.Int("min_shards", &q->min_shards);
  m.Int("max_samples_per_send", &q->max_samples_per_send);
  m.Duration("batch_send_deadline", &q->batch_send_deadline);
  m.Duration("min_backoff", &q->min_backoff);
  m.Duration("max_backoff", &q->max_backoff);
  m.Bool("retry_on_http_429", &q->retry_on_http_429);
  m.Duration("sample_age_limit", &q->sample_age_limit, /*allow_zero=*/true);
  for (auto [key, v] : {std::pair<std::string_view, int>{"capacity", q->capacity},
                        {"max_shards", q->max_shards},
                        {"min_shards", q->min_shards},
                        {"max_samples_per_send", q->max_samples_per_send}}) {
    if (v <= 0) m.ValueError(key, "must be greater than 0");
  }
  if (q->min_shards > q->max_shards) m.Error("min_shards", "must not be greater than max_shards");
  if (q->min_backoff > q->max_backoff) {
    m.Error("min_backoff", "must not be greater than max_backoff");
  }
  m.Finish();
}

void ReadMetadata(MapReader& m, MetadataConfig* md) {
  m.Bool("send", &md->send);
  m.Duration("send_interval", &md->send_interval);
  m.Int("max_samples_per_send", &md->max_samples_per_send);
  if (md->max_samples_per_send <= 0) m.ValueError("max_samples_per_send", "must be greater than 0");
  m.Finish();
}

// sigv4 (prometheus/common sigv4/sigv4.go SigV4Config.Validate and
// NewSigV4RoundTripper's region check).
void ReadSigv4(MapReader& m, Sigv4Config* out) {
  m.String("region", &out->region);
  m.String("access_key", &out->access_key);
  m.Secret("secret_key", &out->secret_key);
  m.String("profile", &out->profile);
  m.String("role_arn", &out->role_arn);
  if (out->access_key.empty() != out->secret_key.empty()) {
    m.Error(out->access_key.empty() ? "secret_key" : "access_key",
            "must provide a AWS SigV4 Access key and Secret Key if credentials are "
            "specified in the SigV4 config");
  }
  if (out->region.empty()) {
    const char* r1 = std::getenv("AWS_REGION");
    const char* r2 = std::getenv("AWS_DEFAULT_REGION");
    if ((r1 == nullptr || *r1 == 0) && (r2 == nullptr || *r2 == 0)) {
      m.Error("", "region not configured in sigv4 or in default credentials chain "
                  "(set sigv4.region, AWS_REGION or AWS_DEFAULT_REGION)");
    }
  }
  m.Finish();
}

void ReadRemoteWrite(MapReader& m, RemoteWriteConfig* rw) {
  if (!m.Has("url") || m.node()["url"].IsNull()) {
    m.Consume("url");
    m.Error(m.Has("url") ? "url" : "", "url for remote_write is empty");
  } else {
    m.String("url", &rw->url);
    if (rw->url.empty()) {
      m.ValueError("url", "url for remote_write is empty");
    } else {
      CheckHttpUrl(m, "url", rw->url);
    }
  }
  m.String("name", &rw->name);
  m.Duration("remote_timeout", &rw->remote_timeout);
  m.StringMap("headers", &rw->headers);
  for (const auto& [name, value] : rw->headers) {
    if (IsReservedRemoteWriteHeader(name)) {
      m.Error("headers", Cat("\"", name, "\" is a reserved header; it must not be changed"));
    }
  }
  m.RelabelConfigs("write_relabel_configs", &rw->write_relabel_configs);
  m.Bool("send_exemplars", &rw->send_exemplars);
  ReadClientAuth(m, rw);
  const bool bearer = !rw->bearer_token.empty() || !rw->bearer_token_file.empty();
  // A bare `sigv4:` (null) means "not set", as in Go's yaml.
  if (m.Has("sigv4") && !m.node()["sigv4"].IsNull()) {
    MapReader v = m.Map("sigv4");
    Sigv4Config sigv4;
    ReadSigv4(v, &sigv4);
    rw->sigv4 = std::move(sigv4);
    // Prometheus config.go RemoteWriteConfig.UnmarshalYAML (bearer_token is
    // an authorization there).
    if (rw->basic_auth || rw->authorization || bearer || rw->oauth2) {
      m.Error("sigv4", "at most one of basic_auth, authorization, oauth2, sigv4, & azuread "
                       "must be configured");
    }
  } else {
    m.Consume("sigv4");
  }
  if (m.Has("queue_config")) {
    MapReader q = m.Map("queue_config");
    ReadQueue(q, &rw->queue_config);
  }
  if (m.Has("metadata_config")) {
    MapReader md = m.Map("metadata_config");
    ReadMetadata(md, &rw->metadata_config);
  }
  for (std::string_view k :
       {"azuread", "google_iam", "send_native_histograms", "round_robin_dns", "protobuf_message"}) {
    m.Unsupported(k);
  }
  m.Finish();
}

void ReadGlobal(MapReader& m, GlobalConfig* g) {
  if (!ReadScrapeTiming(m, g->scrape_interval, g->scrape_timeout, &g->scrape_interval,
                        &g->scrape_timeout)) {
    m.Error("scrape_timeout", Cat("scrape_timeout (", FormatPromDuration(g->scrape_timeout),
                                  ") greater than scrape_interval (",
                                  FormatPromDuration(g->scrape_interval), ")"));
  }
  if (m.Has("evaluation_interval")) {
    absl::Duration ignored;
    m.Duration("evaluation_interval", &ignored);
    m.Warn("evaluation_interval", "ignored: there is no rule evaluation in agent mode");
  }
  m.LabelMap("external_labels", &g->external_labels);
  ReadRemoteWriteList(m, "remote_write", "global", &g->remote_write);
  for (std::string_view k :
       {"scrape_protocols", "query_log_file", "body_size_limit", "sample_limit", "target_limit",
        "label_limit", "label_name_length_limit", "label_value_length_limit",
        "keep_dropped_targets", "scrape_failure_log_file"}) {
    m.Unsupported(k);
  }
  m.Finish();
}

void ReadInstance(MapReader& m, const GlobalConfig& global, InstanceConfig* c) {
  m.String("name", &c->name);
  if (c->name.empty()) m.Error(m.Has("name") ? "name" : "", "missing instance name");
  ReadScrapeConfigs(m, global, &c->scrape_configs);
  ReadRemoteWriteList(m, "remote_write", c->name.empty() ? "instance" : c->name, &c->remote_write);
  m.Duration("wal_truncate_frequency", &c->wal_truncate_frequency);
  m.Duration("min_wal_time", &c->min_wal_time);
  m.Duration("max_wal_time", &c->max_wal_time);
  m.Bytes("max_wal_size", &c->max_wal_size);  // outpost-only
  m.Duration("remote_flush_deadline", &c->remote_flush_deadline);
  m.Bool("write_stale_on_shutdown", &c->write_stale_on_shutdown);
  // Grafana Agent's host filtering (static/metrics/instance/host_filter.go).
  m.Bool("host_filter", &c->host_filter);
  m.RelabelConfigs("host_filter_relabel_configs", &c->host_filter_relabel_configs);
  if (c->min_wal_time > c->max_wal_time) {
    m.Error(m.Has("min_wal_time") ? "min_wal_time" : "max_wal_time",
            "min_wal_time must be less than or equal to max_wal_time");
  }
  // Grafana Agent (static/metrics/instance/instance.go ApplyDefaults).
  for (const ScrapeConfig& sc : c->scrape_configs) {
    if (sc.scrape_interval > c->wal_truncate_frequency) {
      m.Error("scrape_configs",
              Cat("scrape interval greater than wal_truncate_frequency for scrape config with "
                  "job name \"", sc.job_name, "\""));
    }
  }
  m.Finish();
}

}  // namespace

bool ReadScrapeTiming(MapReader& m, absl::Duration default_interval,
                      absl::Duration default_timeout, absl::Duration* interval,
                      absl::Duration* timeout) {
  absl::Duration i = absl::ZeroDuration(), t = absl::ZeroDuration();
  m.Duration("scrape_interval", &i, /*allow_zero=*/true);
  m.Duration("scrape_timeout", &t, /*allow_zero=*/true);
  *interval = i == absl::ZeroDuration() ? default_interval : i;
  *timeout = t == absl::ZeroDuration() ? std::min(default_timeout, *interval) : t;
  return *timeout <= *interval;
}

void ReadRemoteWriteList(MapReader& parent, std::string_view key, std::string_view owner,
                         std::vector<RemoteWriteConfig>* out) {
  std::set<std::string> names;
  for (MapReader& item : parent.MapList(key)) {
    RemoteWriteConfig rw;
    ReadRemoteWrite(item, &rw);
    if (rw.name.empty()) {
      // Grafana Agent names an unnamed entry <instance>-<md5[:6]> of its
      // YAML (instance.go); ours hashes outpost's dump of the entry.
      YAML::Emitter e;
      EmitRemoteWrite(e, rw);
      rw.name = Cat(owner, "-", Md5Hex(e.c_str()).substr(0, 6));
    }
    if (!names.insert(rw.name).second) {
      item.Error(item.Has("name") ? "name" : "",
                 Cat("duplicate remote_write name \"", rw.name, "\""));
    }
    out->push_back(std::move(rw));
  }
}

void ReadMetrics(MapReader& m, MetricsConfig* out) {
  m.String("wal_directory", &out->wal_directory);
  m.Duration("wal_cleanup_age", &out->wal_cleanup_age);
  m.Duration("wal_cleanup_period", &out->wal_cleanup_period, /*allow_zero=*/true);
  if (m.Has("global")) {
    MapReader g = m.Map("global");
    ReadGlobal(g, &out->global);
  }
  std::set<std::string> names;
  for (MapReader& item : m.MapList("configs")) {
    InstanceConfig c;
    ReadInstance(item, out->global, &c);
    if (!c.name.empty() && !names.insert(c.name).second) {
      item.Error("name", Cat("found multiple instance configs with name \"", c.name, "\""));
    }
    out->configs.push_back(std::move(c));
  }
  // Accepted for compatibility; outpost has one instance per config and its
  // own HTTP client settings.
  std::string mode = "shared";
  m.String("instance_mode", &mode);
  if (mode == "distinct") {
    m.ValueError("instance_mode", "instance_mode \"distinct\" is not supported yet");
  } else if (mode != "shared") {
    m.ValueError("instance_mode",
                 Cat("invalid instance_mode \"", mode, "\" (expected shared or distinct)"));
  }
  absl::Duration ignored;
  m.Duration("instance_restart_backoff", &ignored, /*allow_zero=*/true);
  bool ignored_bool = false;
  m.Bool("http_disable_keepalives", &ignored_bool);
  m.Duration("http_idle_conn_timeout", &ignored);
  for (std::string_view k : {"instance_restart_backoff", "http_disable_keepalives",
                             "http_idle_conn_timeout"}) {
    if (m.Has(k)) m.Warn(k, "accepted for compatibility; has no effect in outpost");
  }
  for (std::string_view k : {"scraping_service", "scraping_service_client", "disable_http2"}) {
    m.Unsupported(k);
  }
}

}  // namespace outpost::config::internal
