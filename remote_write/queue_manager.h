// QueueManager: the sending side of one remote-write endpoint (the idea of
// Prometheus' storage/remote/queue_manager.go, with outpost's ordering and
// acknowledgement rules).
//
// - Shards: series ref % shards picks the shard, so the samples of a series
//   go through one queue, in order. Each shard has a queue of `capacity`
//   samples, its own thread, HTTP client (keep-alive connection) and
//   encoder. A batch is sent when it holds max_samples_per_send samples,
//   or batch_send_deadline after its oldest sample arrived. A batch holds
//   at most one sample of each series (the rest waits for the next one), so
//   re-sending a request whose answer a crash lost is accepted as
//   duplicates; it costs requests only while a backlog of several scrapes
//   of the same series drains.
// - Backpressure: Append blocks while the target shard is full (counted in
//   enqueue_retries_total); nothing is dropped to make room.
// - Retries: a batch is retried until it succeeds or is dropped for good
//   (4xx but 429; 429 when retry_on_http_429 is false); the shard sends
//   nothing else meanwhile, so per-series order holds. Waits start at
//   min_backoff, double up to max_backoff, carry <= 10% jitter and never
//   shrink between consecutive retries; a 429's Retry-After is honoured.
//   sample_age_limit drops samples older than the limit before each retry.
// - A 400 drops only what the receiver refuses: Prometheus rolls a whole
//   request back when one sample in it is refused (out of order, out of
//   bounds: storage/remote/write_handler.go), where Prometheus' own queue
//   drops the whole batch with it. A batch answered 400 is split in halves
//   and each half sent (recursively), within a budget of requests enough
//   to isolate one bad sample (2 per halving); only parts that are still
//   refused are dropped. When a split delivers nothing (the endpoint
//   refuses everything, e.g. a wrong tenant), splitting is off for a
//   minute.
// - Health: the first recoverable failure (no answer, 5xx, 429) after a
//   success is logged once at warn, with the pending count, and so is the
//   recovery, with how long it failed (failing()).
// - Acknowledgement: every sample delivered or dropped for good is acked to
//   the AckTracker (progress.h, AckSamples), then the on_ack callback runs
//   (the endpoint saves its progress there, before the shard sends its
//   next request); samples abandoned at a hard stop are not acked, so they
//   are sent again after a restart.
// - Resharding (SetShards, and a loop every 10 s when min_shards <
//   max_shards): queued samples are handed to the new shards in order, and
//   the new shards wait only for the batches in flight in the old ones; the
//   queues are not drained first.
//
// Thread-safety: all methods are thread-safe. Append is called by one
// watcher thread at a time.
#ifndef OUTPOST_REMOTE_WRITE_QUEUE_MANAGER_H_
#define OUTPOST_REMOTE_WRITE_QUEUE_MANAGER_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "core/config/config.h"
#include "core/http/auth.h"
#include "core/http/http_client.h"
#include "remote_write/encoder.h"
#include "remote_write/http_protocol.h"
#include "remote_write/metrics.h"
#include "remote_write/progress.h"

namespace outpost::remote_write {

class QueueManager {
 public:
  // `acks` and `metrics` are not owned and must outlive the manager.
  // `auth` (sigv4/oauth2, shared by all shard clients): nullptr makes
  // Start build it from the config (MakeRequestAuth); tests inject one
  // with a fixed clock.
  QueueManager(config::RemoteWriteConfig config, AckTracker* acks,
               EndpointMetrics* metrics, std::shared_ptr<http::RequestAuth> auth = nullptr);
  ~QueueManager();  // Stop(now) if still running.

  // The labels the shards' encoders merge into every series sent (the
  // endpoint's external labels, unless write_relabel_configs put them in
  // the series' own sets already). Before Start().
  void SetExternalLabels(Labels labels) { external_ = std::move(labels); }

  // Starts min_shards shards (and the resharding loop). Fails on a bad URL
  // or when sigv4 has no region or credentials.
  absl::Status Start();
  // The auth shared by the shards (after Start; may be nullptr).
  std::shared_ptr<http::RequestAuth> auth() const { return auth_; }

