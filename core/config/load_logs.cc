// The `logs:` block (legacy `loki:`): Grafana Agent static/logs/config.go
// and global.go around Promtail's client, positions, scrapeconfig, file and
// limit configs (../shared/reference/logs.md §1-§3). Strict like the rest:
// unknown keys are errors; target kinds and stages not built yet are
// rejected by name.
#include <array>
#include <filesystem>
#include <set>

#include "absl/strings/str_split.h"
#include "core/base/absl_compat.h"

#include "core/config/digest.h"
#include "core/config/loader_internal.h"
#include "core/config/reserved_headers.h"
#include "core/config/str_util.h"

namespace outpost::config::internal {
namespace {

// Every stage name Promtail registers (clients/pkg/logentry/stages/
// stage.go; non_indexed_labels is the old name of structured_metadata).
constexpr std::string_view kStageNames[] = {
    "docker",       "cri",          "regex",      "json",        "logfmt",
    "replace",      "multiline",    "template",   "pack",        "timestamp",
    "output",       "labels",       "structured_metadata",       "non_indexed_labels",
    "static_labels", "labeldrop",   "labelallow", "metrics",     "tenant",
    "match",        "drop",         "limit",      "sampling",    "decolorize",
    "geoip",        "eventlogmessage",
};

// Target blocks of a Promtail scrape config outpost has not built
// (scrapeconfig.go; windows_events is handled apart: idle on Linux).
constexpr std::string_view kUnbuiltTargets[] = {
    "syslog", "loki_push_api", "gcplog", "kafka", "azure_event_hubs",
    "gelf", "cloudflare", "heroku_drain", "docker_sd_configs",
};

// The Prometheus discovery blocks Promtail inlines (ServiceDiscoveryConfig)
// other than static_configs: any of them makes a file job.
constexpr std::string_view kUnbuiltDiscovery[] = {
    "file_sd_configs",        "dns_sd_configs",          "consul_sd_configs",
    "consulagent_sd_configs", "digitalocean_sd_configs", "dockerswarm_sd_configs",
    "serverset_sd_configs",   "nerve_sd_configs",        "marathon_sd_configs",
    "kubernetes_sd_configs",  "gce_sd_configs",          "ec2_sd_configs",
    "openstack_sd_configs",   "azure_sd_configs",        "triton_sd_configs",
};

bool Contains(std::string_view name, const auto& list) {
  for (std::string_view n : list) {
    if (n == name) return true;
  }
  return false;
}

// A doublestar (bmatcuk/doublestar v1.3.4) pattern's syntax: a class `[..]`
// closed, braces `{a,b}` balanced, no trailing escape. Empty when valid.
std::string GlobProblem(std::string_view p) {
  int braces = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    switch (p[i]) {
      case '\\':
        if (++i == p.size()) return "trailing backslash";
        break;
      case '[': {
        size_t j = i + 1;
        if (j < p.size() && (p[j] == '^' || p[j] == '!')) ++j;
        if (j < p.size() && p[j] == ']') ++j;  // a leading ] is literal
        while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? 2 : 1;
        if (j >= p.size()) return "unclosed [";
        i = j;
        break;
      }
      case '{':
        ++braces;
        break;
      case '}':
        if (--braces < 0) return "unmatched }";
        break;
      default:
        break;
    }
  }
  return braces > 0 ? "unclosed {" : "";
}

void CheckGlobLabel(MapReader& item, const std::map<std::string, std::string>& labels,
                    std::string_view label) {
  auto it = labels.find(std::string(label));
  if (it == labels.end()) return;
  if (std::string problem = GlobProblem(it->second); !problem.empty()) {
    const YAML::Node value = item.node()["labels"][std::string(label)];
    AddError(item.errors(), value.Mark(), Cat(item.KeyPath("labels"), ".", label),
             Cat("invalid glob pattern \"", it->second, "\": ", problem));
  }
}

void ReadStaticConfigs(MapReader& m, std::vector<LogsStaticConfig>* out) {
  for (MapReader& item : m.MapList("static_configs")) {
    LogsStaticConfig sc;
    item.StringList("targets", &sc.targets);
    // Promtail's file target manager: no targets means one, localhost.
    if (sc.targets.empty()) sc.targets = {"localhost"};
    item.LabelMap("labels", &sc.labels);
    // A missing __path__ is not a load error: Promtail drops such a target
    // at runtime as "no path for target" (targets/file/filetargetmanager.go).
    CheckGlobLabel(item, sc.labels, "__path__");
    CheckGlobLabel(item, sc.labels, "__path_exclude__");
    item.Finish();
    out->push_back(std::move(sc));
  }
}

// A journal `matches` item's field, as sd_journal_add_match accepts it
// (uppercase letters, digits and '_', not starting with "__"). Empty when
// valid.
std::string MatchFieldProblem(std::string_view field) {
  if (field.empty()) return "the field name is empty";
  if (field.substr(0, 2) == "__") return "a field name must not start with \"__\"";
  for (char c : field) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return "a field name has only A-Z, 0-9 and '_'";
    }
  }
  return "";
}

