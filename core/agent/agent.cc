#include "core/agent/agent.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "core/base/memory_appender.h"
#include "core/base/absl_compat.h"
#include "core/base/json.h"
#include "core/base/log.h"
#include "core/config/dump.h"
#include "core/config/loader.h"
#include "core/config/url.h"

namespace outpost {
namespace {

std::optional<std::string> RealGetenv(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

void ApplyLogging(const config::ServerConfig& s) {
  log::Level level;
  if (log::ParseLevel(s.log_level, &level)) log::SetLevel(level);
  log::Format format;
  if (log::ParseFormat(s.log_format, &format)) log::SetFormat(format);
}

}  // namespace

std::string AgentHostname(
    const std::function<std::optional<std::string>(std::string_view)>& getenv) {
  if (std::optional<std::string> h = getenv("HOSTNAME"); h && !h->empty()) return *h;
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) == 0 && buf[0] != '\0') return buf;
  return "localhost";
}

Agent::Agent(AgentOptions opts)
    : opts_(std::move(opts)),
      self_metrics_(std::make_shared<SelfMetrics>()),
      host_{AgentHostname(opts_.getenv ? opts_.getenv : RealGetenv), std::string(), nullptr},
      instances_(std::make_unique<MetricsInstances>(self_metrics_->registry(),
                                                    opts_.shipper_factory, host_.hostname)) {
  if (!opts_.getenv) opts_.getenv = RealGetenv;
  host_.self_metrics = self_metrics_;
  SetupRoutes();
}

Agent::~Agent() { Stop(); }

absl::StatusOr<config::Config> Agent::LoadConfig(std::string* sha256) const {
  config::LoadOptions lo;
  lo.path = opts_.config_file;
  lo.expand_env = opts_.expand_env;
  lo.registry = opts_.registry;
  lo.getenv = opts_.getenv;
  lo.check_pipeline = opts_.check_pipeline;
  config::LoadResult r = config::LoadFull(lo);
  for (const std::string& w : r.errors.warnings) log::Warn("config", {{"warning", w}});
  if (!r.errors.ok() || !r.config) {
    const std::string first = r.errors.errors.empty() ? "invalid config" : r.errors.errors.front();
    return absl::InvalidArgumentError(first);
  }
  *sha256 = r.hash;
  if (!opts_.wal_directory.empty()) r.config->metrics.wal_directory = opts_.wal_directory;
  return *std::move(r.config);
}

absl::Status Agent::Start() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  std::string sha;
  absl::StatusOr<config::Config> cfg = LoadConfig(&sha);
  if (!cfg.ok()) {
    self_metrics_->ConfigLoadFailed();
    return cfg.status();
  }
  ApplyLogging(cfg->server);
  if (!opts_.http_address_given && !cfg->server.legacy_http_address.empty()) {
    opts_.http_address = cfg->server.legacy_http_address;
  }
  if (absl::Status st = http_.Start(opts_.http_address); !st.ok()) return st;
  std::string host;
  int port;
  SplitHostPort(opts_.http_address, &host, &port);
  host_.agent_key = absl::StrCat(host_.hostname, ":", http_.port());
  if (absl::Status st = Apply(*std::move(cfg), sha); !st.ok()) {
    http_.Stop();
    return st;
  }
  ready_ = true;
  log::Info("outpost started", {{"http_address", absl::StrCat(host.empty() ? "0.0.0.0" : host, ":",
                                                              http_.port())},
                                {"config_file", opts_.config_file}});
  return absl::OkStatus();
}

