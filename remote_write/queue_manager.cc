#include "remote_write/queue_manager.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/base/log.h"

namespace outpost::remote_write {

struct QueueManager::Shard {
  explicit Shard(const Labels* external) : encoder(external) {}
  std::deque<PendingSample> queue;
  // The next batch: the first `next` samples of the queue, at most one
  // per series (refs) and max_samples_per_send in all; `full` once it
  // cannot grow (max reached, or the sample after it repeats a series).
  absl::flat_hash_set<uint64_t> refs;
  size_t next = 0;
  bool full = false;
  absl::Time batch_start = absl::InfiniteFuture();
  absl::CondVar cv;
  std::unique_ptr<http::HttpClient> client;
  BatchEncoder encoder;
  std::thread thread;
  bool exit = false;      // finish and leave
  bool retired = false;   // handed its queue to new shards
  bool busy = false;      // a batch is in flight
  bool done = false;      // the thread has returned (may be joined)
  std::mt19937_64 rng{std::random_device{}()};

  // Extends the next batch over the queued samples it has not looked at.
  // At most one sample of a series per request: a request that landed
  // just before a crash, its answer lost, is sent again after the restart
  // and is then all duplicates of its series' newest samples, which
  // Prometheus accepts; with two samples of one series the older would be
  // out of order and the whole request refused. (Exemplars never fail a
  // request.)
  void Grow(size_t max) {
    while (!full && next < queue.size()) {
      const PendingSample& p = queue[next];
      if (p.exemplar == nullptr && !refs.insert(p.ref).second) {
        full = true;
        break;
      }
      full = ++next >= max;
    }
  }
  // Takes the next batch into `batch` and starts the one after it.
  void Take(std::vector<PendingSample>* batch, size_t max) {
    batch->assign(queue.begin(), queue.begin() + static_cast<long>(next));
    queue.erase(queue.begin(), queue.begin() + static_cast<long>(next));
    refs.clear();
    next = 0;
    full = false;
    Grow(max);
  }
};

absl::Duration RetryDelay(const config::QueueConfig& q, int attempt,
                          absl::Duration previous, double unit) {
  absl::Duration d = q.min_backoff;
  for (int i = 1; i < attempt && d < q.max_backoff; ++i) d *= 2;
  d = std::min(d, q.max_backoff);
  d -= d * (0.1 * std::clamp(unit, 0.0, 1.0));
  return std::max(d, previous);
}

QueueManager::QueueManager(config::RemoteWriteConfig config, AckTracker* acks,
                           EndpointMetrics* metrics, std::shared_ptr<http::RequestAuth> auth)
    : config_(std::move(config)),
      q_(config_.queue_config),
      acks_(acks),
      metrics_(metrics),
      auth_(std::move(auth)) {
  metrics_->shards_min.Set(q_.min_shards);
  metrics_->shards_max.Set(q_.max_shards);
  metrics_->shard_capacity.Set(q_.capacity);
}

QueueManager::~QueueManager() { Stop(absl::Now()); }

std::unique_ptr<QueueManager::Shard> QueueManager::NewShard() {
  auto s = std::make_unique<Shard>(&external_);
  auto client = http::HttpClient::Create(config_, RemoteWriteProtocol(config_), auth_);
  if (client.ok()) s->client = std::move(*client);
  return s;
}

absl::Status QueueManager::Start() {
  {
    absl::MutexLock l(&mu_);
    if (started_) return absl::OkStatus();
  }
  if (auth_ == nullptr) {  // one for all shards: they share a token
    auto auth = http::MakeRequestAuth(config_);
    if (!auth.ok()) return auth.status();
    auth_ = std::move(*auth);
  }
  auto probe = http::HttpClient::Create(config_, RemoteWriteProtocol(config_), auth_);
  if (!probe.ok()) return probe.status();
  absl::MutexLock l(&mu_);
  if (started_) return absl::OkStatus();
  started_ = true;
  const int n = std::clamp(q_.min_shards, 1, std::max(1, q_.max_shards));
  for (int i = 0; i < n; ++i) {
    shards_.push_back(NewShard());
    Shard* s = shards_.back().get();
    ++running_;
    s->thread = std::thread([this, s] { RunShard(s); });
  }
  metrics_->shards.Set(n);
  metrics_->shards_desired.Set(n);
  if (q_.max_shards > q_.min_shards) {
    reshard_thread_ = std::thread([this] { ReshardLoop(); });
  }
  return absl::OkStatus();
}

bool QueueManager::Append(absl::Span<const PendingSample> items) {
  absl::MutexLock l(&mu_);
  const size_t cap = static_cast<size_t>(std::max(1, q_.capacity));
  const size_t max = static_cast<size_t>(std::max(1, q_.max_samples_per_send));
  for (const PendingSample& it : items) {
    for (;;) {
      if (unblocked_ || stopped_ || shards_.empty()) return false;
      Shard* s = shards_[it.ref % shards_.size()].get();
      if (s->queue.size() < cap) {
        if (s->queue.empty()) s->batch_start = absl::Now();
        s->queue.push_back(it);
        ++pending_;
        const bool was_full = s->full;
        s->Grow(max);
        if (s->full && !was_full) s->cv.Signal();
        else if (s->queue.size() == 1) s->cv.Signal();  // arms the deadline
        break;
      }
      metrics_->enqueue_retries_total.Increment();
      space_cv_.WaitWithTimeout(&mu_, absl::Milliseconds(100));
    }
  }
  in_count_.fetch_add(items.size(), std::memory_order_relaxed);
  metrics_->samples_pending.Set(static_cast<double>(pending_));
  return true;
}

bool QueueManager::WaitIdle() {
  absl::MutexLock l(&mu_);
  while (pending_ > 0 && !unblocked_ && !stopped_) {
    change_cv_.WaitWithTimeout(&mu_, absl::Milliseconds(100));
  }
  return !unblocked_ && !stopped_;
}

void QueueManager::Unblock() {
  absl::MutexLock l(&mu_);
  unblocked_ = true;
  space_cv_.SignalAll();
}

void QueueManager::RunShard(Shard* s) {
  std::vector<PendingSample> batch;
  const size_t max = static_cast<size_t>(std::max(1, q_.max_samples_per_send));
  mu_.Lock();
  for (;;) {
    // Wait for a full batch, the deadline, or the end.
    for (;;) {
      if (hard_stop_.load() || (s->exit && s->queue.empty())) {
        s->done = true;
        --running_;
        change_cv_.SignalAll();
        mu_.Unlock();
        return;
      }
      const bool gated = old_inflight_ > 0 && !s->retired;
      const absl::Time now = absl::Now();
      if (!gated && !s->queue.empty() &&
          (s->full || flushing_ || s->exit ||
           now >= s->batch_start + q_.batch_send_deadline)) {
        break;
      }
      if (gated || s->queue.empty()) {
        s->cv.WaitWithTimeout(&mu_, absl::Seconds(1));
      } else {
        s->cv.WaitWithDeadline(&mu_, s->batch_start + q_.batch_send_deadline);
      }
    }
    const size_t n = s->next;
    const bool cut = s->full && n < max;  // by a repeated series
    s->Take(&batch, max);
    // The samples left behind by a repeated series were already waiting:
    // their deadline runs from when the batch's did.
    if (s->queue.empty()) {
      s->batch_start = absl::InfiniteFuture();
    } else if (!cut) {
      s->batch_start = absl::Now();
    }
    s->busy = true;
    space_cv_.SignalAll();
    mu_.Unlock();

    SendBatch(s, batch);  // may shrink `batch` (age limit, splits)

    mu_.Lock();
    s->busy = false;
    pending_ -= std::min(pending_, n);
    metrics_->samples_pending.Set(static_cast<double>(pending_));
    if (s->retired) {
      --old_inflight_;
      if (old_inflight_ == 0) {
        for (auto& sh : shards_) sh->cv.Signal();
      }
    }
    change_cv_.SignalAll();
  }
}

void QueueManager::AckBatch(absl::Span<const PendingSample> batch) {
  acks_->AckSamples(batch);
  if (on_ack_) on_ack_();
}

void QueueManager::MarkFailing(const http::SendResult& r) {
  if (failing_.load(std::memory_order_relaxed)) return;
  const std::string pending_now = absl::StrCat(pending());
  absl::MutexLock l(&log_mu_);
  if (failing_.exchange(true)) return;
  failing_since_ = absl::Now();
  log::Warn("remote write endpoint failing; samples stay in the WAL and are retried",
            {{"remote_name", config_.name},
             {"status", r.http_status == 0 ? std::string("no answer") : absl::StrCat(r.http_status)},
             {"err", r.detail},
             {"samples_pending", pending_now}});
  change_cv_.SignalAll();  // a Stop waiting for the flush gives up now
}

void QueueManager::MarkHealthy() {
  if (!failing_.load(std::memory_order_relaxed)) return;
  const std::string pending_now = absl::StrCat(pending());
  absl::MutexLock l(&log_mu_);
  if (!failing_.exchange(false)) return;
  log::Warn("remote write endpoint recovered",
            {{"remote_name", config_.name},
             {"failed_for", absl::FormatDuration(absl::Trunc(absl::Now() - failing_since_,
                                                             absl::Milliseconds(1)))},
             {"samples_pending", pending_now}});
}

void QueueManager::SendBatch(Shard* s, std::vector<PendingSample>& batch) {
  // Enough to isolate one refused sample: two requests per halving.
  int budget = 2;
  for (size_t n = batch.size(); n > 1; n = (n + 1) / 2) budget += 2;
  const bool may_split = absl::GetCurrentTimeNanos() >= split_off_until_.load();
  if (!may_split) budget = 0;
  const int full = budget;
  size_t delivered = 0;
  SendPart(s, batch, &budget, &delivered);
  if (budget < full && delivered == 0) {  // split, and nothing got through
    split_off_until_.store(absl::GetCurrentTimeNanos() + absl::ToInt64Nanoseconds(absl::Minutes(1)));
  }
}

bool QueueManager::SendPart(Shard* s, std::vector<PendingSample>& batch, int* budget,
                            size_t* delivered) {
  int attempt = 0;
  absl::Duration previous = absl::ZeroDuration();
  for (;;) {
    if (q_.sample_age_limit > absl::ZeroDuration()) {
      const int64_t min_t = absl::ToUnixMillis(absl::Now() - q_.sample_age_limit);
      auto old_end = std::stable_partition(batch.begin(), batch.end(),
                                           [min_t](const PendingSample& p) { return p.t < min_t; });
      const size_t dropped = static_cast<size_t>(old_end - batch.begin());
      if (dropped > 0) {
        metrics_->samples_dropped_total.Increment(static_cast<double>(dropped));
        AckBatch(absl::MakeConstSpan(batch.data(), dropped));
        batch.erase(batch.begin(), old_end);
      }
    }
    if (batch.empty()) return true;
    if (s->client == nullptr) return true;  // unreachable: Start validated the URL
    const std::string_view body = s->encoder.EncodeSamples(batch);
    const absl::Time begin = absl::Now();
    const http::SendResult r = s->client->Send(body, attempt);
    const absl::Duration took = absl::Now() - begin;
    metrics_->sent_batch_duration_seconds.Observe(absl::ToDoubleSeconds(took));
    out_nanos_.fetch_add(absl::ToInt64Nanoseconds(took), std::memory_order_relaxed);
    double exemplars = 0;
    for (const PendingSample& p : batch) exemplars += p.exemplar != nullptr;
    const double n = static_cast<double>(batch.size()) - exemplars;
    if (r.outcome == http::SendOutcome::kOk) {
      MarkHealthy();
      metrics_->samples_total.Increment(n);
      if (exemplars > 0) metrics_->exemplars_total.Increment(exemplars);
      metrics_->bytes_total.Increment(static_cast<double>(body.size()));
      int64_t max_t = 0;
      for (const PendingSample& p : batch) {
        if (p.exemplar == nullptr) max_t = std::max(max_t, p.t);
      }
      const double secs = static_cast<double>(max_t) / 1000.0;
      if (secs > metrics_->highest_sent_timestamp_seconds.Value()) {
        metrics_->highest_sent_timestamp_seconds.Set(secs);
      }
      out_count_.fetch_add(batch.size(), std::memory_order_relaxed);
      *delivered += batch.size();
      AckBatch(batch);
      return true;
    }
    if (r.outcome == http::SendOutcome::kDrop) {
      MarkHealthy();  // it answered
      if (r.http_status == 400 && batch.size() > 1 && *budget >= 2) {
        *budget -= 2;
        // In order: the first half's samples of a series precede the second's.
        std::vector<PendingSample> second(batch.begin() + static_cast<long>(batch.size() / 2),
                                          batch.end());
        batch.resize(batch.size() / 2);
        return SendPart(s, batch, budget, delivered) && SendPart(s, second, budget, delivered);
      }
      metrics_->samples_failed_total.Increment(n);
      if (exemplars > 0) metrics_->exemplars_failed_total.Increment(exemplars);
      {
        absl::MutexLock l(&log_mu_);
        if (absl::Now() - last_drop_log_ > absl::Minutes(1)) {  // no log floods
          last_drop_log_ = absl::Now();
          const std::string status = absl::StrCat(r.http_status);
          const std::string count = absl::StrCat(batch.size());
          log::Error("non-recoverable error sending samples, batch dropped",
                     {{"remote_name", config_.name}, {"status", status},
                      {"samples", count}, {"err", r.detail}});
        }
      }
      AckBatch(batch);
      return true;
    }
    // Recoverable.
    MarkFailing(r);
    if (hard_stop_.load()) return false;
    metrics_->samples_retried_total.Increment(n);
    if (exemplars > 0) metrics_->exemplars_retried_total.Increment(exemplars);
    ++attempt;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    absl::Duration wait = RetryDelay(q_, attempt, previous, unit(s->rng));
    if (r.http_status == 429 && r.retry_after) wait = std::max(wait, *r.retry_after);
    previous = wait;
    log::Debug("recoverable error sending samples, retrying",
               {{"remote_name", config_.name}, {"err", r.detail}});
    if (hard_stop_note_.WaitForNotificationWithTimeout(wait)) return false;
  }
}

void QueueManager::SetShards(int n) {
  n = std::clamp(n, 1, std::max(1, q_.max_shards));
  std::vector<std::unique_ptr<Shard>> fresh;
  {
    absl::MutexLock l(&mu_);
    if (stopped_ || !started_ || static_cast<int>(shards_.size()) == n) return;
  }
  for (int i = 0; i < n; ++i) fresh.push_back(NewShard());
  absl::MutexLock l(&mu_);
  if (stopped_) return;
  // Hand queued samples over in order: each old queue holds its series'
  // samples in order, and new samples are appended after them.
  for (auto& old : shards_) {
    for (size_t i = 0; i < old->queue.size(); ++i) {
      const PendingSample& p = old->queue[i];
      Shard* to = fresh[p.ref % fresh.size()].get();
      if (to->queue.empty()) to->batch_start = old->batch_start;
      to->queue.push_back(p);
    }
    old->queue.clear();
    old->refs.clear();
    old->next = 0;
    old->full = false;
    old->retired = true;
    old->exit = true;
    if (old->busy) ++old_inflight_;
    old->cv.Signal();
    retiring_.push_back(std::move(old));
  }
  shards_ = std::move(fresh);
  for (auto& s : shards_) {
    s->Grow(static_cast<size_t>(std::max(1, q_.max_samples_per_send)));
    Shard* sp = s.get();
    ++running_;
    sp->thread = std::thread([this, sp] { RunShard(sp); });
  }
  metrics_->shards.Set(n);
  space_cv_.SignalAll();
}

int QueueManager::shards() const {
  absl::MutexLock l(&mu_);
  return static_cast<int>(shards_.size());
}

size_t QueueManager::pending() const {
  absl::MutexLock l(&mu_);
  return pending_;
}

void QueueManager::ReapRetired(bool all) {
  std::vector<std::unique_ptr<Shard>> done;
  {
    absl::MutexLock l(&mu_);
    for (auto it = retiring_.begin(); it != retiring_.end();) {
      if (all || (*it)->done) {
        done.push_back(std::move(*it));
        it = retiring_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : done) {
    if (s->thread.joinable()) s->thread.join();
  }
}

void QueueManager::ReshardLoop() {
  constexpr absl::Duration kInterval = absl::Seconds(10);
  double in_rate = -1;
  while (!stop_reshard_.WaitForNotificationWithTimeout(kInterval)) {
    ReapRetired(false);
    const double in = static_cast<double>(in_count_.exchange(0)) / absl::ToDoubleSeconds(kInterval);
    const uint64_t out = out_count_.exchange(0);
    const double secs = static_cast<double>(out_nanos_.exchange(0)) / 1e9;
    in_rate = in_rate < 0 ? in : 0.2 * in + 0.8 * in_rate;  // EWMA, as Prometheus
    if (out == 0) continue;  // nothing sent: no basis for a decision
    const double per_sample = secs / static_cast<double>(out);
    // Keep up with ingestion and clear the backlog in about 10 s.
    const double backlog = static_cast<double>(pending()) / 10.0;
    int desired = static_cast<int>(std::ceil(per_sample * (in_rate + backlog)));
    desired = std::clamp(desired, std::max(1, q_.min_shards), std::max(1, q_.max_shards));
    metrics_->shards_desired.Set(desired);
    const int current = shards();
    if (desired > current * 13 / 10 || desired < current * 7 / 10) {
      log::Info("remote write resharding",
                {{"remote_name", config_.name}, {"from", absl::StrCat(current)},
                 {"to", absl::StrCat(desired)}});
      SetShards(desired);
    }
  }
}

size_t QueueManager::Stop(absl::Time deadline) {
  bool timed_out = false;
  size_t abandoned = 0;
  {
    absl::MutexLock l(&mu_);
    if (stopped_ && running_ == 0 && retiring_.empty() && shards_.empty()) return 0;
    stopped_ = true;
    flushing_ = true;
    for (auto& s : shards_) {
      s->exit = true;
      s->cv.Signal();
    }
    space_cv_.SignalAll();
    // An endpoint that is down gets no flush time: what it has not taken
    // is in the WAL and is sent after the restart.
    while (running_ > 0) {
      if (failing()) {
        timed_out = true;
        break;
      }
      const absl::Time step = std::min(deadline, absl::Now() + absl::Milliseconds(100));
      if (change_cv_.WaitWithDeadline(&mu_, step) && step == deadline) {
        timed_out = running_ > 0;
        break;
      }
    }
    if (timed_out) abandoned = pending_;
    if (timed_out && !hard_stop_.exchange(true)) {
      hard_stop_note_.Notify();
      for (auto& s : shards_) {
        if (s->client) s->client->Cancel();
        s->cv.Signal();
      }
      for (auto& s : retiring_) {
        if (s->client) s->client->Cancel();
        s->cv.Signal();
      }
    }
  }
  if (!stop_reshard_.HasBeenNotified()) stop_reshard_.Notify();
  if (reshard_thread_.joinable()) reshard_thread_.join();
  std::vector<std::unique_ptr<Shard>> all;
  {
    absl::MutexLock l(&mu_);
    for (auto& s : shards_) all.push_back(std::move(s));
    shards_.clear();
  }
  for (auto& s : all) {
    if (s->thread.joinable()) s->thread.join();
  }
  ReapRetired(true);
  return abandoned;
}

}  // namespace outpost::remote_write
