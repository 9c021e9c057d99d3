// LogsInstance's state and the reader thread's work, shared by its two
// files: instance.cc (lifecycle, reading, acknowledgements, positions) and
// file_tracking.cc (discovery, identity, rotation, truncation, letting go).
// Internal to logs/instance*.cc and file_tracking.cc.
#ifndef OUTPOST_LOGS_INSTANCE_IMPL_H_
#define OUTPOST_LOGS_INSTANCE_IMPL_H_

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "logs/dir_watch.h"
#include "logs/file_metrics.h"
#include "logs/file_reader.h"
#include "logs/file_target.h"
#include "logs/instance.h"
#include "logs/journal_target.h"
#include "logs/loki_client.h"
#include "logs/positions.h"
#include "logs/stages/pipeline.h"
#include "logs/stream_table.h"
#include "logs/token_bucket.h"

namespace outpost::logs {

// A rotated file is let go this long after it stopped growing (a writer
// may append to the old inode until it reopens its log).
inline constexpr absl::Duration kRotatedIdle = absl::Seconds(2);

struct LogsInstance::Impl {
  // One tailed file (one generation of its content).
  struct Tracked {
    uint64_t source = 0;
    size_t target = 0;
    std::unique_ptr<FileReader> reader;
    Stream stream;
    std::vector<int64_t> acked;  // per client; guarded by mu
    int64_t last_ts = 0;
    int64_t last_size = -1;
    bool moved = false;    // the path names another file, or nothing
    bool retired = false;  // truncated: this generation is done; only acks pending
    bool owns_path = true;  // its acks are written under reader->path()
    absl::Time idle_since = absl::InfinitePast();
    FileMetrics::PerFile metrics;
    std::string origin;  // moved out of the glob: the path it was tailed under
  };
  // A generation ended by copytruncate: a copy starting with these bytes
  // continues at `end`.
  struct Truncated {
    FileIdentity id;
    int64_t end = 0;
    Stream stream;
    size_t target = 0;
    absl::Time at;
  };
  InstanceOptions opts;
  config::LogsInstanceConfig& cfg = opts.config;
  std::unique_ptr<FileMetrics> metrics;
  std::unique_ptr<Positions> positions;
  std::vector<std::unique_ptr<LokiClient>> clients;
  std::vector<FileTarget> targets;
  size_t max_line = kDefaultMaxLineSize;
  std::vector<char> scratch;
  std::mutex mu;  // guards files (structure and acked), positions writes
  std::map<uint64_t, Tracked> files;
  uint64_t next_source = 1;
  std::vector<Truncated> truncated;
  std::map<std::string, absl::Time> pending_copies;  // path -> first seen
  std::vector<bool> rewind;  // per client; reader thread only
  bool at_open_limit = false;
  DirWatch watch;
  std::atomic<bool> stopping{false};
  bool stopped = false;
  std::thread thread;
  absl::Time next_sync = absl::InfinitePast();
  absl::Time next_durable = absl::InfinitePast();
  std::vector<size_t> resync;  // targets to re-glob at once (a rotation)

  // --- acknowledgements (sender threads) ---
  void OnDone(size_t client, const std::vector<EntrySource>& done);
  int64_t Acked(const Tracked& f) const;
  void PutPosition(const Tracked& f);
  bool positions_failing = false;
  void WritePositions(bool durable);

  // --- discovery (reader thread) ---
  Tracked* FindInode(uint64_t dev, uint64_t ino);

  // The positions file as it was at start: a new file's entry (keyed by
  // path) must not hide the entry of the file that had that path before a
  // rotation, until that one was looked up by its inode. With `path`: an
  // entry without identity (a Promtail file) for that path.
  std::vector<FilePosition> restored;
  std::optional<FilePosition> Restored(uint64_t dev, uint64_t ino, const std::string& path);
  Stream MakeStream(size_t target, const std::string& path);

  // Starts tailing `path` (matched by `target`) unless it is known. With
  // `rotated_from`: `path` is a file the glob matched under that name
  // before a rename (seen by the directory watch) that was never tailed: a
  // generation rotated away between two polls, read as a rotated file.
  void Consider(size_t target, const std::string& path, const std::string& rotated_from = "");

  // Whether a new file at `path` is a copytruncate copy: of a generation
  // already truncated (continue at its end, with its stream: true with
  // *stream set), of a live file not truncated yet (false: wait, up to two
  // sync periods), or of nothing (true, offset 0).
  // A copy being written (found by its directory event while cp runs) is
  // still a prefix of what it copies: it waits too, until it is whole.
  bool Copy(size_t target, const std::string& path, int fd, int64_t* offset,
            std::optional<Stream>* stream);