absl::Status Agent::EnsureWal(const config::Config& cfg) {
  if (opts_.integrations_sink != nullptr) {
    sink_ = opts_.integrations_sink;
    return absl::OkStatus();
  }
  bool needed = false;
  absl::Duration truncate = absl::InfiniteDuration();
  for (const config::IntegrationConfig& ic : cfg.integrations.integrations) {
    if (!ic.common.enabled || !ic.common.scrape_integration) continue;
    needed = true;
    truncate = std::min(truncate, ic.common.wal_truncate_frequency);
  }
  if (!needed) return absl::OkStatus();
  if (wal_ != nullptr) {
    if (IntegrationsWal::DirFor(cfg.metrics.wal_directory) != wal_->dir()) {
      log::Warn("metrics.wal_directory changed; it takes effect after a restart",
                {{"running", wal_->dir()}});
    }
    return absl::OkStatus();
  }
  IntegrationsWal::Options wo;
  wo.wal_directory = cfg.metrics.wal_directory;
  wo.truncate_frequency = truncate;
  wo.min_wal_time = cfg.integrations.min_wal_time;
  wo.max_wal_time = cfg.integrations.max_wal_time;
  wo.max_wal_size = cfg.integrations.max_wal_size;
  wo.shipped = !cfg.integrations.prometheus_remote_write.empty() ||
               !cfg.metrics.global.remote_write.empty();
  absl::StatusOr<std::unique_ptr<ShippedWal>> w =
      ShippedWal::Open(std::move(wo), self_metrics_->registry());
  if (!w.ok()) return w.status();
  wal_ = *std::move(w);
  sink_ = wal_->storage();
  return absl::OkStatus();
}

absl::Status Agent::StartShipper(const config::Config& cfg) {
  if (wal_ == nullptr) return absl::OkStatus();
  // Grafana Agent: integrations.prometheus_remote_write, defaulting to
  // metrics.global.remote_write (static/integrations/manager.go).
  const std::vector<config::RemoteWriteConfig>& endpoints =
      cfg.integrations.prometheus_remote_write.empty() ? cfg.metrics.global.remote_write
                                                       : cfg.integrations.prometheus_remote_write;
  return wal_->Ship(opts_.shipper_factory, endpoints, cfg.metrics.global.external_labels,
                    self_metrics_->registry());
}

TargetOptions Agent::TargetFor(const config::Config& cfg, const config::IntegrationConfig& ic,
                               const std::string& instance) const {
  TargetOptions t;
  t.job = absl::StrCat("integrations/", ic.name);
  t.instance = instance;
  t.address = absl::StrCat(host_.hostname, ":", http_.port());
  t.metrics_path = absl::StrCat("/integrations/", ic.name, "/metrics");
  t.scrape_interval = ic.common.scrape_interval;
  t.scrape_timeout = ic.common.scrape_timeout;
  t.agent_hostname = host_.hostname;
  t.extra_labels = cfg.integrations.labels;
  t.relabel_configs = ic.common.relabel_configs;
  t.metric_relabel_configs = ic.common.metric_relabel_configs;
  return t;
}

