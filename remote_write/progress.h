// Progress of one endpoint through its WAL: what has been acknowledged,
// and the durable file that lets a restart resume there.
//
// AckTracker: the watcher registers every WAL record it consumes, in WAL
// order, with the number of samples it hands to the queue (Push returns
// the record's sequence number, carried by each sample). Shards call Ack
// when a sample is done: sent (2xx) or dropped for good (4xx, too old).
// acked() is the end of the longest prefix of records that are all done:
// every sample before it has been delivered or deliberately dropped, so a
// restart from there loses nothing (samples after it may be resent).
//
// Progress file: "<segment> <offset>\n" in `path`, replaced atomically
// (write "<path>.tmp", fsync, rename, fsync the directory).
//
// Thread-safety: AckTracker is thread-safe. The file functions are
// stateless.
#ifndef OUTPOST_REMOTE_WRITE_PROGRESS_H_
#define OUTPOST_REMOTE_WRITE_PROGRESS_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace outpost::remote_write {

// A WAL position: the byte offset in a segment just past the last record
// taken into account.
struct Position {
  uint64_t segment = 0;
  uint64_t offset = 0;
  friend bool operator==(const Position&, const Position&) = default;
  friend auto operator<=>(const Position&, const Position&) = default;
};

class AckTracker {
 public:
  // `start`: the position everything before which is already done.
  explicit AckTracker(Position start) : acked_(start) {}

  // Registers the next WAL record (ending at `end`) with `pending` samples
  // that will be acked one by one; returns its sequence number.
  uint64_t Push(Position end, uint64_t pending);
  // Moves the acknowledged position to `p` (also backwards), forgetting
  // nothing: only for the watcher's start, before its first Push.
  void Reset(Position p);
  // Marks `n` samples of record `seq` done.
  void Ack(uint64_t seq, uint64_t n);

  Position acked() const;
  // Records pushed but not completely acked (tests, metrics).
  size_t outstanding() const;

 private:
  struct Entry {
    Position end;
    uint64_t pending;
  };
  void AdvanceLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::deque<Entry> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t first_seq_ ABSL_GUARDED_BY(mu_) = 0;  // seq of entries_.front()
  Position acked_ ABSL_GUARDED_BY(mu_);
};

// Reads a progress file; nullopt when it does not exist. A malformed file
// is an error (the caller logs it and starts from the oldest segment).
absl::StatusOr<std::optional<Position>> ReadProgress(const std::string& path);
// Writes it atomically; creates the parent directory if needed.
absl::Status WriteProgress(const std::string& path, Position p);

// "<wal_dir>/remote_write/<name>.progress", with characters of `name`
// outside [A-Za-z0-9_.-] replaced by '_'.
std::string ProgressPath(const std::string& wal_dir, const std::string& name);

}  // namespace outpost::remote_write

#endif  // OUTPOST_REMOTE_WRITE_PROGRESS_H_
