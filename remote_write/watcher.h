// Watcher: tails one WAL directory for one endpoint (the job of Prometheus'
// tsdb/wlog/watcher.go, resuming from a saved position instead of "now").
//
// Start-up: reads the newest checkpoint (series, metadata), then the series
// and metadata of the segments before the start position, then everything
// from the start position on (samples of records ending at or before the
// start offset are skipped: they were acknowledged before; so are those
// the AckTracker knows were done beyond it, up to its resend horizon,
// and samples past the horizon wait until the re-sent ones were answered). Data the WAL
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
// Exemplars (when send_exemplars): each exemplar of a known, kept series is
// queued with the series like a sample and sent in its TimeSeries.
//
// Series: ref -> labels. Without write_relabel_configs an entry holds the
// interned LabelSet the WAL's series table holds too (the record's bytes
// are looked up in the process' LabelStore, core/base/label_set.h: one
// copy of the labels per process, issue 23) and the encoder merges the
// external labels in (a series' own label wins); with them, external
// labels are added and the rules applied once per series, and the result
// is interned. Samples of dropped or unknown
// series count as dropped. Every record consumed is registered with the
// AckTracker, so acknowledgement follows WAL order.
//
// Series garbage collection (Prometheus' watcher: garbageCollectSeries +
// SeriesReset): when the watcher has moved past a newer checkpoint N
// (N < current segment; checked on each segment change and at most every
// poll interval when idle), it reads N's series and forgets every cached
// series whose last Series record was in a segment <= N and that N no
// longer holds (the storage garbage-collected it). A forgotten entry is
// freed only once every sample handed to the queue before is acknowledged
// (queued samples point at its label bytes). Counted in
// agent_remote_write_series_collected_total.
//
// Forced truncation (max_wal_time / max_wal_size) may delete segments the
// watcher has not read: when the next segment is not the one after the
// current, the segments in between (and the current one if it vanished
// before it was opened) are logged and counted in
// agent_remote_write_wal_segments_lost_total, the checkpoint that covers
// them is read for series, and the watcher goes on with the first
// remaining segment.
//
// Thread-safety: Start/Stop from the owner; Notify and Metadata from any
// thread.
#ifndef OUTPOST_REMOTE_WRITE_WATCHER_H_
#define OUTPOST_REMOTE_WRITE_WATCHER_H_

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
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
  // Exemplar records (type 4) are sent with their series (send_exemplars).
  bool send_exemplars = true;
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
  // The end of the last record read (after Stop).
  Position read_to() const { return last_pushed_; }

 private:
  // 16 bytes: with its key, one 24-byte node, a 32-byte allocation (issue
  // 23: memory per series). The external labels are the encoder's, the
  // family is read from the labels when metadata comes.
  struct SeriesEntry {
    SeriesLabels labels;  // empty when dropped
    // Of its newest Series record (checkpoint: index); 32 bits as in the
    // storage's series table (core/wal/series_table.h).
    uint32_t segment = 0;
    uint32_t mark = 0;  // gc_epoch_ of the last checkpoint holding it
    bool dropped() const { return !labels.set; }
  };
  static_assert(sizeof(SeriesEntry) == 16);
  // Node storage: PendingSample points at an entry's labels until acked.
  using SeriesMap = absl::node_hash_map<uint64_t, SeriesEntry>;
  void Run();
  // Reads segment `seg` from *consumed on; samples only from records ending
  // after `skip_until`. Returns false when the queue refused (stopping).
  // *missing: the segment file does not exist.
  bool ReadSegment(uint64_t seg, uint64_t* consumed, uint64_t skip_until,
                   bool* missing = nullptr);
  // Reads a whole directory (checkpoint or one old segment) for series and
  // metadata only. `checkpoint`: the index of the checkpoint `dir` is.
  void ReadSeriesOnly(const std::string& dir, uint64_t first, uint64_t last,
                      std::optional<uint64_t> checkpoint = std::nullopt);
  // Reads the newest checkpoint if it is newer than the last one read and
  // older than segment `cur`, and forgets the series it no longer holds.
  void CollectSeries(uint64_t cur);
  // Frees forgotten entries whose samples are all acknowledged.
  void FreeRetired();
  bool Process(std::string_view rec, Position end, bool samples);
  void StoreSeries(const wal::RawSeries& s);
  void StoreMetadata(const wal::RefMetadata& m);

  const WatcherOptions options_;
  QueueManager* const queue_;
  AckTracker* const acks_;
  EndpointMetrics* const metrics_;

  SeriesMap series_;  // watcher thread
  std::atomic<size_t> series_count_{0};
  // Decode scratch, reused.
  std::vector<wal::RawSeries> dec_series_;
  std::string canonical_;  // a Series record's label set re-encoded
  const Labels external_;  // options_.external_labels, sorted
  std::vector<wal::RefSample> dec_samples_;
  std::vector<wal::RefMetadata> dec_meta_;
  std::vector<wal::RefExemplar> dec_exemplars_;
  // Encoded labels of exemplars handed to the queue, by the end of their
  // record; freed once acked() reaches it.
  std::deque<std::pair<Position, std::string>> exemplar_bytes_;
  std::vector<PendingSample> items_;
  int64_t highest_t_ = 0;
  uint64_t store_segment_ = 0;  // segment (or checkpoint) being read
  bool in_checkpoint_ = false;
  uint32_t gc_epoch_ = 0;
  std::optional<uint64_t> checkpoint_read_;  // newest checkpoint read
  absl::Time last_gc_check_ = absl::InfinitePast();
  Position last_pushed_;  // end of the last record handed to the AckTracker
  // Samples re-read after a restart: skipped as done before, sent again.
  uint64_t skipped_ = 0;
  uint64_t resent_ = 0;
  bool resend_over_ = false;  // read past AckTracker::resend_horizon()
  // Forgotten entries, freed once acked() reaches the position.
  std::vector<std::pair<Position, std::vector<SeriesMap::node_type>>> retired_;

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