absl::StatusOr<std::vector<Agent::Running>> Agent::Build(const config::Config& cfg) {
  std::vector<Running> out;
  for (const config::IntegrationConfig& ic : cfg.integrations.integrations) {
    if (!ic.common.enabled) continue;
    const config::IntegrationSpec* spec = opts_.registry->Find(ic.name);
    if (spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("integrations.", ic.name, ": unknown integration"));
    }
    const std::string instance =
        ic.common.instance.empty() ? spec->InstanceKey(*ic.options, host_) : ic.common.instance;
    const std::shared_ptr<SampleSink> sink = ic.common.scrape_integration ? sink_ : nullptr;
    prometheus::Counter* exits = &self_metrics_->AbnormalExit(ic.name);
    const config::HostInfo host = host_;

    if (spec->has_targets()) {
      // A handler integration: one job per target on one pool.
      std::vector<TargetPool::Target> targets;
      const std::vector<config::IntegrationTarget> listed = spec->Targets(*ic.options);
      for (size_t i = 0; i < listed.size(); ++i) {
        // Create once now so that a bad setting fails the load.
        absl::StatusOr<std::unique_ptr<Integration>> first = spec->CreateTarget(ic, host_, i);
        if (!first.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("integrations.", ic.name, ": target ",
                                                         listed[i].name, ": ",
                                                         first.status().message()));
        }
        TargetOptions t = TargetFor(cfg, ic, instance);
        absl::StrAppend(&t.job, "/", listed[i].name);
        t.params = listed[i].params;
        auto holder = std::make_shared<std::unique_ptr<Integration>>(*std::move(first));
        targets.push_back(TargetPool::Target{
            absl::StrCat(ic.name, "/", listed[i].name),
            [spec, ic, host, holder, i]() -> absl::StatusOr<std::unique_ptr<Integration>> {
              if (*holder != nullptr) return std::move(*holder);
              return spec->CreateTarget(ic, host, i);
            },
            std::make_shared<CollectionPipeline>(std::move(t), sink)});
      }
      TargetPool::Options po;
      po.name = ic.name;
      po.interval = ic.common.scrape_interval;
      po.timeout = ic.common.scrape_timeout;
      po.restart_backoff = cfg.integrations.integration_restart_backoff;
      po.on_abnormal_exit = [exits] { exits->Increment(); };
      out.push_back(Running{ic.name, instance,
                            std::make_unique<TargetPool>(std::move(po), std::move(targets))});
      continue;
    }

    // Create once now so that a bad setting fails the load, not a later tick.
    absl::StatusOr<std::unique_ptr<Integration>> first = spec->Create(ic, host_);
    if (!first.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("integrations.", ic.name, ": ", first.status().message()));
    }
    auto pipeline = std::make_shared<CollectionPipeline>(TargetFor(cfg, ic, instance), sink);
    IntegrationRunner::Options ro;
    // Blocks of a list are told apart in logs (and scheduling offsets).
    ro.name = ic.in_list ? absl::StrCat(ic.name, "/", instance) : ic.name;
    ro.interval = ic.common.scrape_interval;
    ro.timeout = ic.common.scrape_timeout;
    ro.restart_backoff = cfg.integrations.integration_restart_backoff;
    ro.on_abnormal_exit = [exits] { exits->Increment(); };
    auto holder = std::make_shared<std::unique_ptr<Integration>>(*std::move(first));
    IntegrationRunner::Factory factory =
        [spec, ic, host, holder]() -> absl::StatusOr<std::unique_ptr<Integration>> {
      if (*holder != nullptr) return std::move(*holder);
      return spec->Create(ic, host);
    };
    out.push_back(Running{ic.name, instance, std::make_unique<IntegrationRunner>(std::move(ro), std::move(factory),
                                                                       std::move(pipeline))});
  }
  return out;
}

absl::Status Agent::Apply(config::Config cfg, const std::string& sha256) {
  if (absl::Status st = EnsureWal(cfg); !st.ok()) {
    self_metrics_->ConfigLoadFailed();
    return st;
  }
  absl::StatusOr<std::vector<Running>> next = Build(cfg);
  if (!next.ok()) {
    self_metrics_->ConfigLoadFailed();
    return next.status();
  }
  if (absl::Status st = StartShipper(cfg); !st.ok()) {
    self_metrics_->ConfigLoadFailed();
    return st;
  }
  if (opts_.integrations_sink == nullptr) {
    if (absl::Status st = instances_->Apply(cfg); !st.ok()) {
      self_metrics_->ConfigLoadFailed();
      return st;
    }
  }
  if (absl::Status st = ApplyLogs(cfg.logs); !st.ok()) {
    self_metrics_->ConfigLoadFailed();
    return st;
  }
  std::vector<Running> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::move(running_);
  }
  // Stop the old generation before starting the new one, so no integration
  // ever runs twice; integrations that are gone get staleness markers.
  const absl::Time now = absl::Now();
  std::set<std::pair<std::string, std::string>> next_targets;  // (job, instance)
  for (const Running& n : *next) {
    for (const auto& p : n.runner->pipelines()) {
      next_targets.emplace(p->options().job, p->options().instance);
    }
  }
  for (Running& r : old) {
    r.runner->Stop();
    for (const auto& p : r.runner->pipelines()) {
      if (!next_targets.contains({p->options().job, p->options().instance})) {
        p->MarkAllStale(now).IgnoreError();
      }
    }
  }
  old.clear();
  ApplyLogging(cfg.server);
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = *std::move(next);
    config_ = std::move(cfg);
    for (Running& r : running_) r.runner->Start();
  }
  self_metrics_->ConfigLoaded(sha256);
  std::vector<std::string> names = RunningIntegrations();
  log::Info("config loaded", {{"file", opts_.config_file},
                              {"integrations", absl::StrJoin(names, ",")}});
  return absl::OkStatus();
}

