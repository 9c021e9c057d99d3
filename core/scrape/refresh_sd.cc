#include "core/scrape/refresh_sd.h"

#include <algorithm>

#include "core/base/log.h"

namespace outpost::scrape {

RefreshSd::RefreshSd(std::string mechanism, std::string job, absl::Duration interval, Fetch fetch)
    : mechanism_(std::move(mechanism)),
      job_(std::move(job)),
      interval_(interval),
      fetch_(std::move(fetch)) {
  thread_ = std::thread([this] { Run(); });
}

RefreshSd::~RefreshSd() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool RefreshSd::TakeChanged() {
  std::lock_guard<std::mutex> l(mu_);
  const bool c = changed_;
  changed_ = false;
  return c;
}

std::vector<Labels> RefreshSd::Targets() const {
  std::lock_guard<std::mutex> l(mu_);
  return targets_;
}

uint64_t RefreshSd::fetches() const {
  std::lock_guard<std::mutex> l(mu_);
  return fetches_;
}

void RefreshSd::Run() {
  std::unique_lock<std::mutex> l(mu_);
  bool first = true;
  while (!stop_) {
    l.unlock();
    absl::StatusOr<std::vector<Labels>> got = fetch_();
    l.lock();
    ++fetches_;
    if (!got.ok()) {
      log::Error("Unable to refresh target groups",
                 {{"mechanism", mechanism_}, {"job", job_}, {"err", got.status().ToString()}});
    } else if (first || *got != targets_) {
      targets_ = *std::move(got);
      changed_ = true;
      first = false;
    }
    cv_.wait_for(l, std::max(absl::ToChronoMilliseconds(interval_), std::chrono::milliseconds(10)),
                 [this] { return stop_; });
  }
}

}  // namespace outpost::scrape
