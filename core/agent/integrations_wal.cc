#include "core/agent/integrations_wal.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/base/malloc_tuning.h"

namespace outpost {

std::string IntegrationsWal::DirFor(const std::string& wal_directory, const std::string& name) {
  std::string d = wal_directory;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d + "/" + name + "/wal";
}

IntegrationsWal::IntegrationsWal(Options opts, std::string dir, prometheus::Registry& registry)
    : opts_(std::move(opts)), dir_(std::move(dir)), metrics_(registry, opts_.metric_labels) {}

absl::StatusOr<std::unique_ptr<IntegrationsWal>> IntegrationsWal::Open(
    Options opts, prometheus::Registry& registry) {
  std::string dir = DirFor(opts.wal_directory, opts.name);
  std::unique_ptr<IntegrationsWal> w(new IntegrationsWal(std::move(opts), dir, registry));
  wal::StorageOptions so;
  so.metrics = &w->metrics_;
  so.segment_size = w->opts_.segment_size;
  wal::Env* env = w->opts_.env != nullptr ? w->opts_.env : wal::Env::Default();
  absl::StatusOr<std::unique_ptr<wal::Storage>> s = wal::Storage::Open(env, dir, so);
  if (!s.ok()) {
    return absl::Status(s.status().code(),
                        "open WAL " + dir + ": " + std::string(s.status().message()));
  }
  w->storage_ = std::move(*s);
  w->thread_ = std::thread([p = w.get()] { p->Loop(); });
  wal::StorageStats st = w->storage_->stats();
  log::Info("WAL opened",
            {{"dir", dir}, {"active_series", std::to_string(st.active_series)},
             {"segment", std::to_string(st.segment_current)}});
  return w;
}

IntegrationsWal::~IntegrationsWal() { Close(); }

void IntegrationsWal::Loop() {
  absl::Time next_truncate = absl::Now() + opts_.truncate_frequency;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, absl::ToChronoMilliseconds(opts_.sync_interval), [&] { return stop_; });
    if (stop_) break;
    lock.unlock();
    // The storage logs a failed write once when writes start failing and
    // once when they resume; not once per sync here.
    (void)storage_->Sync();
    const absl::Time now = absl::Now();
    if (now >= next_truncate) {
      next_truncate = now + opts_.truncate_frequency;
      if (absl::Status st = Truncate(); !st.ok()) {
        log::Error("WAL truncation failed", {{"dir", dir_}, {"err", ToStd(st.message())}});
      }
    }
    lock.lock();
  }
}

absl::Status IntegrationsWal::Truncate() {
  const absl::Time now = opts_.clock ? opts_.clock() : absl::Now();
  // Grafana Agent (static/metrics/instance/instance.go truncateLoop): keep
  // min_wal_time when shipped, never more than max_wal_time, skip when the
  // cutoff did not move.
  absl::Time cutoff = opts_.shipped ? now - opts_.min_wal_time : now;
  cutoff = std::max(cutoff, now - opts_.max_wal_time);
  const int64_t cutoff_ms = std::max<int64_t>(0, absl::ToUnixMillis(cutoff));
  std::lock_guard<std::mutex> lock(truncate_mu_);
  if (cutoff_ms == last_cutoff_ms_) return absl::OkStatus();
  wal::TruncateOptions o;
  o.mint_ms = cutoff_ms;
  o.now_ms = absl::ToUnixMillis(now);
  o.max_wal_time = opts_.max_wal_time;
  o.max_wal_size = opts_.max_wal_size;
  absl::Status st = storage_->Truncate(o);
  if (st.ok()) last_cutoff_ms_ = cutoff_ms;
  // What the truncation's series GC freed goes back to the kernel, not only
  // to malloc (issue 23: churn).
  ReturnFreeMemory();
  return st;
}

void IntegrationsWal::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (storage_ != nullptr) {
    if (absl::Status st = storage_->Close(); !st.ok()) {
      log::Error("closing WAL failed", {{"dir", dir_}, {"err", ToStd(st.message())}});
    }
  }
}

}  // namespace outpost
