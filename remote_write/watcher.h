// Watcher: tails one WAL directory for one endpoint (the job of Prometheus'
// tsdb/wlog/watcher.go, resuming from a saved position instead of "now").
//
// Start-up: reads the newest checkpoint (series, metadata), then the series
// and metadata of the segments before the start position, then everything
// from the start position on (samples of records ending at or before the
// start offset are skipped: they were acknowledged before). Data the WAL
// no longer holds (the start lies in or before the checkpoint, or before
// the oldest segment) is logged as lost; Prometheus never sends checkpoint
// samples either.
//
// Tailing: reads the last segment up to its end, then waits for Notify()
// (the storage calls it after each commit) or the poll interval (1 s
// fallback); when a newer segment appears, the current one is read to its
// end and the watcher moves on. A segment is re-read from the start of the
// page holding the last consumed record, so a record still being written
// (a torn tail) is simply picked up on the next pass.
//
// Series: ref -> labels with external labels added (a series' own label
// wins) and write_relabel_configs applied once per series; the encoded
// label bytes are cached for the encoder and never freed while the
// watcher lives (so queued samples may point at them). Samples of dropped
// or unknown series count as dropped. Every record consumed is registered
// with the AckTracker, so acknowledgement follows WAL order.
//
// Thread-safety: Start/Stop from the owner; Notify and Metadata from any
// thread.
#ifndef OUTPOST_REMOTE_WRITE_WATCHER_H_
#define OUTPOST_REMOTE_WRITE_WATCHER_H_

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/relabel/relabel.h"
#include "core/wal/records.h"
#include "remote_write/encoder.h"
#include "remote_write/metrics.h"
#include "remote_write/progress.h"
#include "remote_write/queue_manager.h"

namespace outpost::remote_write {

struct WatcherOptions {
  std::string wal_dir;
  // Where to resume; nullopt = from the oldest segment in the WAL.
  std::optional<Position> start;
  std::map<std::string, std::string> external_labels;
  std::vector<relabel::Config> write_relabel_configs;  // compiled
  absl::Duration poll_interval = absl::Seconds(1);
  std::string name;  // for logs
};

class Watcher {
 public:
  // Not owned; must outlive the watcher.
  Watcher(WatcherOptions options, QueueManager* queue, AckTracker* acks,
          EndpointMetrics* metrics);
  ~Watcher();  // Stop(false)

  void Start();
  // Wakes the watcher: new data was committed.
  void Notify();
  // drain: read up to the current end of the WAL first. Then the thread
  // ends. Idempotent.
  void Stop(bool drain);

  // Latest metadata per metric family, sorted by family.
  std::vector<MetadataEntry> Metadata() const;
  // Series in the cache (tests, memory estimates).
  size_t series() const;

 private:
  struct SeriesEntry {
    std::string label_bytes;
    std::string family;
    bool dropped = false;
  };
  void Run();
  // Reads segment `seg` from *consumed on; samples only from records ending
  // after `skip_until`. Returns false when the queue refused (stopping).
  bool ReadSegment(uint64_t seg, uint64_t* consumed, uint64_t skip_until);
  // Reads a whole directory (checkpoint or one old segment) for series and
  // metadata only.
  void ReadSeriesOnly(const std::string& dir, uint64_t first, uint64_t last);
  bool Process(std::string_view rec, Position end, bool samples);
  void StoreSeries(const wal::RefSeries& s);
  void StoreMetadata(const wal::RefMetadata& m);

  const WatcherOptions options_;
  QueueManager* const queue_;
  AckTracker* const acks_;
  EndpointMetrics* const metrics_;

  absl::flat_hash_map<uint64_t, std::unique_ptr<SeriesEntry>> series_;  // watcher thread
  std::atomic<size_t> series_count_{0};
  // Decode scratch, reused.
  std::vector<wal::RefSeries> dec_series_;
  std::vector<wal::RefSample> dec_samples_;
  std::vector<wal::RefMetadata> dec_meta_;
  std::vector<PendingSample> items_;
  int64_t highest_t_ = 0;

  mutable absl::Mutex meta_mu_;
  std::map<std::string, MetadataEntry> metadata_ ABSL_GUARDED_BY(meta_mu_);

  absl::Mutex mu_;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool drain_ ABSL_GUARDED_BY(mu_) = false;
  absl::CondVar cv_;
  std::thread thread_;
};

}  // namespace outpost::remote_write

#endif  // OUTPOST_REMOTE_WRITE_WATCHER_H_
