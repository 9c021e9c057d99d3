// One target's scrape loop (Prometheus' scrapeLoop.run): on its own
// thread, every interval from an offset spread by the target's hash,
// fetch the target (HttpScraper) within its timeout and append the body
// (ScrapeCache) stamped with the scrape's start time, parsing it as it
// arrives.
//
// Thread-safety: Start/Stop from one controlling thread; health() from any.
#ifndef OUTPOST_CORE_SCRAPE_SCRAPE_LOOP_H_
#define OUTPOST_CORE_SCRAPE_SCRAPE_LOOP_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "core/base/sink.h"
#include "core/config/config.h"
#include "core/scrape/http_scraper.h"
#include "core/scrape/scrape_cache.h"
#include "core/scrape/scrape_metrics.h"
#include "core/scrape/target.h"

namespace outpost::scrape {

struct TargetHealth {
  enum class State { kUnknown, kUp, kDown };
  State state = State::kUnknown;
  std::string last_error;
  absl::Time last_scrape = absl::InfinitePast();
  absl::Duration last_duration = absl::ZeroDuration();
};

class ScrapeLoop {
 public:
  // `cfg` supplies the HTTP client, limits, honor_* and metric relabeling.
  // `metrics` (may be null) receives prometheus_target_* counts.
  ScrapeLoop(Target target, const config::ScrapeConfig& cfg, std::shared_ptr<SampleSink> sink,
             ScrapeMetrics* metrics = nullptr);
  ~ScrapeLoop();  // Stop(false)

  void Start();
  // Stops the thread (an in-flight scrape finishes first, bounded by its
  // timeout). `mark_stale`: the target went away; its series get
  // staleness markers.
  void Stop(bool mark_stale);

  const Target& target() const { return target_; }
  TargetHealth health() const;

  // The offset of the first scrape within the interval, from the target's
  // hash (Prometheus' scrape offset spreads targets the same way).
  static absl::Duration Offset(uint64_t hash, absl::Duration interval);

 private:
  void Run();
  void ScrapeOnce(absl::Time start);

  const Target target_;
  const config::HttpClientConfig http_;
  const uint64_t body_size_limit_;
  ScrapeCache cache_;
  std::unique_ptr<HttpScraper> scraper_;  // the loop thread's
  std::string content_type_;                    // the last response's
  ScrapeMetrics* const metrics_;
  prometheus::Summary* const interval_length_;  // null without metrics
  absl::Time last_start_ = absl::InfinitePast();  // the loop thread's

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  TargetHealth health_;
  std::thread thread_;
};

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_SCRAPE_LOOP_H_
