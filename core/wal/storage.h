// Storage: the appender side of the WAL. Implements SampleSink
// (core/base/sink.h) on top of the log Writer/Reader (core/wal/writer.h,
// reader.h) and the record codecs (core/wal/records.h), the way Prometheus'
// agent mode does (tsdb/agent/db.go), plus Metadata records.
//
// Open(env, dir, options):
//   1. opens the Writer, which removes "*.tmp", repairs a torn or damaged
//      tail of the last segment (keeping every record before the damage)
//      and starts a new segment after the last segment/checkpoint;
//   2. replays the newest "checkpoint.NNNNNNNN", then the segments after
//      it: rebuilds labels -> ref (a label set logged under two refs keeps
//      the first; the second is an alias), the next ref, each series' last
//      timestamp and latest metadata. Damage found on the way is counted
//      (prometheus_tsdb_wal_corruptions_total) and logged, and the records
//      around it are still used; a segment or checkpoint that cannot be
//      read at all (I/O error) is renamed aside to "<name>.corrupt"
//      (quarantined, counted, logged) and replaced by an empty one so the
//      segment sequence stays whole. Open fails only when the directory
//      itself is unusable: never a crash loop.
//
// Appending: NewAppender() per collection round. Ref(labels) validates the
// labels (non-empty set; names non-empty, sorted, unique; empty values
// dropped) and returns the series' ref, creating it with the next ref if
// new (0 = rejected). Append() only pushes (ref, t, v) into the appender's
// reused buffer. Commit() takes the storage lock and, in order:
//   - drops samples whose timestamp is at or before the series' last one
//     (agent_wal_out_of_order_samples_total; like Prometheus' agent, a
//     staleness marker gets no exception) and samples of unknown refs;
//   - writes one record batch with Writer::AddRecords (whole or not at all
//     to a reader): a Series record for series not yet in the log, one
//     Samples record, an Exemplars record (type 4) when the round has
//     exemplars of known series, and a Metadata record (type 6) for series whose
//     metadata is new or changed;
//   - bumps the commit generation and notifies subscribers.
// Rollback() discards samples but still logs the Series records of the
// series it created (as Prometheus does), so refs handed out stay valid.
//
// Durability: Commit returns once the bytes are with the OS (survives
// kill -9, not power loss); Sync() fsyncs (group commit, call it on a
// timer); segment rotation and Close() fsync. See core/wal/writer.h.
//
// Steady state (refs cached by the caller) allocates nothing per sample and
// hashes no labels: Append is a vector push into a batch recycled across
// appenders, Commit does one integer-keyed lookup per sample and encodes
// into reused buffers (tests/bench/pipeline_bench.cc counts allocations).
//
// Truncation limits: Truncate(TruncateOptions) may pass the lowest segment
// a reader needs when max_wal_time or max_wal_size force it; the samples
// lost that way are counted per reason and logged (storage_limits.cc).
//
// Tailing: every successful commit increments generation(); a remote-write
// watcher calls WaitForCommit(seen, timeout) or registers a callback with
// Subscribe().
//
// Thread-safety: Storage is thread-safe; several appenders may be open at
// once (commits serialize). A SinkAppender is used by one thread at a time
// and must not outlive its Storage.
//
// Errors: a write error (a full disk included) is returned by Commit; the
// samples of that commit are dropped and counted
// (agent_wal_samples_dropped_total{reason="disk_full"|"write_error"},
// prometheus_tsdb_wal_writes_failed_total) and one error is logged when
// writes start failing. Every later Commit (and Truncate) first tries
// Writer::Recover(): the failed segment is cut back to its last whole
// record and writing goes on in a new segment, so the log stays readable
// by ours and Prometheus' readers; one warning says when writes resumed
// and how much was dropped meanwhile. Nothing is buffered in memory while
// the disk is full (as in Prometheus' agent, whose failed WAL write fails
// the commit). Like Prometheus, outpost does not put WAL state in
// /-/healthy: Prometheus' /-/healthy always answers 200 (web/web.go), it
// only says the process is up; the self-metrics above say the rest.
#ifndef OUTPOST_CORE_WAL_STORAGE_H_
#define OUTPOST_CORE_WAL_STORAGE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/base/sink.h"
#include "core/wal/env.h"
#include "core/wal/series_table.h"
#include "core/wal/storage_metrics.h"
#include "core/wal/writer.h"

