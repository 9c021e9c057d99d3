// A discoverer that asks its source again every refresh_interval
// (Prometheus discovery/refresh): the base of http_sd_configs and
// dns_sd_configs. The fetch runs on the discoverer's own thread, so a slow
// or hanging server never holds up other jobs' discovery; a failed fetch
// keeps the last good targets (upstream sends no update on error) and is
// logged with the mechanism and the job.
//
// Thread-safety: Targets()/TakeChanged() from any thread; the destructor
// stops the thread (waiting for an in-flight fetch, bounded by its own
// timeout).
#ifndef OUTPOST_CORE_SCRAPE_REFRESH_SD_H_
#define OUTPOST_CORE_SCRAPE_REFRESH_SD_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/base/labels.h"

namespace outpost::scrape {

class RefreshSd {
 public:
  // Discovered label sets (each with __address__ and __meta_* labels).
  using Fetch = std::function<absl::StatusOr<std::vector<Labels>>()>;

  // Starts the thread: a first fetch at once, then one every `interval`.
  // `mechanism` ("http", "dns") and `job` go into log lines.
  RefreshSd(std::string mechanism, std::string job, absl::Duration interval, Fetch fetch);
  ~RefreshSd();
  RefreshSd(const RefreshSd&) = delete;
  RefreshSd& operator=(const RefreshSd&) = delete;

  // True once after the targets changed (the first successful fetch counts
  // as a change).
  bool TakeChanged();
  std::vector<Labels> Targets() const;
  // How many fetches finished (successful or not); for tests.
  uint64_t fetches() const;

 private:
  void Run();

  const std::string mechanism_;
  const std::string job_;
  const absl::Duration interval_;
  const Fetch fetch_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool changed_ = false;
  uint64_t fetches_ = 0;
  std::vector<Labels> targets_;
  std::thread thread_;
};

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_REFRESH_SD_H_