absl::Status Agent::ApplyLogs(const config::LogsConfig& logs) {
  if (logs_ == nullptr) {
    if (logs.configs.empty()) return absl::OkStatus();
    if (!opts_.logs_factory) {
      return absl::FailedPreconditionError("logs: this build cannot run the logs block");
    }
    logs_ = opts_.logs_factory(self_metrics_->registry(), host_.hostname);
  }
  return logs_->Apply(logs);
}

absl::Status Agent::Reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  if (stopped_) return absl::FailedPreconditionError("agent is shutting down");
  std::string sha;
  absl::StatusOr<config::Config> cfg = LoadConfig(&sha);
  if (!cfg.ok()) {
    self_metrics_->ConfigLoadFailed();
    log::Error("config reload failed; keeping the running config",
               {{"err", ToStd(cfg.status().message())}});
    return cfg.status();
  }
  if (absl::Status st = Apply(*std::move(cfg), sha); !st.ok()) {
    log::Error("config reload failed; keeping the running config", {{"err", ToStd(st.message())}});
    return st;
  }
  return absl::OkStatus();
}

void Agent::Stop() {
  std::vector<Running> old;
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    if (stopped_) return;
    stopped_ = true;
    ready_ = false;
    std::lock_guard<std::mutex> l(mu_);
    old = std::move(running_);
  }
  for (Running& r : old) r.runner->Stop();
  // Outside reload_mu_: an HTTP handler may be waiting on it in Reload().
  http_.Stop();
  // Nothing collects any more: give remote write its flush deadline
  // (Grafana Agent's remote_flush_deadline, 1m), then close the WAL.
  // The metrics instances (each within its remote_flush_deadline) and
  // the integrations WAL, all at once (an endpoint that is down takes no
  // time: remote_write/endpoint.h).
  std::thread instances([this] { instances_->Stop(); });
  // Logs within the same minute (Promtail flushes pending batches at stop).
  std::thread logs([this] {
    if (logs_ != nullptr) logs_->Stop(absl::Minutes(1));
  });
  if (wal_ != nullptr) {
    wal_->StopShipper(absl::Minutes(1));
    wal_->Close();
  }
  instances.join();
  logs.join();
}

std::string Agent::EffectiveConfig() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config::Dump(config_, *opts_.registry);
}

std::vector<std::string> Agent::RunningIntegrations() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const Running& r : running_) out.push_back(r.name);
  return out;
}

absl::StatusOr<std::string> Agent::IntegrationMetrics(std::string_view name) const {
  std::vector<std::shared_ptr<CollectionPipeline>> pipelines;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Running& r : running_) {
      if (r.name != name) continue;
      for (auto& p : r.runner->pipelines()) pipelines.push_back(std::move(p));
    }
  }
  if (pipelines.empty()) {
    return absl::NotFoundError("integration " + std::string(name) + " is not running");
  }
  if (pipelines.size() == 1) return RenderCollected(pipelines.front()->Snapshot());
  // Several blocks of one integration, or the targets of a handler
  // integration: each sample says which instance (or, as every target
  // shares the instance, which job) it came from, as a scrape would.
  const bool by_job = pipelines.front()->options().job != pipelines.back()->options().job;
  std::vector<CollectedSample> all;
  for (const auto& p : pipelines) {
    for (CollectedSample& s : p->Snapshot()) {
      if (by_job && !s.labels.Has("job")) s.labels.Set("job", p->options().job);
      if (!s.labels.Has("instance")) s.labels.Set("instance", p->options().instance);
      all.push_back(std::move(s));
    }
  }
  return RenderCollected(all);
}

