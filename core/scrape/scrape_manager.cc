#include "core/scrape/scrape_manager.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/scrape/dns_sd.h"
#include "core/scrape/http_sd.h"

namespace outpost::scrape {
namespace {

void AppendRelabel(std::string* s, const std::vector<relabel::Config>& rules) {
  for (const relabel::Config& r : rules) {
    absl::StrAppend(s, "|", absl::StrJoin(r.source_labels, ","), "|", r.separator, "|", r.regex,
                    "|", r.modulus, "|", r.target_label, "|", r.replacement, "|",
                    ToAbsl(relabel::ActionName(r.action)));
  }
  absl::StrAppend(s, ";");
}

// The HTTP client settings, secrets included.
void AppendHttpClient(std::string* s, const config::HttpClientConfig& h) {
  if (h.basic_auth) {
    absl::StrAppend(s, ";ba:", h.basic_auth->username, ":", h.basic_auth->password.reveal(), ":",
                    h.basic_auth->password_file);
  }
  if (h.authorization) {
    absl::StrAppend(s, ";az:", h.authorization->type, ":", h.authorization->credentials.reveal(),
                    ":", h.authorization->credentials_file);
  }
  absl::StrAppend(s, ";tls:", h.tls_config.ca_file, ":", h.tls_config.cert_file, ":",
                  h.tls_config.key_file, ":", h.tls_config.server_name, ":",
                  h.tls_config.insecure_skip_verify, ";", h.proxy_url, ";", h.follow_redirects,
                  h.enable_http2, ";");
}

}  // namespace

std::string RelabelFingerprint(const std::vector<relabel::Config>& rules) {
  std::string s;
  AppendRelabel(&s, rules);
  return s;
}

std::string ScrapeConfigFingerprint(const config::ScrapeConfig& c) {
  std::string s = absl::StrCat(c.job_name, ";", absl::FormatDuration(c.scrape_interval), ";",
                               absl::FormatDuration(c.scrape_timeout), ";", c.metrics_path, ";",
                               c.scheme, ";", c.honor_labels, c.honor_timestamps, ";",
                               c.body_size_limit, ",", c.sample_limit, ",", c.target_limit, ",",
                               c.label_limit, ",", c.label_name_length_limit, ",",
                               c.label_value_length_limit, ";");
  for (const auto& [k, v] : c.params) absl::StrAppend(&s, k, "=", absl::StrJoin(v, ","), "&");
  AppendHttpClient(&s, c.http);
  AppendRelabel(&s, c.relabel_configs);
  AppendRelabel(&s, c.metric_relabel_configs);
  for (const config::TargetGroup& g : c.static_configs) {
    absl::StrAppend(&s, "sc:", absl::StrJoin(g.targets, ","), "{");
    for (const auto& [k, v] : g.labels) absl::StrAppend(&s, k, "=", v, ",");
    absl::StrAppend(&s, "}");
  }
  for (const config::FileSdConfig& f : c.file_sd_configs) {
    absl::StrAppend(&s, "fsd:", absl::StrJoin(f.files, ","), ":",
                    absl::FormatDuration(f.refresh_interval));
  }
  for (const config::HttpSdConfig& h : c.http_sd_configs) {
    absl::StrAppend(&s, "hsd:", h.url, ":", absl::FormatDuration(h.refresh_interval), "{");
    AppendHttpClient(&s, h.http);
    absl::StrAppend(&s, "}");
  }
  for (const config::DnsSdConfig& d : c.dns_sd_configs) {
    absl::StrAppend(&s, "dsd:", absl::StrJoin(d.names, ","), ":", d.type, ":", d.port, ":",
                    absl::FormatDuration(d.refresh_interval));
  }
  absl::StrAppend(&s, "tts:", c.track_timestamps_staleness);
  return s;
}

ScrapeManager::ScrapeManager(std::string instance, std::shared_ptr<SampleSink> sink,
                             HostFilter host_filter, ScrapeMetrics* metrics)
    : instance_(std::move(instance)),
      sink_(std::move(sink)),
      host_filter_(std::move(host_filter)),
      metrics_(metrics) {}

ScrapeManager::~ScrapeManager() { Stop(); }

std::vector<Labels> ScrapeManager::Discover(Job& job, bool force, bool* changed) {
  std::vector<Labels> out;
  for (const config::TargetGroup& g : job.cfg.static_configs) {
    for (Labels& l : GroupTargets(g)) out.push_back(std::move(l));
  }
  const absl::Time now = absl::Now();
  for (size_t i = 0; i < job.file_sd.size(); ++i) {
    const bool full = force || now - job.last_full_refresh[i] >= job.cfg.file_sd_configs[i].refresh_interval;
    if (full) job.last_full_refresh[i] = now;
    std::vector<std::string> errors;
    if (job.file_sd[i]->Refresh(full, &errors)) *changed = true;
    for (const std::string& e : errors) {
      if (metrics_ != nullptr) metrics_->sd_file_read_errors.Increment();
      log::Error("file_sd: cannot read target file",
                 {{"instance", instance_}, {"job", job.cfg.job_name}, {"err", e}});
    }
    for (Labels& l : job.file_sd[i]->Targets()) out.push_back(std::move(l));
  }
  for (const std::unique_ptr<RefreshSd>& r : job.refresh_sd) {
    if (r->TakeChanged()) *changed = true;
    for (Labels& l : r->Targets()) out.push_back(std::move(l));
  }
  return out;
}

void ScrapeManager::StartRefreshSd(Job& job) {
  for (const config::HttpSdConfig& h : job.cfg.http_sd_configs) {
    auto sd = std::make_shared<HttpSd>(h, metrics_);
    job.refresh_sd.push_back(std::make_unique<RefreshSd>("http", job.cfg.job_name,
                                                         h.refresh_interval,
                                                         [sd] { return sd->Fetch(); }));
  }
  for (const config::DnsSdConfig& d : job.cfg.dns_sd_configs) {
    auto sd = std::make_shared<DnsSd>(d, metrics_);
    job.refresh_sd.push_back(std::make_unique<RefreshSd>("dns", job.cfg.job_name,
                                                         d.refresh_interval,
                                                         [sd] { return sd->Fetch(); }));
  }
}

void ScrapeManager::ForgetJobMetrics(const std::string& job) {
  if (metrics_ == nullptr) return;
  metrics_->sd_discovered_targets.Remove(&metrics_->sd_discovered_targets.Add(
      {{"instance_name", instance_}, {"config", job}, {"name", "scrape"}}));
  metrics_->pool_targets.Remove(
      &metrics_->pool_targets.Add({{"instance_name", instance_}, {"scrape_job", job}}));
}

void ScrapeManager::Sync(Job& job, const std::vector<Labels>& discovered) {
  if (metrics_ != nullptr) {
    metrics_->sd_discovered_targets
        .Add({{"instance_name", instance_}, {"config", job.cfg.job_name}, {"name", "scrape"}})
        .Set(static_cast<double>(discovered.size()));
  }
  std::map<uint64_t, Target> wanted;
  for (const Labels& d : discovered) {
    if (!host_filter_.Keep(d)) continue;
    absl::StatusOr<std::optional<Target>> t = PopulateTarget(d, job.cfg);
    if (!t.ok()) {
      log::Warn("dropping invalid target",
                {{"instance", instance_}, {"job", job.cfg.job_name},
                 {"target", MaskDiscovered(d).ToString()}, {"err", std::string(t.status().message())}});
      continue;
    }
    if (!t->has_value()) continue;  // dropped by relabeling
    const uint64_t h = (*t)->Hash();
    wanted.emplace(h, **std::move(t));
  }
  if (job.cfg.target_limit > 0 && wanted.size() > job.cfg.target_limit) {
    // Prometheus: the whole job stops scraping until it fits.
    log::Error("target_limit exceeded; not scraping the job",
               {{"instance", instance_}, {"job", job.cfg.job_name},
                {"targets", std::to_string(wanted.size())},
                {"limit", std::to_string(job.cfg.target_limit)}});
    wanted.clear();
    if (metrics_ != nullptr) metrics_->pool_exceeded_target_limit.Increment();
  }
  for (auto it = job.loops.begin(); it != job.loops.end();) {
    if (wanted.count(it->first) == 0) {
      it->second->Stop(/*mark_stale=*/true);
      it = job.loops.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [h, t] : wanted) {
    if (job.loops.count(h) != 0) continue;
    auto loop = std::make_unique<ScrapeLoop>(std::move(t), job.cfg, sink_, metrics_);
    loop->Start();
    job.loops.emplace(h, std::move(loop));
  }
  if (metrics_ != nullptr) {
    metrics_->pool_targets.Add({{"instance_name", instance_}, {"scrape_job", job.cfg.job_name}})
        .Set(static_cast<double>(job.loops.size()));
  }
}

void ScrapeManager::ApplyConfig(const std::vector<config::ScrapeConfig>& cfgs) {
  std::lock_guard<std::mutex> l(mu_);
  std::set<std::string> names;
  for (const config::ScrapeConfig& c : cfgs) {
    names.insert(c.job_name);
    std::string fp = ScrapeConfigFingerprint(c);
    auto it = jobs_.find(c.job_name);
    if (it != jobs_.end() && it->second->fingerprint == fp) continue;  // unchanged
    if (it != jobs_.end()) {
      // Changed: its loops restart with the new config (without markers
      // for targets that stay: their series continue).
      for (auto& [h, loop] : it->second->loops) loop->Stop(/*mark_stale=*/false);
      jobs_.erase(it);
      if (metrics_ != nullptr) metrics_->pool_reloads.Increment();
    } else if (metrics_ != nullptr) {
      metrics_->pools.Increment();
    }
    auto job = std::make_unique<Job>();
    job->cfg = c;
    job->fingerprint = std::move(fp);
    for (const config::FileSdConfig& f : c.file_sd_configs) {
      job->file_sd.push_back(std::make_unique<FileSd>(f));
      job->last_full_refresh.push_back(absl::InfinitePast());
    }
    StartRefreshSd(*job);
    bool changed = false;
    Sync(*job, Discover(*job, /*force=*/true, &changed));
    jobs_.emplace(c.job_name, std::move(job));
  }
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (names.count(it->first) == 0) {
      for (auto& [h, loop] : it->second->loops) loop->Stop(/*mark_stale=*/true);
      ForgetJobMetrics(it->first);
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
  if (!discovery_.joinable() && !stop_) discovery_ = std::thread([this] { DiscoveryLoop(); });
}

void ScrapeManager::DiscoveryLoop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    cv_.wait_for(l, std::chrono::seconds(1), [this] { return stop_; });
    if (stop_) break;
    for (auto& [name, job] : jobs_) {
      if (job->file_sd.empty() && job->refresh_sd.empty()) continue;
      bool changed = false;
      std::vector<Labels> d = Discover(*job, /*force=*/false, &changed);
      if (changed) Sync(*job, d);
    }
  }
}

void ScrapeManager::StopAll(bool mark_stale) {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (discovery_.joinable()) discovery_.join();
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [name, job] : jobs_) {
    for (auto& [h, loop] : job->loops) loop->Stop(mark_stale);
  }
  jobs_.clear();
}

void ScrapeManager::Stop() { StopAll(/*mark_stale=*/false); }
void ScrapeManager::StopAndMarkStale() { StopAll(/*mark_stale=*/true); }

std::vector<TargetStatus> ScrapeManager::Targets() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<TargetStatus> out;
  for (const auto& [name, job] : jobs_) {
    for (const auto& [h, loop] : job->loops) {
      out.push_back(TargetStatus{name, loop->target(), loop->health()});
    }
  }
  return out;
}

}  // namespace outpost::scrape