// The `journal:` block (Promtail scrapeconfig.JournalTargetConfig, checked
// here what Promtail checks in targets/journal/journaltarget.go).
void ReadJournal(MapReader& j, LogsJournalConfig* out) {
  j.Bool("json", &out->json);
  std::string max_age;
  j.String("max_age", &max_age);
  if (!max_age.empty()) {
    // A Go duration (time.ParseDuration; absl's syntax is Go's, plus "inf").
    absl::Duration d;
    if (max_age.find("inf") != std::string::npos || !absl::ParseDuration(max_age, &d)) {
      j.ValueError("max_age", Cat("invalid duration \"", max_age, "\""));
    } else if (d <= absl::ZeroDuration()) {
      j.ValueError("max_age", Cat("must be greater than 0, got \"", max_age, "\""));
    } else {
      out->max_age = d;
    }
  }
  j.String("path", &out->path);
  std::string matches;
  j.String("matches", &matches);
  for (absl::string_view piece :
       absl::StrSplit(matches, absl::ByAnyChar(" \t\n\r\v\f"), absl::SkipEmpty())) {
    const std::string_view item = ToStd(piece);
    const size_t eq = item.find('=');
    std::string problem;
    if (item == "+") {
      problem = "\"+\" (OR) is not supported: all matches must hold";
    } else if (eq == std::string_view::npos || item.find('=', eq + 1) != std::string_view::npos) {
      problem = "want FIELD=value";
    } else {
      problem = MatchFieldProblem(item.substr(0, eq));
    }
    if (!problem.empty()) {
      j.ValueError("matches", Cat("invalid match \"", item, "\": ", problem));
      continue;
    }
    out->matches.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  j.LabelMap("labels", &out->labels);
  j.Finish();
}

void ReadStages(MapReader& m, std::vector<PipelineStage>* out) {
  const YAML::Node list = m.Raw("pipeline_stages");
  if (list.IsNull() || !list.IsDefined()) return;
  if (!list.IsSequence()) {
    m.ValueError("pipeline_stages", "expected a list of stages");
    return;
  }
  ReadPipelineStages(list, m.KeyPath("pipeline_stages"), m.errors(), out);
}

void ReadScrapeConfig(MapReader& m, LogsScrapeConfig* sc) {
  m.String("job_name", &sc->job_name);
  // Promtail scrapeconfig.go UnmarshalYAML.
  if (sc->job_name.empty()) m.Error(m.Has("job_name") ? "job_name" : "", "job_name is empty");
  ReadStages(m, &sc->pipeline_stages);
  m.RelabelConfigs("relabel_configs", &sc->relabel_configs);
  ReadStaticConfigs(m, &sc->static_configs);
  bool has_target = !sc->static_configs.empty();
  for (std::string_view k : {"encoding", "decompression"}) m.Unsupported(k);
  auto reject = [&](std::string_view k) {
    has_target = has_target || (m.Has(k) && !m.node()[std::string(k)].IsNull());
    m.Unsupported(k);
  };
  for (std::string_view k : kUnbuiltTargets) reject(k);
  for (std::string_view k : kUnbuiltDiscovery) reject(k);
  // Promtail's dispatch (targets/manager.go): inlined discovery first, then
  // journal, ..., windows_events; the first that matches wins.
  if (m.Has("journal") && !m.node()["journal"].IsNull()) {
    MapReader j = m.Map("journal");
    LogsJournalConfig journal;
    ReadJournal(j, &journal);
    if (sc->static_configs.empty()) {
      sc->journal = std::move(journal);
    } else {
      m.Warn("journal", "ignored: static_configs makes this job a file job");
    }
    has_target = true;
  } else {
    m.Consume("journal");
  }
  if (m.Has("windows_events") && !m.node()["windows_events"].IsNull()) {
    MapReader w = m.Map("windows_events");  // a map; its keys are not read on Linux
    for (const std::string& k : w.Keys()) w.Consume(k);
    if (!sc->static_configs.empty()) {
      m.Warn("windows_events", "ignored: static_configs makes this job a file job");
    } else if (sc->journal) {
      m.Warn("windows_events", "ignored: journal makes this job a journal job");
    } else {
      // Promtail's Linux build (targets/windows/targetmanager.go).
      m.Warn("windows_events", Cat("windows_events target is not supported on Linux; job ",
                                   sc->job_name, " does nothing"));
      sc->idle = true;
    }
    has_target = true;
  } else {
    m.Consume("windows_events");
  }
  if (!has_target) {
    m.Error("", Cat("no valid target scrape config defined for \"", sc->job_name, "\""));
  }
  m.Finish();
}

void ReadLokiClient(MapReader& m, LokiClientConfig* c) {
  RemoteWriteConfig& http = c->http;
  http.remote_timeout = absl::Seconds(10);  // Promtail client.Timeout
  if (!m.Has("url") || m.node()["url"].IsNull()) {
    m.Consume("url");
    m.Error(m.Has("url") ? "url" : "", "client needs target URL");
  } else {
    m.String("url", &http.url);
    if (http.url.empty()) {
      m.ValueError("url", "client needs target URL");
    } else {
      CheckHttpUrl(m, "url", http.url);
    }
  }
  m.String("name", &http.name);
  m.String("tenant_id", &c->tenant_id);
  m.Duration("batchwait", &c->batchwait);
  m.Bytes("batchsize", &c->batchsize);
  if (c->batchsize == 0) m.ValueError("batchsize", "must be greater than 0");
  m.Duration("timeout", &http.remote_timeout);
  if (m.Has("backoff_config")) {
    // dskit backoff.Config.
    MapReader b = m.Map("backoff_config");
    b.Duration("min_period", &c->min_backoff);
    b.Duration("max_period", &c->max_backoff);
    b.Int("max_retries", &c->max_retries);
    if (c->max_retries < 0) b.ValueError("max_retries", "must not be negative");
    if (c->min_backoff > c->max_backoff) {
      b.Error("min_period", "must not be greater than max_period");
    }
    b.Finish();
  }
  m.LabelMap("external_labels", &c->external_labels);
  m.StringMap("headers", &http.headers);
  for (const auto& [name, value] : http.headers) {
    if (IsReservedLokiHeader(name)) {
      m.Error("headers", Cat("\"", name, "\" is a reserved header; it must not be changed"));
    }
  }
  ReadClientAuth(m, &http);
  m.Bool("drop_rate_limited_batches", &c->drop_rate_limited_batches);
  m.Finish();
}

// Clients of one list; an unnamed one is named by the hash of its config,
// as Promtail does (client/manager.go GetClientName), so that two identical
// clients collide: a duplicate name is an error there.
void ReadLokiClients(MapReader& parent, std::string_view key,
                     std::vector<LokiClientConfig>* out) {
  std::set<std::string> names;
  for (MapReader& item : parent.MapList(key)) {
    LokiClientConfig c;
    ReadLokiClient(item, &c);
    if (c.http.name.empty()) {
      YAML::Emitter e;
      EmitLokiClient(e, c);
      c.http.name = Sha256Hex(e.c_str()).substr(0, 6);
    }
    if (!names.insert(c.http.name).second) {
      item.Error(item.Has("name") ? "name" : "",
                 Cat("duplicate client configs are not allowed, found duplicate for name: ",
                     c.http.name));
    }
    out->push_back(std::move(c));
  }
}

void ReadLimits(MapReader& m, LogsLimitsConfig* l) {
  m.Double("readline_rate", &l->readline_rate);
  m.Int("readline_burst", &l->readline_burst);
  m.Bool("readline_rate_enabled", &l->readline_rate_enabled);
  m.Bool("readline_rate_drop", &l->readline_rate_drop);
  m.Int("max_streams", &l->max_streams);
  m.Bytes("max_line_size", &l->max_line_size);
  m.Bool("max_line_size_truncate", &l->max_line_size_truncate);
  if (!(l->readline_rate >= 0)) m.ValueError("readline_rate", "must not be negative");
  for (auto [key, v] : {std::pair<std::string_view, int>{"readline_burst", l->readline_burst},
                        {"max_streams", l->max_streams}}) {
    if (v < 0) m.ValueError(key, "must not be negative");
  }
  m.Finish();
}

void ReadInstance(MapReader& m, LogsInstanceConfig* c) {
  m.String("name", &c->name);
  ReadLokiClients(m, "clients", &c->clients);
  if (m.Has("positions")) {
    MapReader p = m.Map("positions");
    p.String("filename", &c->positions.filename);
    p.Duration("sync_period", &c->positions.sync_period);
    p.Bool("ignore_invalid_yaml", &c->positions.ignore_invalid_yaml);
    p.Finish();
  }
  std::set<std::string> jobs;
  for (MapReader& item : m.MapList("scrape_configs")) {
    LogsScrapeConfig sc;
    ReadScrapeConfig(item, &sc);
    if (!sc.job_name.empty() && !jobs.insert(sc.job_name).second) {
      item.Error("job_name", Cat("found multiple scrape configs with job name \"",
                                 sc.job_name, "\""));
    }
    c->scrape_configs.push_back(std::move(sc));
  }
  if (m.Has("target_config")) {
    MapReader t = m.Map("target_config");
    t.Duration("sync_period", &c->target_sync_period);
    t.Unsupported("stdin");
    t.Finish();
  }
  if (m.Has("limits_config")) {
    MapReader l = m.Map("limits_config");
    ReadLimits(l, &c->limits_config);
  }
  m.Finish();
}

// Grafana Agent static/logs/config.go ApplyDefaults, applied to the
// instances that run (those with clients).
void ApplyDefaults(std::vector<MapReader>& items, LogsConfig* out) {
  std::map<std::string, std::string> positions;  // file -> instance
  for (size_t i = 0; i < out->configs.size(); ++i) {
    LogsInstanceConfig& c = out->configs[i];
    MapReader& m = items[i];
    if (c.clients.empty()) c.clients = out->global_clients;
    if (c.clients.empty()) {
      m.Warn("", Cat("skipping creation of a promtail for \"", c.name,
                     "\" because no client_configs are present (neither clients nor "
                     "logs.global.clients); it does not run"));
    }
    if (c.positions.filename.empty() && !c.clients.empty()) {
      if (out->positions_directory.empty()) {
        m.Error(m.Has("positions") ? "positions" : "",
                Cat("cannot generate Loki positions file path for ", c.name,
                    " because positions_directory is not configured"));
        continue;
      }
      c.positions.filename =
          (std::filesystem::path(out->positions_directory) / Cat(c.name, ".yml"))
              .lexically_normal()
              .string();
    }
    if (c.positions.filename.empty()) continue;
    auto [it, inserted] = positions.emplace(c.positions.filename, c.name);
    if (!inserted) {
      m.Error(m.Has("positions") ? "positions" : "",
              Cat("Loki configs ", it->second, " and ", c.name,
                  " must have different positions file paths (", c.positions.filename, ")"));
    }
  }
}

// Without a checker (a loader built without logs/).
void RefuseStages(const LogsScrapeConfig& sc, Errors* errors) {
  for (const PipelineStage& s : sc.pipeline_stages) {
    errors->errors.push_back(
        Cat(s.where, ": not supported yet: stage `", s.name, "` (job ", sc.job_name, ")"));
  }
}

}  // namespace