  // Called after every acknowledgement, from the shard thread, before it
  // sends anything else. Set before Start.
  void OnAck(std::function<void()> f) { on_ack_ = std::move(f); }

  // Enqueues in order; blocks while a target shard is full. Returns false
  // (the rest not enqueued) once Unblock() or Stop() was called.
  bool Append(absl::Span<const PendingSample> items);
  // Waits until nothing is queued or in flight; false once Unblock() or
  // Stop() was called.
  bool WaitIdle();
  // Makes a blocked and every later Append return false.
  void Unblock();

  // Sends what is queued until `deadline`, then abandons the rest
  // (unacked) and cancels requests in flight; at once when the endpoint is
  // failing (everything unsent is in the WAL already). Returns the number
  // of samples abandoned. Idempotent.
  size_t Stop(absl::Time deadline);

  // The last request ended in a recoverable failure (no success since).
  bool failing() const { return failing_.load(std::memory_order_relaxed); }

  // Changes the number of shards now (clamped to [1, max_shards]).
  void SetShards(int n);
  int shards() const;
  size_t pending() const;

 private:
  struct Shard;
  void RunShard(Shard* s);
  // Sends one batch with retries. Returns when it is done (acked) or the
  // manager is hard-stopped (not acked).
  void SendBatch(Shard* s, std::vector<PendingSample>& batch);
  // SendBatch's work on a part of the batch: false when hard-stopped.
  // `budget`: requests left for splitting; *delivered: samples taken.
  bool SendPart(Shard* s, std::vector<PendingSample>& part, int* budget, size_t* delivered);
  void AckBatch(absl::Span<const PendingSample> batch);
  void MarkFailing(const http::SendResult& r);
  void MarkHealthy();
  std::unique_ptr<Shard> NewShard();
  void ReshardLoop();
  // Joins retired shards whose thread has ended (all when `all`).
  void ReapRetired(bool all);

  const config::RemoteWriteConfig config_;
  const config::QueueConfig& q_;
  AckTracker* const acks_;
  EndpointMetrics* const metrics_;
  std::shared_ptr<http::RequestAuth> auth_;  // set before the shards start
  Labels external_;                          // the same

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Shard>> shards_ ABSL_GUARDED_BY(mu_);
  // Old shards finishing their in-flight batch after a reshard.
  std::vector<std::unique_ptr<Shard>> retiring_ ABSL_GUARDED_BY(mu_);
  int old_inflight_ ABSL_GUARDED_BY(mu_) = 0;  // in-flight batches of retiring shards
  int running_ ABSL_GUARDED_BY(mu_) = 0;       // live shard threads
  size_t pending_ ABSL_GUARDED_BY(mu_) = 0;    // queued + in flight
  bool unblocked_ ABSL_GUARDED_BY(mu_) = false;
  bool flushing_ ABSL_GUARDED_BY(mu_) = false;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  absl::CondVar space_cv_;   // an Append may proceed
  absl::CondVar change_cv_;  // shard threads exit / in-flight done

  std::atomic<bool> hard_stop_{false};
  absl::Notification hard_stop_note_;
  absl::Notification stop_reshard_;
  std::thread reshard_thread_;

  // Rates for resharding (samples in/out, send seconds) since last check.
  std::atomic<uint64_t> in_count_{0};
  std::atomic<uint64_t> out_count_{0};
  std::atomic<int64_t> out_nanos_{0};
  std::function<void()> on_ack_;
  std::atomic<bool> failing_{false};
  std::atomic<int64_t> split_off_until_{0};  // unix nanos
  absl::Mutex log_mu_;
  absl::Time last_drop_log_ ABSL_GUARDED_BY(log_mu_) = absl::InfinitePast();
  absl::Time failing_since_ ABSL_GUARDED_BY(log_mu_);
};

// The wait before retry number `attempt` (1 = first retry): min_backoff
// doubling to max_backoff, minus up to 10% jitter (`unit` in [0,1)), never
// below `previous`. Exposed for tests.
absl::Duration RetryDelay(const config::QueueConfig& q, int attempt,
                          absl::Duration previous, double unit);

}  // namespace outpost::remote_write

#endif  // OUTPOST_REMOTE_WRITE_QUEUE_MANAGER_H_
