#include "core/scrape/scrape_loop.h"

#include "core/base/log.h"
#include "core/config/url.h"
#include "core/scrape/http_scraper.h"

namespace outpost::scrape {
namespace {

AppendOptions AppendOptionsFor(const Target& t, const config::ScrapeConfig& cfg) {
  AppendOptions o;
  o.target = t.labels;
  o.honor_labels = cfg.honor_labels;
  o.honor_timestamps = cfg.honor_timestamps;
  o.track_timestamps_staleness = cfg.track_timestamps_staleness;
  o.metric_relabel_configs = cfg.metric_relabel_configs;
  o.sample_limit = cfg.sample_limit;
  o.label_limit = cfg.label_limit;
  o.label_name_length_limit = cfg.label_name_length_limit;
  o.label_value_length_limit = cfg.label_value_length_limit;
  return o;
}

}  // namespace

absl::Duration ScrapeLoop::Offset(uint64_t hash, absl::Duration interval) {
  const int64_t ns = absl::ToInt64Nanoseconds(interval);
  if (ns <= 0) return absl::ZeroDuration();
  return absl::Nanoseconds(static_cast<int64_t>(hash % static_cast<uint64_t>(ns)));
}

ScrapeLoop::ScrapeLoop(Target target, const config::ScrapeConfig& cfg,
                       std::shared_ptr<SampleSink> sink, ScrapeMetrics* metrics)
    : target_(std::move(target)),
      http_(cfg.http),
      body_size_limit_(cfg.body_size_limit),
      cache_(AppendOptionsFor(target_, cfg), std::move(sink)),
      metrics_(metrics),
      interval_length_(metrics != nullptr ? &metrics->IntervalLength(target_.interval) : nullptr) {}

ScrapeLoop::~ScrapeLoop() { Stop(false); }

void ScrapeLoop::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Run(); });
}

void ScrapeLoop::Stop(bool mark_stale) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (mark_stale) {
    if (absl::Status st = cache_.MarkAllStale(absl::Now()); !st.ok()) {
      log::Warn("writing staleness markers failed",
                {{"target", config::MaskUrlPassword(target_.url)}, {"err", std::string(st.message())}});
    }
  }
}

TargetHealth ScrapeLoop::health() const {
  std::lock_guard<std::mutex> l(mu_);
  return health_;
}

void ScrapeLoop::ScrapeOnce(absl::Time start) {
  // Only the loop's thread touches scraper_ and content_type_.
  if (scraper_ == nullptr) scraper_ = std::make_unique<HttpScraper>(http_, body_size_limit_);
  // The body is parsed as it arrives: no copy of it is kept (issue 23).
  // scrape_duration_seconds includes the parsing, as in Prometheus (its
  // report's time.Since(start) runs after the append, scrape/scrape.go).
  cache_.Begin(start);
  absl::Status fetched = scraper_->Scrape(
      target_.url, target_.timeout,
      [this](std::string_view piece) { return cache_.Feed(piece, content_type_).ok(); },
      &content_type_);
  const absl::Duration took = absl::Now() - start;
  absl::Status st = cache_.Finish(fetched, took);
  if (metrics_ != nullptr) {
    if (last_start_ != absl::InfinitePast()) {
      interval_length_->Observe(absl::ToDoubleSeconds(start - last_start_));
    }
    if (absl::IsResourceExhausted(fetched)) metrics_->exceeded_body_size_limit.Increment();
    if (fetched.ok() && absl::IsResourceExhausted(st)) metrics_->exceeded_sample_limit.Increment();
    const ScrapeStats& stats = cache_.last_stats();
    if (stats.duplicates > 0) {
      metrics_->sample_duplicate_timestamp.Increment(static_cast<double>(stats.duplicates));
    }
    if (stats.out_of_order > 0) {
      metrics_->sample_out_of_order.Increment(static_cast<double>(stats.out_of_order));
    }
  }
  last_start_ = start;
  std::lock_guard<std::mutex> l(mu_);
  const bool was_up = health_.state != TargetHealth::State::kDown;
  health_.state = st.ok() ? TargetHealth::State::kUp : TargetHealth::State::kDown;
  health_.last_error = st.ok() ? "" : std::string(st.message());
  health_.last_scrape = start;
  health_.last_duration = took;
  if (!st.ok() && was_up) {
    log::Warn("scrape failed",
              {{"target", config::MaskUrlPassword(target_.url)}, {"err", health_.last_error}});
  }
}

void ScrapeLoop::Run() {
  absl::Time next = absl::Now() + Offset(target_.Hash(), target_.interval);
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    cv_.wait_until(l, absl::ToChronoTime(next), [this] { return stop_; });
    if (stop_) break;
    const absl::Time start = absl::Now();
    l.unlock();
    ScrapeOnce(start);
    l.lock();
    // Keep the phase; skip ticks missed by a slow scrape.
    next += target_.interval;
    const absl::Time now = absl::Now();
    while (next <= now) next += target_.interval;
  }
}

}  // namespace outpost::scrape
