// LokiClient: one `clients[]` entry of a logs instance. Batches entries
// (one batch: the client's tenant_id) and POSTs them to Loki's push API on
// its own sender thread, as Promtail's client does (loki clients/pkg/
// promtail/client/client.go, batch.go; reference/logs.md §5):
//
// - body: snappy block of a PushRequest (push_encoder.h); Content-Type
//   application/x-protobuf, X-Scope-OrgID when tenant_id is set; auth, TLS,
//   proxy and headers through core/http's client.
// - a batch is sent when the next entry would push it over `batchsize`
//   (bytes of lines) or `batchwait` after its first entry: the sender sleeps
//   on a condition variable with that deadline (no ticker).
// - connection errors, 429 and 5xx are retried with backoff (min_period
//   doubling up to max_period; a longer Retry-After wins); max_retries
//   attempts in all, as dskit's backoff counts them (0: forever). Then the
//   batch is given up (promtail_dropped_*{reason="rate_limited"} when the
//   last answer was 429, else "ingester_error"), the batch being built is
//   discarded too, and Push answers kRewind until TakeRewind(): the caller
//   re-reads those lines from its files (unlike Promtail, nothing is lost).
// - drop_rate_limited_batches: a 429 drops the batch at once. Other 4xx:
//   dropped. Both are counted and reported through on_done (their lines are
//   not read again).
// - limits_config: max_line_size (256 KiB when 0) drops ("line_too_long")
//   or, with max_line_size_truncate, cuts (promtail_mutated_*); max_streams
//   per batch: entries of further streams are dropped ("stream_limited").
//   Dropped entries still count as done for their source.
// - memory: the batch being built and the one in flight (Push answers kFull
//   when both are taken), so memory is flat during an outage.
// - one log line per state change: endpoint failing / recovered, answers
//   rejected / accepted again, a batch given up.
//
// Thread-safety: Push and TakeRewind from one reader thread; Idle and Stop
// from any thread. Hooks run on the sender thread without the client's lock.
#ifndef OUTPOST_LOGS_LOKI_CLIENT_H_
#define OUTPOST_LOGS_LOKI_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/base/labels.h"
#include "core/config/logs_config.h"
#include "core/http/http_client.h"
#include "logs/client_metrics.h"
#include "logs/entry_source.h"
#include "logs/push_encoder.h"
#include "prometheus/registry.h"

namespace outpost::logs {

// Loki's push protocol for core/http: Content-Type, X-Scope-OrgID when
// `tenant_id` is set; those and User-Agent cannot be overridden by
// `headers` (Promtail client.go send); 429 is retried.
http::HttpProtocol LokiProtocol(const std::string& tenant_id);

class LokiClient {
 public:
  struct Hooks {
    // On the sender thread, once per finished batch, in send order: the
    // batch was acknowledged (2xx) or dropped for good by a non-retryable
    // answer (4xx other than 429; counted): for each source in it, the
    // `end` of its last entry (per source entries are in order).
    std::function<void(const std::vector<EntrySource>& done)> on_done;
  };

  static absl::StatusOr<std::unique_ptr<LokiClient>> Create(
      const config::LokiClientConfig& cfg, const config::LogsLimitsConfig& limits,
      const std::string& logs_config /* instance name, the logs_config label */,
      prometheus::Registry& registry, Hooks hooks);
  ~LokiClient();
  LokiClient(const LokiClient&) = delete;
  LokiClient& operator=(const LokiClient&) = delete;

  enum class PushResult { kOk, kFull, kRewind };
  // Adds one entry (called from one reader thread). kFull: no room
  // (back-pressure: the caller keeps the line unread and tries again
  // later); also after Stop. kRewind: a batch was given up after
  // max_retries; nothing is accepted until TakeRewind().
  // `metadata`: structured metadata (null: none). `tenant`: the entry's
  // tenant (a `tenant` stage); empty: the client's tenant_id. One batch
  // holds one tenant (its X-Scope-OrgID): an entry of another tenant sends
  // the batch being built first (kFull while the previous one is in flight).
  PushResult Push(const Stream& stream, int64_t ts_ns, std::string_view line,
                  const EntrySource& src, const Labels* metadata = nullptr,
                  std::string_view tenant = {});
  // An entry of `src` that is not sent (a pipeline stage dropped it): its
  // range joins the batch being built, so that the batch's acknowledgement
  // (on_done) covers it in order. kFull / kRewind as Push.
  PushResult Skip(const EntrySource& src);
  // After kRewind: per source, the smallest `start` (and largest `end`) of
  // every entry the client discarded (the given-up batch and the one being
  // built, both dropped from memory and counted in
  // promtail_dropped_entries_total), so the caller re-reads them from the
  // file; clears the state.
  std::vector<EntrySource> TakeRewind();
  // Sends what is batched now and waits up to `deadline` for it (graceful
  // stop), then stops the thread (a send in progress is cancelled; its lines
  // are not reported done).
  void Stop(absl::Duration deadline);
  bool Idle() const;  // nothing batched or in flight

 private:
  struct Batch {
    PushEncoder enc;
    uint64_t bytes = 0;  // bytes of lines
    absl::Time created;
    bool full = false;
    std::string tenant;  // from a tenant stage; empty: the client's tenant_id
    std::vector<EntrySource> sources;  // per source: min start, max end
    absl::flat_hash_map<uint64_t, size_t> source_index;
    size_t last_source = 0;
    bool empty() const { return sources.empty(); }
    void Note(const EntrySource& s);
    void Clear(size_t keep_bytes);
  };
  enum class Outcome { kDone, kGiveUp, kStopped };

  LokiClient(const config::LokiClientConfig& cfg, const config::LogsLimitsConfig& limits,
             std::unique_ptr<http::HttpClient> http, std::unique_ptr<ClientMetrics> metrics,
             Hooks hooks);
  const std::string& LabelsOf(const Stream& stream);  // cached, external labels merged
  void HandOver() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The batch being built, its batchwait started by a first entry.
  Batch& Building() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Run();
  Outcome Send(Batch& batch, DropReason* give_up_reason);
  void GiveUp(DropReason reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const config::LokiClientConfig cfg_;
  const uint64_t max_line_size_;
  const bool truncate_;
  const int max_streams_;
  Labels external_;
  std::unique_ptr<http::HttpClient> http_;
  std::unique_ptr<ClientMetrics> metrics_;
  Hooks hooks_;

  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  std::unique_ptr<Batch> building_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<Batch> sending_;  // owned by the sender while sending_busy_
  bool sending_busy_ ABSL_GUARDED_BY(mu_) = false;
  bool rewind_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<EntrySource> rewind_sources_ ABSL_GUARDED_BY(mu_);
  bool flushing_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // The reader thread's (Push) cache of label strings per Stream.id.
  absl::flat_hash_map<uint64_t, std::string> label_cache_;

  // Sender thread state.
  std::string proto_, body_;
  bool failing_ = false;    // retryable errors since the last success
  bool rejecting_ = false;  // 4xx drops since the last success
  std::thread thread_;
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_LOKI_CLIENT_H_
