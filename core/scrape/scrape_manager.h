// The scrape side of one metrics instance (metrics.configs[] entry): its
// scrape_configs' discovery (static_configs, file_sd_configs,
// http_sd_configs, dns_sd_configs), Grafana
// Agent's host filter, target building (PopulateTarget) and one ScrapeLoop per target, all appending
// into the instance's sink.
//
// A discovery thread re-checks file_sd files every second (re-reading a
// file when it changed, and every refresh_interval anyway), picks up what
// the http_sd/dns_sd discoverers (RefreshSd, each on its own thread)
// found, and syncs each job's loops with its targets: new targets start, vanished ones stop with
// staleness markers, unchanged ones keep running. ApplyConfig (a reload)
// does the same per job, so a loop survives a reload when neither its
// job's config nor its target changed (Prometheus' scrapePool.reload).
//
// Thread-safety: ApplyConfig/Stop from one controlling thread; Targets()
// from any.
#ifndef OUTPOST_CORE_SCRAPE_SCRAPE_MANAGER_H_
#define OUTPOST_CORE_SCRAPE_SCRAPE_MANAGER_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/base/sink.h"
#include "core/config/config.h"
#include "core/scrape/file_sd.h"
#include "core/scrape/host_filter.h"
#include "core/scrape/refresh_sd.h"
#include "core/scrape/scrape_loop.h"
#include "core/scrape/scrape_metrics.h"

namespace outpost::scrape {

struct TargetStatus {
  std::string job;
  Target target;
  TargetHealth health;
};

class ScrapeManager {
 public:
  // `metrics` may be null (tests); otherwise it outlives the manager.
  ScrapeManager(std::string instance, std::shared_ptr<SampleSink> sink,
                HostFilter host_filter = {}, ScrapeMetrics* metrics = nullptr);
  ~ScrapeManager();  // Stop()

  // Starts or updates scraping for `cfgs` (already validated).
  void ApplyConfig(const std::vector<config::ScrapeConfig>& cfgs);
  // Stops every loop without staleness markers (shutdown) and the
  // discovery thread.
  void Stop();
  // Stops every loop with staleness markers (the instance was removed).
  void StopAndMarkStale();

  std::vector<TargetStatus> Targets() const;
  const std::string& instance() const { return instance_; }

 private:
  struct Job {
    config::ScrapeConfig cfg;
    std::string fingerprint;  // the config's identity, secrets included
    std::vector<std::unique_ptr<FileSd>> file_sd;
    std::vector<absl::Time> last_full_refresh;  // per file_sd entry
    std::vector<std::unique_ptr<RefreshSd>> refresh_sd;  // http_sd, dns_sd
    std::map<uint64_t, std::unique_ptr<ScrapeLoop>> loops;  // by Target::Hash
  };
  void DiscoveryLoop();
  // Re-reads the job's files (all when `force`); returns the discovered
  // label sets.
  std::vector<Labels> Discover(Job& job, bool force, bool* changed);
  void Sync(Job& job, const std::vector<Labels>& discovered);
  void StopAll(bool mark_stale);
  // Starts the job's http_sd/dns_sd discoverers.
  void StartRefreshSd(Job& job);
  // Removes the job's per-job self-metrics.
  void ForgetJobMetrics(const std::string& job);

  const std::string instance_;
  const std::shared_ptr<SampleSink> sink_;
  const HostFilter host_filter_;
  ScrapeMetrics* const metrics_;

  mutable std::mutex mu_;  // guards jobs_ and its loops maps
  std::condition_variable cv_;
  std::map<std::string, std::unique_ptr<Job>> jobs_;  // by job_name
  bool stop_ = false;
  std::thread discovery_;
};

// The identity of a scrape config for reloads: everything that affects how
// its targets are scraped, secrets included (never shown anywhere).
std::string ScrapeConfigFingerprint(const config::ScrapeConfig& cfg);
// The identity of a list of relabel rules (same idea).
std::string RelabelFingerprint(const std::vector<relabel::Config>& rules);

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_SCRAPE_MANAGER_H_
