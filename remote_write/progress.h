// Progress of one endpoint through its WAL: what has been acknowledged,
// and the durable file that lets a restart resume there.
//
// AckTracker: the watcher registers every WAL record it consumes, in WAL
// order, with the number of samples it hands to the queue (Push returns
// the record's sequence number, carried by each sample). Shards call Ack
// when a sample is done: sent (2xx) or dropped for good (4xx, too old).
// acked() is the end of the longest prefix of records that are all done:
// every sample before it has been delivered or deliberately dropped, so a
// restart from there loses nothing.
//
// Done beyond the prefix: with several shards, or a record split across
// two requests, samples after acked() are delivered too. Sending one of
// them again after a restart is harmless only while it is still the
// newest sample of its series at the receiver; once a newer one arrived,
// Prometheus answers the whole request 400 "out of order sample" and rolls
// it back (storage/remote/write_handler.go, tsdb/head_append.go
// appendable). So AckSamples also keeps, for each series with a done
// sample past acked(), the newest done timestamp and the end of its
// record; the progress file holds them, and after a restart the watcher
// skips samples at or before them (IsDone). Entries are forgotten once
// acked() passes their record, so the table stays as small as the window
// of in-flight records (with one shard: part of one record).
//
// Progress files, text:
//   <segment> <offset>\n                 acked()
//   <ref> <t> <segment> <offset>\n       one line per done-beyond entry
//   end <seq> <crc32c>\n                 save number; CRC-32C (hex) of the
//                                        bytes before this line
// Two of them per endpoint: "<name>.progress", replaced atomically and
// fsynced (write "<path>.tmp", fsync, rename, fsync the directory) every few
// seconds, and "<name>.progress.live", overwritten in place with one
// pwrite after every acknowledged request (a rename each time costs ext4 a
// journal commit: replace-via-rename forces the data out). A crash of the
// process cannot tear a pwrite; a power loss can, and the CRC then makes
// the reader fall back to the fsynced file. The reader takes the valid
// file with the higher seq. A file without the end line is the format of
// earlier versions (seq 0; the live file must have it).
//
// Thread-safety: AckTracker is thread-safe. The file functions are
// stateless.
#ifndef OUTPOST_REMOTE_WRITE_PROGRESS_H_
#define OUTPOST_REMOTE_WRITE_PROGRESS_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "remote_write/encoder.h"

namespace outpost::remote_write {

// A WAL position: the byte offset in a segment just past the last record
// taken into account.
struct Position {
  uint64_t segment = 0;
  uint64_t offset = 0;
  friend bool operator==(const Position&, const Position&) = default;
  friend auto operator<=>(const Position&, const Position&) = default;
};

// A series whose samples up to `t` are done, in a record ending at `end`.
struct DoneSeries {
  uint64_t ref = 0;
  int64_t t = 0;
  Position end;
  friend bool operator==(const DoneSeries&, const DoneSeries&) = default;
};

// What a progress file holds.
struct Progress {
  Position acked;
  std::vector<DoneSeries> done;  // beyond `acked`
  uint64_t seq = 0;              // save number: the higher is newer
};

class AckTracker {
 public:
  // `start`: the position everything before which is already done.
  explicit AckTracker(Position start) : acked_(start) {}
  // With the done-beyond entries of a progress file.
  explicit AckTracker(const Progress& start);

  // Registers the next WAL record (ending at `end`) with `pending` samples
  // that will be acked one by one; returns its sequence number.
  uint64_t Push(Position end, uint64_t pending);
  // Moves the acknowledged position to `p` (also backwards), forgetting
  // nothing: only for the watcher's start, before its first Push.
  void Reset(Position p);
  // Marks the samples of `batch` done (each counts for its record `seq`)
  // and remembers the series of those left beyond the new acked().
  void AckSamples(absl::Span<const PendingSample> batch);
  // A sample of series `ref` at `t` was done before (a restart re-reads
  // it): at or before the newest done timestamp of its series.
  bool IsDone(uint64_t ref, int64_t t) const;
  // The end of the newest record holding a done-beyond sample given at
  // construction: past it, IsDone is false for every sample read.
  Position resend_horizon() const { return horizon_; }

  Position acked() const;
  // acked() and the done-beyond entries, for the progress file, with a
  // version that changes whenever they may have.
  Progress Snapshot(uint64_t* version);
  uint64_t version() const;
  // Records pushed but not completely acked (tests, metrics).
  size_t outstanding() const;

 private:
  struct Entry {
    Position end;
    uint64_t pending;
  };
  void AdvanceLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  struct Done {
    int64_t t;
    Position end;
  };
  // Keeps the newest done sample of series `ref` (constructor: no lock
  // needed yet; AckSamples: under mu_).
  void NoteDone(uint64_t ref, int64_t t, Position end) ABSL_NO_THREAD_SAFETY_ANALYSIS;

  mutable absl::Mutex mu_;
  std::deque<Entry> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t first_seq_ ABSL_GUARDED_BY(mu_) = 0;  // seq of entries_.front()
  Position acked_ ABSL_GUARDED_BY(mu_);
  // Done-beyond entries by series ref; pruned in Snapshot.
  absl::flat_hash_map<uint64_t, Done> done_ ABSL_GUARDED_BY(mu_);
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 0;
  Position horizon_;  // set at construction only
};

// Reads a progress file; nullopt when it does not exist. A malformed file
// is an error (the caller logs it and starts from the oldest segment).
absl::StatusOr<std::optional<Progress>> ReadProgress(const std::string& path);
// Reads "<path>" and "<path>.live" and returns the valid one with the
// higher seq; nullopt when neither exists. An error only when neither is
// valid (the error of the fsynced file).
absl::StatusOr<std::optional<Progress>> ReadProgressPair(const std::string& path);
// Writes `path` atomically; creates the parent directory if needed.
// `sync`: fsync the file before the rename and the directory after it
// (survives power loss; without, it survives a crash of the process).
absl::Status WriteProgress(const std::string& path, const Progress& p, bool sync = true);

// "<path>.live", overwritten in place (one pwrite) on every save.
class LiveProgressFile {
 public:
  explicit LiveProgressFile(std::string path) : path_(std::move(path)) {}
  ~LiveProgressFile();
  LiveProgressFile(const LiveProgressFile&) = delete;
  LiveProgressFile& operator=(const LiveProgressFile&) = delete;
  absl::Status Write(const Progress& p);

 private:
  const std::string path_;
  int fd_ = -1;
  std::string buf_;
};

// "<wal_dir>/remote_write/<name>.progress", with characters of `name`
// outside [A-Za-z0-9_.-] replaced by '_'.
std::string ProgressPath(const std::string& wal_dir, const std::string& name);

}  // namespace outpost::remote_write

#endif  // OUTPOST_REMOTE_WRITE_PROGRESS_H_
