#include "core/agent/integrations_wal.h"

#include "absl/time/clock.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"

namespace outpost {

std::string IntegrationsWal::DirFor(const std::string& wal_directory) {
  std::string d = wal_directory;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d + "/integrations/wal";
}

IntegrationsWal::IntegrationsWal(Options opts, std::string dir, prometheus::Registry& registry)
    : opts_(std::move(opts)), dir_(std::move(dir)), metrics_(registry) {}

absl::StatusOr<std::unique_ptr<IntegrationsWal>> IntegrationsWal::Open(
    Options opts, prometheus::Registry& registry) {
  std::string dir = DirFor(opts.wal_directory);
  std::unique_ptr<IntegrationsWal> w(new IntegrationsWal(std::move(opts), dir, registry));
  wal::StorageOptions so;
  so.metrics = &w->metrics_;
  absl::StatusOr<std::unique_ptr<wal::Storage>> s = wal::Storage::Open(wal::Env::Default(), dir, so);
  if (!s.ok()) {
    return absl::Status(s.status().code(),
                        "open WAL " + dir + ": " + std::string(s.status().message()));
  }
  w->storage_ = std::move(*s);
  w->thread_ = std::thread([p = w.get()] { p->Loop(); });
  wal::StorageStats st = w->storage_->stats();
  log::Info("integrations WAL opened",
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
    if (absl::Status st = storage_->Sync(); !st.ok()) {
      log::Error("WAL fsync failed", {{"dir", dir_}, {"err", ToStd(st.message())}});
    }
    const absl::Time now = absl::Now();
    if (now >= next_truncate) {
      next_truncate = now + opts_.truncate_frequency;
      const absl::Time cutoff = opts_.shipped ? now - opts_.min_wal_time : now;
      if (absl::Status st = storage_->Truncate(absl::ToUnixMillis(cutoff)); !st.ok()) {
        log::Error("WAL truncation failed", {{"dir", dir_}, {"err", ToStd(st.message())}});
      }
    }
    lock.lock();
  }
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