namespace outpost::wal {

// Entries per Series, Samples or Metadata record a commit writes (a larger
// commit writes several records of each type, in the same order). Small
// enough that an endpoint's done-beyond table (remote_write/progress.h: the
// samples of its partly acknowledged records), which it saves after every
// request, stays at about one record.
inline constexpr size_t kMaxRecordEntries = 1024;

struct StorageOptions {
  uint64_t segment_size = kDefaultSegmentSize;  // multiple of kPageSize
  bool compress = true;                         // snappy
  // Receives a stats snapshot after every change (may be null; not owned,
  // must outlive the Storage). See storage_metrics.h.
  StorageMetrics* metrics = nullptr;
};

// What one Truncate() may do. The limits are outpost's answer to
// grafana/agent#409 (a remote write that never succeeds must not grow the
// WAL forever); they override the "lowest segment still needed" hook only:
//   - max_wal_time: a complete segment whose newest sample is older than
//     now_ms - max_wal_time (or that has no sample) is truncated, with
//     every older segment, even if a reader still needs it;
//   - max_wal_size: while the WAL directory (segments and checkpoints) is
//     larger than max_wal_size bytes, the oldest complete segments are
//     truncated; never the segment being written, so the directory can
//     stay above the limit by up to one segment plus the checkpoint.
// Forced segments are not subject to the two-thirds rule. Samples of a
// forced segment that a reader still needed are counted per reason
// (StorageStats::samples_dropped_*) and one warning per truncation logs
// the segments and the time range lost.
struct TruncateOptions {
  int64_t mint_ms = 0;  // series GC and checkpoint sample cutoff
  int64_t now_ms = 0;   // "now" for max_wal_time
  absl::Duration max_wal_time = absl::InfiniteDuration();  // infinite: none
  uint64_t max_wal_size = 0;                               // 0: unlimited
};

class Storage final : public SampleSink {
 public:
  static absl::StatusOr<std::unique_ptr<Storage>> Open(Env* env, std::string dir,
                                                       StorageOptions options);
  ~Storage() override;  // Close()s, ignoring errors.

  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  std::unique_ptr<SinkAppender> NewAppender() override;

  // fsyncs the current segment (group commit).
  absl::Status Sync();
  // Pads, fsyncs and closes the log; later commits fail. Idempotent.
  absl::Status Close();

  // Garbage-collects series with no sample at or after `mint_ms`, cuts a
  // segment and, when at least two segments are complete, writes
  // checkpoint.<last> over the lower two thirds of them (live series,
  // their latest metadata, samples at or after `mint_ms`), then deletes
  // those segments and older checkpoints (Prometheus agent's truncate).
  // Segments at or after SetLowestNeededSegment()'s answer are kept unless
  // a limit of `opts` forces them out (see TruncateOptions).
  // The series with the highest ref is always kept in the checkpoint, so
  // refs are never reused after a restart. Holds the storage lock
  // throughout (commits wait).
  absl::Status Truncate(const TruncateOptions& opts);
  // Truncate with no limits: the hook always wins.
  absl::Status Truncate(int64_t mint_ms) { return Truncate(TruncateOptions{.mint_ms = mint_ms}); }

  // The lowest segment some reader (a remote-write endpoint that has not
  // acknowledged it) still needs, or nullopt for none. Truncate() never
  // deletes it or later segments. Called with the storage lock held: must
  // not call back into the Storage.
  void SetLowestNeededSegment(std::function<std::optional<uint64_t>()> fn);

  // Commit notification. generation() increases by one per successful
  // commit. WaitForCommit blocks until generation() > seen or `timeout`
  // passes, and returns generation().
  uint64_t generation() const;
  uint64_t WaitForCommit(uint64_t seen, absl::Duration timeout) const;
  // Calls `fn` after every successful commit, on the committing thread,
  // outside the storage lock (under the notification lock); it must be
  // quick and must not commit, Subscribe or Unsubscribe.
  // Returns an id for Unsubscribe.
  int Subscribe(std::function<void()> fn);
  void Unsubscribe(int id);

  const std::string& dir() const { return dir_; }
  StorageStats stats() const;
  // Ref of `labels` if the storage has that series (tests, tools).
  uint64_t LookupRef(const Labels& labels) const;
  // Last timestamp of `ref`, or nullopt for an unknown ref.
  std::optional<int64_t> LastTimestamp(uint64_t ref) const;

 private:
  friend class StorageAppender;
  class CorruptionCounter;

  Storage(Env* env, std::string dir, StorageOptions options);