void Agent::SetupRoutes() {
  http_.Route("/metrics", {"GET"}, [this](const HttpRequest&) {
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", self_metrics_->Render()};
  });
  http_.Route("/-/healthy", {"GET"}, [](const HttpRequest&) {
    return HttpResponse{200, "text/plain; charset=utf-8", "Agent is Healthy.\n"};
  });
  http_.Route("/-/ready", {"GET"}, [this](const HttpRequest&) {
    if (ready()) return HttpResponse{200, "text/plain; charset=utf-8", "Agent is Ready.\n"};
    return HttpResponse{503, "text/plain; charset=utf-8", "Metrics are not ready yet.\n"};
  });
  http_.Route("/-/reload", {"GET", "POST"}, [this](const HttpRequest&) {
    absl::Status st = Reload();
    if (st.ok()) return HttpResponse{200, "text/plain; charset=utf-8", "config reloaded\n"};
    return HttpResponse{400, "text/plain; charset=utf-8", absl::StrCat(st.message(), "\n")};
  });
  http_.Route("/-/config", {"GET"}, [this](const HttpRequest&) {
    return HttpResponse{200, "text/plain; charset=utf-8", EffectiveConfig()};
  });
  // Grafana Agent's scrape targets API (static/metrics/http.go
  // ListTargetsHandler): one entry per target of every metrics instance.
  http_.Route("/agent/api/v1/metrics/targets", {"GET"}, [this](const HttpRequest&) {
    std::string out = "{\"status\":\"success\",\"data\":[";
    bool first = true;
    auto labels_json = [](std::string& o, const Labels& l) {
      o += '{';
      for (size_t i = 0; i < l.size(); ++i) {
        if (i > 0) o += ',';
        AppendJsonString(o, l[i].name);
        o += ':';
        AppendJsonString(o, l[i].value);
      }
      o += '}';
    };
    for (const MetricsInstances::InstanceTargets& it : instances_->Targets()) {
      for (const scrape::TargetStatus& t : it.targets) {
        if (!first) out += ',';
        first = false;
        const scrape::TargetHealth& h = t.health;
        const char* state = h.state == scrape::TargetHealth::State::kUp     ? "up"
                            : h.state == scrape::TargetHealth::State::kDown ? "down"
                                                                              : "unknown";
        out += "{\"instance\":";
        AppendJsonString(out, it.instance);
        out += ",\"target_group\":";
        AppendJsonString(out, t.job);
        out += ",\"endpoint\":";
        AppendJsonString(out, config::MaskUrlPassword(t.target.url));
        out += absl::StrCat(",\"state\":\"", state, "\",\"labels\":");
        labels_json(out, t.target.labels);
        out += ",\"discovered_labels\":";
        labels_json(out, t.target.discovered);
        out += ",\"last_scrape\":";
        AppendJsonString(out, h.last_scrape == absl::InfinitePast()
                                  ? "0001-01-01T00:00:00Z"
                                  : absl::FormatTime(absl::RFC3339_full, h.last_scrape,
                                                     absl::UTCTimeZone()));
        out += absl::StrCat(",\"scrape_duration_ms\":",
                            absl::ToInt64Milliseconds(h.last_duration), ",\"scrape_error\":");
        AppendJsonString(out, h.last_error);
        out += '}';
      }
    }
    out += "]}\n";
    return HttpResponse{200, "application/json", out};
  });
  http_.Route("/integrations/", {"GET"}, [this](const HttpRequest& req) {
    // /integrations/<name>/metrics
    std::string_view rest = std::string_view(req.path).substr(std::string_view("/integrations/").size());
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos || rest.substr(slash) != "/metrics") {
      return HttpResponse{404, "text/plain; charset=utf-8", "404 page not found\n"};
    }
    absl::StatusOr<std::string> body = IntegrationMetrics(rest.substr(0, slash));
    if (!body.ok()) {
      return HttpResponse{404, "text/plain; charset=utf-8", absl::StrCat(body.status().message(), "\n")};
    }
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", *std::move(body)};
  });
}

}  // namespace outpost
