// metrics.configs[].scrape_configs: Prometheus' ScrapeConfig
// (prometheus/config/config.go, 2.42) with static_configs, file_sd_configs,
// http_sd_configs and dns_sd_configs; other service discoveries are rejected
// by name.
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "core/config/duration.h"
#include "core/config/loader_internal.h"
#include "core/config/str_util.h"
#include "core/config/url.h"

namespace outpost::config::internal {
namespace {

// Prometheus' discovery mechanisms (discovery/install) outpost does not
// have; listed so that their error says "not supported yet" instead of
// "unknown key".
constexpr std::string_view kOtherDiscoveries[] = {
    "azure_sd_configs",      "consul_sd_configs",      "digitalocean_sd_configs",
    "docker_sd_configs",     "dockerswarm_sd_configs",
    "ec2_sd_configs",        "eureka_sd_configs",      "gce_sd_configs",
    "hetzner_sd_configs",    "ionos_sd_configs",
    "kubernetes_sd_configs", "kuma_sd_configs",        "lightsail_sd_configs",
    "linode_sd_configs",     "marathon_sd_configs",    "nerve_sd_configs",
    "nomad_sd_configs",      "openstack_sd_configs",   "ovhcloud_sd_configs",
    "puppetdb_sd_configs",   "scaleway_sd_configs",    "serverset_sd_configs",
    "triton_sd_configs",     "uyuni_sd_configs",       "vultr_sd_configs",
};

void ReadStatic(MapReader& m, TargetGroup* g) {
  m.StringList("targets", &g->targets);
  m.LabelMap("labels", &g->labels);
  for (const std::string& t : g->targets) {
    // Prometheus' CheckTargetAddress.
    if (t.find('/') != std::string::npos) {
      m.ValueError("targets", Cat("\"", t, "\" is not a valid hostname"));
    }
  }
  m.Finish();
}

void ReadFileSd(MapReader& m, FileSdConfig* f) {
  m.StringList("files", &f->files);
  m.Duration("refresh_interval", &f->refresh_interval);
  for (const std::string& name : f->files) {
    if (!(absl::EndsWith(name, ".json") || absl::EndsWith(name, ".yml") ||
          absl::EndsWith(name, ".yaml"))) {
      m.ValueError("files", Cat("path name \"", name, "\" is not valid for file discovery"));
    }
  }
  m.Finish();
}

void ReadHttpSd(MapReader& m, HttpSdConfig* h) {
  m.String("url", &h->url);
  // Prometheus discovery/http: SDConfig.UnmarshalYAML.
  if (h->url.empty()) {
    m.Error(m.Has("url") ? "url" : "", "URL is missing");
  } else {
    CheckHttpUrl(m, "url", h->url, "URL scheme must be 'http' or 'https' and the host must be set");
  }
  m.Duration("refresh_interval", &h->refresh_interval);
  ReadHttpClient(m, &h->http);
  m.Finish();
}

void ReadDnsSd(MapReader& m, DnsSdConfig* d) {
  m.StringList("names", &d->names);
  m.Duration("refresh_interval", &d->refresh_interval);
  m.String("type", &d->type);
  m.Int("port", &d->port);
  // Prometheus discovery/dns: SDConfig.UnmarshalYAML.
  if (d->names.empty()) {
    m.Error(m.Has("names") ? "names" : "",
            "DNS-SD config must contain at least one SRV record name");
  }
  d->type = absl::AsciiStrToUpper(d->type);
  if (d->type == "A" || d->type == "AAAA") {
    if (d->port == 0) {
      m.Error(m.Has("port") ? "port" : "",
              "a port is required in DNS-SD configs for all record types except SRV");
    }
  } else if (d->type != "SRV") {
    m.ValueError("type", Cat("invalid DNS-SD records type ", d->type));
  }
  if (d->port < 0 || d->port > 65535) m.ValueError("port", "must be between 0 and 65535");
  m.Finish();
}

void ReadOne(MapReader& m, const GlobalConfig& global, ScrapeConfig* c) {
  m.String("job_name", &c->job_name);
  if (c->job_name.empty()) m.Error(m.Has("job_name") ? "job_name" : "", "job_name is empty");
  if (!ReadScrapeTiming(m, global.scrape_interval, global.scrape_timeout, &c->scrape_interval,
                        &c->scrape_timeout)) {
    m.Error("scrape_timeout",
            Cat("scrape timeout greater than scrape interval for scrape config with job name \"",
                c->job_name, "\""));
  }
  m.String("metrics_path", &c->metrics_path);
  m.String("scheme", &c->scheme);
  if (c->scheme != "http" && c->scheme != "https") {
    m.ValueError("scheme", Cat("invalid scheme \"", c->scheme, "\" (expected http or https)"));
  }
  if (m.Has("params")) {
    YAML::Node p = m.Raw("params");
    if (!p.IsMap()) {
      m.ValueError("params", "expected a map of lists of strings");
    } else {
      for (const auto& kv : p) {
        std::vector<std::string>& values = c->params[kv.first.as<std::string>()];
        if (kv.second.IsSequence()) {
          for (const YAML::Node& v : kv.second) {
            if (v.IsScalar()) values.push_back(v.Scalar());
          }
        } else if (kv.second.IsScalar()) {
          values.push_back(kv.second.Scalar());
        }
      }
    }
  }
  m.Bool("honor_labels", &c->honor_labels);
  m.Bool("honor_timestamps", &c->honor_timestamps);
  m.Bool("track_timestamps_staleness", &c->track_timestamps_staleness);
  ReadHttpClient(m, &c->http);
  m.Bytes("body_size_limit", &c->body_size_limit);
  m.Uint64("sample_limit", &c->sample_limit);
  m.Uint64("target_limit", &c->target_limit);
  m.Uint64("label_limit", &c->label_limit);
  m.Uint64("label_name_length_limit", &c->label_name_length_limit);
  m.Uint64("label_value_length_limit", &c->label_value_length_limit);
  m.RelabelConfigs("relabel_configs", &c->relabel_configs);
  m.RelabelConfigs("metric_relabel_configs", &c->metric_relabel_configs);
  for (MapReader& s : m.MapList("static_configs")) {
    TargetGroup g;
    ReadStatic(s, &g);
    g.source = s.path();
    c->static_configs.push_back(std::move(g));
  }
  for (MapReader& f : m.MapList("file_sd_configs")) {
    FileSdConfig fc;
    ReadFileSd(f, &fc);
    c->file_sd_configs.push_back(std::move(fc));
  }
  for (MapReader& h : m.MapList("http_sd_configs")) {
    HttpSdConfig hc;
    ReadHttpSd(h, &hc);
    c->http_sd_configs.push_back(std::move(hc));
  }
  for (MapReader& d : m.MapList("dns_sd_configs")) {
    DnsSdConfig dc;
    ReadDnsSd(d, &dc);
    c->dns_sd_configs.push_back(std::move(dc));
  }
  for (std::string_view k : kOtherDiscoveries) m.Unsupported(k);
  for (std::string_view k : {"scrape_classic_histograms",
                             "native_histogram_bucket_limit", "keep_dropped_targets",
                             "scrape_protocols", "enable_compression", "oauth2"}) {
    m.Unsupported(k);
  }
  m.Finish();
}

}  // namespace

void EmitTls(YAML::Emitter& out, const TlsConfig& t) {
  out << YAML::BeginMap;
  for (const auto& [k, v] : {std::pair{"ca_file", &t.ca_file}, std::pair{"cert_file", &t.cert_file},
                             std::pair{"key_file", &t.key_file},
                             std::pair{"server_name", &t.server_name}}) {
    if (!v->empty()) out << YAML::Key << k << YAML::Value << *v;
  }
  out << YAML::Key << "insecure_skip_verify" << YAML::Value << t.insecure_skip_verify;
  out << YAML::EndMap;
}

void EmitHttpClient(YAML::Emitter& out, const HttpClientConfig& h) {
  if (h.basic_auth) {
    out << YAML::Key << "basic_auth" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "username" << YAML::Value << h.basic_auth->username;
    if (!h.basic_auth->password.empty()) out << YAML::Key << "password" << YAML::Value << "<secret>";
    if (!h.basic_auth->password_file.empty()) {
      out << YAML::Key << "password_file" << YAML::Value << h.basic_auth->password_file;
    }
    out << YAML::EndMap;
  }
  if (h.authorization) {
    out << YAML::Key << "authorization" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value << h.authorization->type;
    if (!h.authorization->credentials.empty()) {
      out << YAML::Key << "credentials" << YAML::Value << "<secret>";
    }
    if (!h.authorization->credentials_file.empty()) {
      out << YAML::Key << "credentials_file" << YAML::Value << h.authorization->credentials_file;
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "tls_config" << YAML::Value;
  EmitTls(out, h.tls_config);
  if (!h.proxy_url.empty()) {
    out << YAML::Key << "proxy_url" << YAML::Value << MaskUrlPassword(h.proxy_url);
  }
  out << YAML::Key << "follow_redirects" << YAML::Value << h.follow_redirects;
  out << YAML::Key << "enable_http2" << YAML::Value << h.enable_http2;
}


void ReadScrapeConfigs(MapReader& instance, const GlobalConfig& global,
                       std::vector<ScrapeConfig>* out) {
  std::set<std::string> jobs;
  for (MapReader& item : instance.MapList("scrape_configs")) {
    ScrapeConfig c;
    ReadOne(item, global, &c);
    if (!c.job_name.empty() && !jobs.insert(c.job_name).second) {
      item.Error("job_name",
                 Cat("found multiple scrape configs with job name \"", c.job_name, "\""));
    }
    out->push_back(std::move(c));
  }
}

void EmitScrapeConfigs(YAML::Emitter& out, const std::vector<ScrapeConfig>& cfgs) {
  out << YAML::Key << "scrape_configs" << YAML::Value;
  if (cfgs.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    return;
  }
  out << YAML::BeginSeq;
  for (const ScrapeConfig& c : cfgs) {
    out << YAML::BeginMap;
    out << YAML::Key << "job_name" << YAML::Value << c.job_name;
    out << YAML::Key << "honor_labels" << YAML::Value << c.honor_labels;
    out << YAML::Key << "honor_timestamps" << YAML::Value << c.honor_timestamps;
    out << YAML::Key << "track_timestamps_staleness" << YAML::Value
        << c.track_timestamps_staleness;
    if (!c.params.empty()) {
      out << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
      for (const auto& [k, v] : c.params) {
        out << YAML::Key << k << YAML::Value << YAML::Flow << v;
      }
      out << YAML::EndMap;
    }
    out << YAML::Key << "scrape_interval" << YAML::Value << FormatPromDuration(c.scrape_interval);
    out << YAML::Key << "scrape_timeout" << YAML::Value << FormatPromDuration(c.scrape_timeout);
    out << YAML::Key << "metrics_path" << YAML::Value << c.metrics_path;
    out << YAML::Key << "scheme" << YAML::Value << c.scheme;
    for (const auto& [k, v] : {std::pair{"body_size_limit", c.body_size_limit},
                               std::pair{"sample_limit", c.sample_limit},
                               std::pair{"target_limit", c.target_limit},
                               std::pair{"label_limit", c.label_limit},
                               std::pair{"label_name_length_limit", c.label_name_length_limit},
                               std::pair{"label_value_length_limit", c.label_value_length_limit}}) {
      out << YAML::Key << k << YAML::Value << v;
    }
    EmitHttpClient(out, c.http);
    out << YAML::Key << "relabel_configs" << YAML::Value;
    EmitRelabelConfigs(out, c.relabel_configs);
    out << YAML::Key << "metric_relabel_configs" << YAML::Value;
    EmitRelabelConfigs(out, c.metric_relabel_configs);
    if (!c.static_configs.empty()) {
      out << YAML::Key << "static_configs" << YAML::Value << YAML::BeginSeq;
      for (const TargetGroup& g : c.static_configs) {
        out << YAML::BeginMap << YAML::Key << "targets" << YAML::Value << YAML::Flow
            << YAML::BeginSeq;
        for (const std::string& t : g.targets) out << MaskUrlPassword(t);
        out << YAML::EndSeq;
        if (!g.labels.empty()) out << YAML::Key << "labels" << YAML::Value << g.labels;
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!c.file_sd_configs.empty()) {
      out << YAML::Key << "file_sd_configs" << YAML::Value << YAML::BeginSeq;
      for (const FileSdConfig& f : c.file_sd_configs) {
        out << YAML::BeginMap << YAML::Key << "files" << YAML::Value << YAML::Flow << f.files;
        out << YAML::Key << "refresh_interval" << YAML::Value
            << FormatPromDuration(f.refresh_interval) << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!c.http_sd_configs.empty()) {
      out << YAML::Key << "http_sd_configs" << YAML::Value << YAML::BeginSeq;
      for (const HttpSdConfig& h : c.http_sd_configs) {
        out << YAML::BeginMap;
        EmitHttpClient(out, h.http);
        out << YAML::Key << "refresh_interval" << YAML::Value
            << FormatPromDuration(h.refresh_interval);
        out << YAML::Key << "url" << YAML::Value << MaskUrlPassword(h.url) << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!c.dns_sd_configs.empty()) {
      out << YAML::Key << "dns_sd_configs" << YAML::Value << YAML::BeginSeq;
      for (const DnsSdConfig& d : c.dns_sd_configs) {
        out << YAML::BeginMap << YAML::Key << "names" << YAML::Value << YAML::Flow << d.names;
        out << YAML::Key << "refresh_interval" << YAML::Value
            << FormatPromDuration(d.refresh_interval);
        out << YAML::Key << "type" << YAML::Value << d.type;
        out << YAML::Key << "port" << YAML::Value << d.port << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

}  // namespace outpost::config::internal