void ReadLogs(MapReader& m, const PipelineChecker& check_pipeline, LogsConfig* out) {
  out->present = true;
  m.String("positions_directory", &out->positions_directory);
  if (m.Has("global")) {
    MapReader g = m.Map("global");
    ReadLokiClients(g, "clients", &out->global_clients);
    if (g.Has("file_watch_config")) {
      MapReader w = g.Map("file_watch_config");
      w.Duration("min_poll_frequency", &out->min_poll_frequency);
      w.Duration("max_poll_frequency", &out->max_poll_frequency);
      if (out->min_poll_frequency > out->max_poll_frequency) {
        w.Error("min_poll_frequency", "must not be greater than max_poll_frequency");
      }
      w.Finish();
    }
    g.Finish();
  }
  std::vector<MapReader> items = m.MapList("configs");
  std::set<std::string> names;
  for (size_t i = 0; i < items.size(); ++i) {
    MapReader& item = items[i];
    LogsInstanceConfig c;
    ReadInstance(item, &c);
    if (c.name.empty()) {
      // The index in the file's list (items skips bad entries).
      const std::string& path = item.path();
      const std::string index = path.substr(path.rfind('[') + 1, path.size() - path.rfind('[') - 2);
      item.Error(item.Has("name") ? "name" : "",
                 Cat("Loki config index ", index, " must have a name"));
    } else if (!names.insert(c.name).second) {
      item.Error("name", Cat("found two Loki configs with name ", c.name));
    }
    for (const LogsScrapeConfig& sc : c.scrape_configs) {
      if (check_pipeline) {
        check_pipeline(sc, m.errors());
      } else {
        RefuseStages(sc, m.errors());
      }
    }
    out->configs.push_back(std::move(c));
  }
  ApplyDefaults(items, out);
}

}  // namespace outpost::config::internal

namespace outpost::config {

void ReadPipelineStages(const YAML::Node& list, const std::string& path, Errors* errors,
                        std::vector<PipelineStage>* out) {
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string item_path = internal::Cat(path, "[", i, "]");
    const YAML::Mark mark = item.Mark().line >= 0 ? item.Mark() : list.Mark();
    if (!item.IsMap() || item.size() != 1) {
      AddError(errors, mark, item_path, "pipeline stage must contain only one key");
      continue;
    }
    const YAML::Node key = item.begin()->first;
    if (!key.IsScalar() || !internal::Contains(key.Scalar(), internal::kStageNames)) {
      AddError(errors, key.Mark(), item_path,
               internal::Cat("Unknown stage type: ", key.IsScalar() ? key.Scalar() : "?"));
      continue;
    }
    out->push_back(PipelineStage{key.Scalar(), item.begin()->second,
                                 Where(*errors, key.Mark(), item_path), errors->file, item_path});
  }
}

}  // namespace outpost::config