  // Whether the first `n` (< kFingerprintBytes) bytes of two files are equal.
  static bool SamePrefix(int a, int b, int64_t n);
  void SyncTarget(size_t t);
  bool Excluded(const FileTarget& t, const std::string& path) const;

  // Whether some target tails `path`.
  bool Matched(const std::string& path) const;

  // Files created in or renamed within the watched directories.
  void OnDirEvents(const std::vector<DirEvent>& events);
  void SyncAll();
  // At start, after the first SyncAll: files rotated out of their glob
  // before a stop or crash, found again by the origin their entry keeps,
  // are read on from their acknowledged position.
  void ResumeRotated();
  bool resumed = false;

  // --- journal targets (logs/journal_reading.cc) ---
  struct Journal {
    std::unique_ptr<JournalTarget> target;
    const config::LogsScrapeConfig* sc = nullptr;
    size_t scrape = 0;
    uint64_t source = 0;
    std::string key;  // positions: cursor-<job_name>
    // Guarded by mu: records read and not yet acknowledged by every
    // client (seq, cursor), and what each client acknowledged.
    std::deque<std::pair<int64_t, std::string>> inflight;
    std::vector<int64_t> acked;
    std::string acked_cursor;  // the last cursor written
  };
  std::unique_ptr<JournalMetrics> journal_metrics;
  std::map<uint64_t, Journal> journals;  // by source
  absl::Status StartJournals();
  // Reads what the journals have; true when one may have more.
  bool ReadJournals();
  // Under mu: acknowledgements of a journal source; false when `source`
  // is not a journal.
  bool JournalDone(size_t client, const EntrySource& done);
  // After a client gave a batch up: read again after the last
  // acknowledged cursor.
  void RewindJournal(Journal& j);

  // --- pipeline stages and delivery (reader thread) ---
  // One pipeline per scrape config (null: no stages), by FileTarget::scrape.
  std::vector<std::unique_ptr<stages::Pipeline>> pipelines;
  stages::Entry entry;  // reused for every line
  StreamTable streams;
  std::string tenant;     // scratch: an entry's __tenant_id__
  Labels tenant_labels;   // scratch: its labels without it
  // What a client could not take yet (kFull / kRewind), in order: reading
  // waits until it is delivered, so no line is processed twice by the
  // stages. `skip`: a dropped entry's range (LokiClient::Skip).
  struct Pending {
    stages::Entry entry;
    size_t next_client = 0;
    bool skip = false;
  };
  std::deque<Pending> pending;
  // Where the stages' output goes.
  class Sink final : public stages::Output {
   public:
    explicit Sink(Impl* im) : im_(im) {}
    void Emit(stages::Entry& e) override { im_->Deliver(e, false); }
    void Dropped(const stages::Entry& e) override { im_->Deliver(e, true); }

   private:
    Impl* im_;
  };
  Sink sink{this};
  // Hands `e` to every client from `first` on; false when one has no room
  // (its index in *stopped_at; kRewind flagged in `rewind`).
  bool PushAll(const stages::Entry& e, bool skip, size_t first, size_t* stopped_at);
  void Deliver(const stages::Entry& e, bool skip);
  // Delivers what waits; true when nothing waits any more.
  bool DrainPending();
  // Pipeline work due now (multiline's max_wait_time).
  void TickPipelines();

  // --- reading (reader thread) ---
  // limits_config.readline_rate / readline_burst: a token bucket over the
  // instance's lines (Promtail: one golang.org/x/time/rate limiter); unset
  // when the limit is off.
  std::optional<TokenBucket> readline_limit;
  bool TakeToken() { return !readline_limit || readline_limit->Allow(absl::Now()); }
  enum class Stop { kNo, kFull };

  // Reads what `f` has; kFull when a client has no room.
  Stop ReadFile(Tracked& f, bool final);
  void Rewind();

  // Rotation checks for one file; true when it may be read on.
  bool Check(Tracked& f);

  // copytruncate: this generation ends at what was read; the same inode
  // is read from 0 as a new generation.
  void Truncate(Tracked& f);
  void FollowRotated(Tracked& f);

  // Closes what is done: retired generations and rotated files read to
  // their end, idle and acknowledged; the oldest rotated files past the
  // per-target bound.
  void Reap();

  // One pass over every file; true when some file had more to read.
  bool Round();
  void Run();
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_INSTANCE_IMPL_H_