  // Open helpers (storage_replay.cc).
  struct ReplayScratch;
  absl::Status Replay();
  absl::StatusOr<std::unique_ptr<Writer>> OpenWriter(Reporter* reporter);
  void ReplayDir(const std::string& path, uint64_t first_segment, uint64_t end_segment,
                 Reporter* reporter, ReplayScratch& scratch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReplayRecord(std::string_view rec, uint64_t segment, ReplayScratch& scratch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Counts and logs gaps in the segment numbers of `segs` within
  // [first_segment, end_segment), and fills them with empty segments; a
  // checkpoint must also have segments, from 0 on.
  void CheckSequence(const std::string& path, const std::vector<uint64_t>& segs,
                     uint64_t first_segment, uint64_t end_segment, bool checkpoint)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Renames dir/name to dir/name.corrupt (.corrupt.N when taken); with `replace`, leaves an empty
  // file under the old name so the segment sequence stays whole.
  void Quarantine(const std::string& dir, const std::string& name, bool replace)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Bytes of the segments and checkpoints in dir_.
  uint64_t DirSize();

  // Truncation limits (storage_limits.cc). What is known about a segment's
  // samples; rebuilt by replay, kept by commits.
  struct SegmentInfo {
    uint64_t samples = 0;
    int64_t min_ts = std::numeric_limits<int64_t>::max();
    int64_t max_ts = std::numeric_limits<int64_t>::min();
  };
  // Which complete segments a truncation covers.
  struct TruncationPlan {
    uint64_t first = 0;  // oldest segment
    uint64_t last = 0;  // checkpoint.<last>; segments up to it are deleted
    // Segments from `needed` on were still needed by a reader (none when
    // nullopt); those before `time_end` are forced by max_wal_time, the
    // others by max_wal_size.
    std::optional<uint64_t> needed;
    uint64_t time_end = 0;
  };
  // Plans truncating the complete segments `segs` (the writer is at
  // `cur`): Prometheus' two thirds capped by the hook, raised by the limits
  // of `opts`. nullopt: nothing to do.
  std::optional<TruncationPlan> PlanTruncation(const TruncateOptions& opts,
                                               const std::vector<uint64_t>& segs, uint64_t cur)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // After `plan` was carried out: counts the samples the limits took from
  // needed segments, logs them once, forgets the deleted segments.
  void AccountTruncation(const TruncationPlan& plan) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A commit of `n` samples in [min_ts, max_ts] went to `segment`.
  void NoteSamples(uint64_t segment, uint64_t n, int64_t min_ts, int64_t max_ts)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Appender support (storage.cc). Returns 0 for rejected labels.
  uint64_t GetOrCreate(const Labels& labels, bool* needs_record);
  struct Batch;
  absl::Status CommitBatch(Batch& batch, bool rollback);
  // Appender batches are recycled so that a round's buffers keep their
  // capacity across appenders (no allocation per sample or per growth).
  std::unique_ptr<Batch> TakeBatch();
  void ReturnBatch(std::unique_ptr<Batch> batch);
  void PublishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A write of `samples` samples failed with `s`: counts them, enters the
  // failing state (logged once).
  void WriteFailedLocked(const absl::Status& s, uint64_t samples)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A write succeeded after failures: leaves the failing state (logged).
  void ResumedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Env* const env_;
  const std::string dir_;
  const StorageOptions options_;

  mutable absl::Mutex mu_;
  std::unique_ptr<Writer> writer_ ABSL_GUARDED_BY(mu_);
  SeriesTable series_ ABSL_GUARDED_BY(mu_);
  StorageStats stats_ ABSL_GUARDED_BY(mu_);
  // Bytes on disk minus the writer's bytes_written: their sum is the size.
  int64_t base_size_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status error_ ABSL_GUARDED_BY(mu_);      // the write failure in force
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::function<std::optional<uint64_t>()> lowest_needed_ ABSL_GUARDED_BY(mu_);
  // Series GC'd by Truncate, with the segment their record must outlive.
  absl::flat_hash_map<uint64_t, uint64_t> deleted_ ABSL_GUARDED_BY(mu_);
  absl::btree_map<uint64_t, SegmentInfo> segment_info_ ABSL_GUARDED_BY(mu_);
  // Commit scratch, reused.
  std::string series_buf_ ABSL_GUARDED_BY(mu_);
  std::string samples_buf_ ABSL_GUARDED_BY(mu_);
  std::vector<RefSample> record_samples_ ABSL_GUARDED_BY(mu_);  // one record's
  std::string meta_buf_ ABSL_GUARDED_BY(mu_);
  std::string exemplars_buf_ ABSL_GUARDED_BY(mu_);
  // The records of one commit: views into the buffers above, each of which
  // may hold several records back to back (at most kMaxRecordEntries
  // entries each).
  std::vector<std::string_view> records_ ABSL_GUARDED_BY(mu_);
  std::vector<size_t> record_ends_ ABSL_GUARDED_BY(mu_);  // scratch
  std::vector<RefMetadata> meta_scratch_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> logged_series_ ABSL_GUARDED_BY(mu_);  // refs in series_buf_
  // Write-failure state: error_ is set while writes fail.
  absl::Time failing_since_ ABSL_GUARDED_BY(mu_);
  uint64_t dropped_while_failing_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex pool_mu_;
  std::vector<std::unique_ptr<Batch>> spare_batches_ ABSL_GUARDED_BY(pool_mu_);

  mutable absl::Mutex notify_mu_;
  uint64_t generation_ ABSL_GUARDED_BY(notify_mu_) = 0;
  std::vector<std::pair<int, std::function<void()>>> subscribers_
      ABSL_GUARDED_BY(notify_mu_);
  int next_subscriber_ ABSL_GUARDED_BY(notify_mu_) = 0;
};

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_STORAGE_H_
