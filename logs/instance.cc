#include "logs/instance.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "logs/dir_watch.h"
#include "logs/file_metrics.h"
#include "logs/file_reader.h"
#include "logs/file_target.h"
#include "logs/glob.h"
#include "logs/loki_client.h"
#include "logs/positions.h"

namespace outpost::logs {
namespace {

std::atomic<uint64_t> next_stream_id{1};

// A rotated file is let go this long after it stopped growing (a writer
// may append to the old inode until it reopens its log).
constexpr absl::Duration kRotatedIdle = absl::Seconds(2);

int64_t NowNs() { return absl::ToUnixNanos(absl::Now()); }

// The name `ino` has now in `dir` (after a rename), or "".
std::string FindByInode(const std::string& dir, uint64_t dev, uint64_t ino) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return "";
  std::string found;
  while (dirent* e = readdir(d)) {
    if (e->d_ino != ino) continue;
    std::string p = absl::StrCat(dir, "/", e->d_name);
    struct stat st;
    if (stat(p.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == dev &&
        static_cast<uint64_t>(st.st_ino) == ino && S_ISREG(st.st_mode)) {
      found = std::move(p);
      break;
    }
  }
  closedir(d);
  return found;
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

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
  void OnDone(size_t client, const std::vector<EntrySource>& done) {
    std::lock_guard<std::mutex> lock(mu);
    bool changed = false;
    for (const EntrySource& d : done) {
      auto it = files.find(d.source);
      if (it == files.end()) continue;
      Tracked& f = it->second;
      f.acked[client] = std::max(f.acked[client], d.end);
      if (f.owns_path && !f.retired) {
        PutPosition(f);
        changed = true;
      }
    }
    // Written (not fsynced) after each acknowledged batch: a kill -9 re-sends
    // at most the batches in flight (Promtail re-sends up to 10 s of lines).
    if (changed) WritePositions(false);
    // The client has room again: a reader waiting for it reads on now.
    watch.Wake();
  }

  int64_t Acked(const Tracked& f) const {
    return *std::min_element(f.acked.begin(), f.acked.end());
  }

  void PutPosition(const Tracked& f) {
    FilePosition p;
    p.path = f.reader->path();
    p.offset = Acked(f);
    p.id = f.reader->id();
    positions->Put(p);
  }

  bool positions_failing = false;
  void WritePositions(bool durable) {
    absl::Status st = positions->Write(durable);
    if (!st.ok() && !positions_failing) {
      log::Error("logs: cannot write the positions file", {{"logs_config", cfg.name},
                                                           {"err", ToStd(st.message())}});
    } else if (st.ok() && positions_failing) {
      log::Info("logs: positions file written again", {{"logs_config", cfg.name}});
    }
    positions_failing = !st.ok();
  }

  // --- discovery (reader thread) ---
  Tracked* FindInode(uint64_t dev, uint64_t ino) {
    for (auto& [source, f] : files) {
      if (!f.retired && f.reader->id().dev == dev && f.reader->id().ino == ino) return &f;
    }
    return nullptr;
  }

  // The positions file as it was at start: a new file's entry (keyed by
  // path) must not hide the entry of the file that had that path before a
  // rotation, until that one was looked up by its inode. With `path`: an
  // entry without identity (a Promtail file) for that path.
  std::vector<FilePosition> restored;
  std::optional<FilePosition> Restored(uint64_t dev, uint64_t ino, const std::string& path) {
    for (auto it = restored.begin(); it != restored.end(); ++it) {
      const bool hit = path.empty() ? (it->id && it->id->dev == dev && it->id->ino == ino)
                                    : (!it->id && it->path == path);
      if (!hit) continue;
      FilePosition p = *it;
      restored.erase(it);
      return p;
    }
    return std::nullopt;
  }

  Stream MakeStream(size_t target, const std::string& path) {
    Stream s;
    s.id = next_stream_id.fetch_add(1);
    s.labels = targets[target].labels;
    s.labels.Set("filename", path);
    return s;
  }

  // Starts tailing `path` (matched by `target`) unless it is known. With
  // `rotated_from`: `path` is a file the glob matched under that name
  // before a rename (seen by the directory watch) that was never tailed: a
  // generation rotated away between two polls, read as a rotated file.
  void Consider(size_t target, const std::string& path, const std::string& rotated_from = "") {
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    const uint64_t dev = st.st_dev, ino = st.st_ino;
    std::lock_guard<std::mutex> lock(mu);
    if (Tracked* f = FindInode(dev, ino); f != nullptr) {
      if (f->reader->path() != path && f->moved && rotated_from.empty()) {
        // A rotated file the glob matches under its new name: tailed on
        // as any matched file (never read again from 0: loki#2353).
        f->reader->set_path(path);
        f->owns_path = true;
        f->moved = false;
        PutPosition(*f);
      }
      return;
    }
    if (files.size() >= kMaxOpenFiles) {
      if (!at_open_limit) {
        log::Warn("logs: too many files open, not tailing more until some are closed",
                  {{"logs_config", cfg.name}, {"limit", absl::StrCat(kMaxOpenFiles)},
                   {"path", path}});
      }
      at_open_limit = true;
      return;
    }
    at_open_limit = false;
    absl::StatusOr<std::unique_ptr<FileReader>> r = FileReader::Open(path, 0);
    if (!r.ok()) {
      log::Warn("logs: cannot open file", {{"logs_config", cfg.name}, {"path", path},
                                           {"err", ToStd(r.status().message())}});
      return;
    }
    std::unique_ptr<FileReader> reader = *std::move(r);
    int64_t size = reader->Size().value_or(0);
    int64_t offset = 0;
    std::optional<Stream> stream;
    const char* how = "new file, reading from the start";
    if (std::optional<FilePosition> p = Restored(dev, ino, "");
        p && p->id && (p->id->fp_len == 0 || FileReader::HasFingerprint(reader->fd(), *p->id))) {
      offset = std::min(p->offset, size);
      how = "resuming at its acknowledged position";
    } else if (std::optional<FilePosition> q = Restored(0, 0, path)) {
      // A Promtail / Grafana Agent positions file: path only. Promtail
      // starts over when the saved offset is past the end (tailer.go).
      offset = q->offset <= size ? q->offset : 0;
      how = "resuming at the position of a Promtail positions file";
    } else if (!rotated_from.empty()) {
      how = "rotated before it was seen, reading from the start";
    } else if (!Copy(target, path, reader->fd(), &offset, &stream)) {
      return;  // a copy of a live file: decided once that file is truncated
    } else if (stream) {
      how = "copy of a truncated file, continuing where reading stopped";
    }
    reader->Seek(offset);
    Tracked f;
    f.source = next_source++;
    f.target = target;
    f.stream = stream ? *stream : MakeStream(target, rotated_from.empty() ? path : rotated_from);
    f.moved = !rotated_from.empty();
    f.acked.assign(clients.size(), offset);
    f.reader = std::move(reader);
    f.metrics = metrics->ForFile(path);
    log::Info("logs: tailing file", {{"logs_config", cfg.name}, {"path", path},
                                     {"offset", absl::StrCat(offset)}, {"how", how}});
    PutPosition(f);
    files.emplace(f.source, std::move(f));
    metrics->files_active.Set(static_cast<double>(files.size()));
  }

  // Whether a new file at `path` is a copytruncate copy: of a generation
  // already truncated (continue at its end, with its stream: true with
  // *stream set), of a live file not truncated yet (false: wait, up to two
  // sync periods), or of nothing (true, offset 0).
  // A copy being written (found by its directory event while cp runs) is
  // still a prefix of what it copies: it waits too, until it is whole.
  bool Copy(size_t target, const std::string& path, int fd, int64_t* offset,
            std::optional<Stream>* stream) {
    struct stat st;
    const int64_t size = fstat(fd, &st) == 0 ? st.st_size : 0;
    bool maybe = false;  // a copy, or a copy in progress
    for (auto it = truncated.begin(); it != truncated.end(); ++it) {
      if (FileReader::HasFingerprint(fd, it->id)) {
        *offset = it->end;
        *stream = it->stream;
        truncated.erase(it);
        pending_copies.erase(path);
        return true;
      }
      if (it->target == target && size < it->id.fp_len) maybe = true;
    }
    for (auto& [source, f] : files) {
      if (f.retired || f.target != target) continue;
      // Same first bytes as a live file (fingerprinted or not yet): a copy
      // made before that file's truncation, or being made.
      struct stat live;
      const int64_t live_size = fstat(f.reader->fd(), &live) == 0 ? live.st_size : 0;
      const int64_t n = std::min<int64_t>({size, live_size, kFingerprintBytes});
      if (size == 0 || FileReader::HasFingerprint(fd, f.reader->id()) ||
          (n > 0 && SamePrefix(fd, f.reader->fd(), n))) {
        maybe = true;
      }
    }
    if (maybe) {
      const absl::Time now = absl::Now();
      auto [pc, inserted] = pending_copies.emplace(path, now);
      if (now - pc->second < 2 * cfg.target_sync_period) {
        resync.push_back(target);
        return false;
      }
      // Never truncated: an independent file that starts alike.
    }
    pending_copies.erase(path);
    return true;
  }

  // Whether the first `n` (< kFingerprintBytes) bytes of two files are equal.
  static bool SamePrefix(int a, int b, int64_t n) {
    if (n <= 0) return true;
    char x[kFingerprintBytes], y[kFingerprintBytes];
    return pread(a, x, n, 0) == n && pread(b, y, n, 0) == n && memcmp(x, y, n) == 0;
  }

  void SyncTarget(size_t t) {
    const FileTarget& target = targets[t];
    for (const std::string& path : GlobFiles(target.path_glob, opts.cwd)) {
      if (!Excluded(target, path)) Consider(t, path);
    }
  }

  bool Excluded(const FileTarget& t, const std::string& path) const {
    return !t.exclude_glob.empty() && GlobMatch(t.exclude_glob, path);
  }

  // Whether some target tails `path`.
  bool Matched(const std::string& path) const {
    return std::any_of(targets.begin(), targets.end(), [&](const FileTarget& t) {
      return GlobMatch(t.path_glob, path) && !Excluded(t, path);
    });
  }

  // Files created in or renamed within the watched directories.
  void OnDirEvents(const std::vector<DirEvent>& events) {
    for (const DirEvent& ev : events) {
      for (size_t t = 0; t < targets.size(); ++t) {
        const FileTarget& target = targets[t];
        if (GlobMatch(target.path_glob, ev.path) && !Excluded(target, ev.path)) {
          Consider(t, ev.path);
        } else if (!ev.from_path.empty() && GlobMatch(target.path_glob, ev.from_path) &&
                   !Excluded(target, ev.from_path)) {
          Consider(t, ev.path, ev.from_path);
        }
      }
    }
  }

  void SyncAll() {
    for (size_t t = 0; t < targets.size(); ++t) {
      // The glob's directory, when it has no meta characters, is watched.
      const std::string dir = DirOf(targets[t].path_glob);
      if (dir.find_first_of("*?[{\\") == std::string::npos && !watch.watching(dir)) {
        watch.Watch(dir);
      }
      SyncTarget(t);
    }
    // Entries of paths that are gone and not tailed any more (Promtail's
    // positions cleanup).
    std::lock_guard<std::mutex> lock(mu);
    for (const FilePosition& p : positions->All()) {
      struct stat st;
      if (stat(p.path.c_str(), &st) == 0) continue;
      const bool tailed = std::any_of(files.begin(), files.end(), [&](const auto& f) {
        return f.second.reader->path() == p.path;
      });
      if (!tailed) positions->Remove(p.path);
    }
    // Generations truncated long ago whose copy never showed up.
    const absl::Time cutoff = absl::Now() - 2 * cfg.target_sync_period;
    std::erase_if(truncated, [&](const Truncated& tr) { return tr.at < cutoff; });
  }

  // --- reading (reader thread) ---
  // limits_config.readline_rate / readline_burst: a token bucket over the
  // instance's lines (Promtail: one golang.org/x/time/rate limiter).
  double tokens = 0;
  absl::Time refilled = absl::InfinitePast();
  bool TakeToken() {
    const config::LogsLimitsConfig& l = cfg.limits_config;
    if (!l.readline_rate_enabled || l.readline_rate <= 0) return true;
    const absl::Time now = absl::Now();
    const double burst = std::max(1, l.readline_burst);
    tokens = refilled == absl::InfinitePast()
                 ? burst
                 : std::min(burst, tokens + absl::ToDoubleSeconds(now - refilled) * l.readline_rate);
    refilled = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }

  enum class Stop { kNo, kFull };

  // Reads what `f` has; kFull when a client has no room.
  Stop ReadFile(Tracked& f, bool final) {
    const int64_t before = f.reader->offset();
    bool full = false;
    size_t lines = 0;
    f.reader->Read(scratch.data(), scratch.size(), max_line, 4 << 20, final,
                   [&](const Line& line) {
                     if (!TakeToken()) {
                       if (!cfg.limits_config.readline_rate_drop) {
                         full = true;  // wait for tokens: read on at the next poll
                         return false;
                       }
                       metrics->rate_dropped.Increment();
                       // Nothing before it in flight: its bytes count as done
                       // (else the next acknowledged line of the file covers them).
                       std::lock_guard<std::mutex> lock(mu);
                       if (Acked(f) == line.start) {
                         for (int64_t& a : f.acked) a = std::max(a, line.end);
                       }
                       return true;
                     }
                     int64_t ts = std::max(NowNs(), f.last_ts + 1);
                     const EntrySource src{f.source, line.start, line.end};
                     for (size_t c = 0; c < clients.size(); ++c) {
                       switch (clients[c]->Push(f.stream, ts, line.text, src)) {
                         case LokiClient::PushResult::kOk:
                           break;
                         case LokiClient::PushResult::kFull:
                           full = true;
                           return false;
                         case LokiClient::PushResult::kRewind:
                           rewind[c] = true;
                           full = true;
                           return false;
                       }
                     }
                     f.last_ts = ts;
                     ++lines;
                     return true;
                   });
    if (lines > 0) f.metrics.read_lines->Increment(static_cast<double>(lines));
    f.metrics.read_bytes->Set(static_cast<double>(f.reader->offset()));
    if (f.reader->offset() != before) f.idle_since = absl::Now();
    return full ? Stop::kFull : Stop::kNo;
  }

  void Rewind() {
    for (size_t c = 0; c < clients.size(); ++c) {
      if (!rewind[c]) continue;
      rewind[c] = false;
      std::lock_guard<std::mutex> lock(mu);
      for (const EntrySource& s : clients[c]->TakeRewind()) {
        auto it = files.find(s.source);
        if (it == files.end() || it->second.retired) continue;
        if (s.start < it->second.reader->offset()) it->second.reader->Seek(s.start);
      }
    }
  }

  // Rotation checks for one file; true when it may be read on.
  bool Check(Tracked& f) {
    absl::StatusOr<int64_t> size = f.reader->Size();
    const int64_t sz = size.value_or(0);
    f.metrics.file_bytes->Set(static_cast<double>(sz));
    const bool changed = sz != f.last_size;
    f.last_size = sz;
    // A rotated file is not looked at by path any more, only for a
    // truncation when its size moved.
    FileReader::State state = FileReader::State::kSame;
    if (!f.moved || changed) state = f.reader->Check();
    if (f.moved && state == FileReader::State::kMoved) state = FileReader::State::kSame;
    if (state == FileReader::State::kTruncated) {
      Truncate(f);
      return false;
    }
    if (state == FileReader::State::kMoved && !f.moved) {
      const std::string old = f.reader->path();
      std::string now = FindByInode(DirOf(old), f.reader->id().dev, f.reader->id().ino);
      std::lock_guard<std::mutex> lock(mu);
      if (!now.empty() && Matched(now)) {
        // Renamed within the glob (app.log -> app.log.1 with app.log*):
        // the same file under its new name.
        f.reader->set_path(now);
        PutPosition(f);
        resync.push_back(f.target);
        return true;
      }
      f.moved = true;
      if (!now.empty()) {
        f.reader->set_path(now);
        PutPosition(f);
      } else {
        // Deleted: its entry goes (Promtail drops entries of paths that are
        // gone); a new file at `old` writes its own.
        f.owns_path = false;
        std::optional<FilePosition> p = positions->Get(old);
        if (p && p->id && p->id->dev == f.reader->id().dev && p->id->ino == f.reader->id().ino) {
          positions->Remove(old);
        }
      }
      log::Info("logs: file rotated", {{"logs_config", cfg.name}, {"path", old},
                                       {"now", now.empty() ? "deleted" : now}});
      resync.push_back(f.target);
    }
    return true;
  }

  // copytruncate: this generation ends at what was read; the same inode
  // is read from 0 as a new generation.
  void Truncate(Tracked& f) {
    const std::string path = f.reader->path();
    Truncated tr{f.reader->id(), f.reader->offset(), f.stream, f.target, absl::Now()};
    truncated.push_back(tr);
    absl::StatusOr<std::unique_ptr<FileReader>> r = FileReader::Open(path, 0);
    std::lock_guard<std::mutex> lock(mu);
    f.retired = true;
    f.owns_path = false;
    log::Info("logs: file truncated, reading it from the start",
              {{"logs_config", cfg.name}, {"path", path}});
    if (r.ok() && (*r)->id().dev == f.reader->id().dev && (*r)->id().ino == f.reader->id().ino) {
      Tracked g;
      g.source = next_source++;
      g.target = f.target;
      g.stream = f.stream;
      g.acked.assign(clients.size(), 0);
      g.reader = *std::move(r);
      g.metrics = f.metrics;
      PutPosition(g);
      files.emplace(g.source, std::move(g));
    }
    resync.push_back(f.target);
  }

  // Closes what is done: retired generations and rotated files read to
  // their end, idle and acknowledged; the oldest rotated files past the
  // per-target bound.
  void Reap() {
    std::lock_guard<std::mutex> lock(mu);
    const absl::Time now = absl::Now();
    std::map<size_t, std::vector<uint64_t>> rotated;
    for (auto it = files.begin(); it != files.end();) {
      Tracked& f = it->second;
      const bool ended = f.retired || f.moved;
      const int64_t end = f.retired ? f.reader->offset() : f.last_size;
      if (ended && f.reader->offset() >= end && Acked(f) >= f.reader->offset() &&
          (f.retired || now - f.idle_since > kRotatedIdle)) {
        if (f.moved && f.owns_path) positions->Remove(f.reader->path());
        if (!f.retired) metrics->RemoveFile(f.metrics);
        it = files.erase(it);
        continue;
      }
      if (ended) rotated[f.target].push_back(f.source);
      ++it;
    }
    for (auto& [target, sources] : rotated) {
      for (size_t i = 0; i + kMaxRotatedPerTarget < sources.size(); ++i) {
        Tracked& f = files.at(sources[i]);
        const int64_t unread = std::max<int64_t>(0, f.last_size - Acked(f));
        if (unread > 0) {
          metrics->unread_dropped.Increment(static_cast<double>(unread));
          log::Warn("logs: too many rotated files held open, letting the oldest go unread",
                    {{"logs_config", cfg.name}, {"path", f.reader->path()},
                     {"unread_bytes", absl::StrCat(unread)}});
        }
        if (f.owns_path) positions->Remove(f.reader->path());
        files.erase(sources[i]);
      }
    }
    metrics->files_active.Set(static_cast<double>(files.size()));
  }

  // One pass over every file; true when some file had more to read.
  bool Round() {
    Rewind();
    const absl::Time now = absl::Now();
    if (now >= next_sync) {
      SyncAll();
      next_sync = now + cfg.target_sync_period;
    }
    std::vector<size_t> again;
    again.swap(resync);
    std::sort(again.begin(), again.end());
    again.erase(std::unique(again.begin(), again.end()), again.end());
    for (size_t t : again) SyncTarget(t);

    bool more = false;
    std::vector<uint64_t> order;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (auto& [source, f] : files) {
        if (!f.retired) order.push_back(source);
      }
    }
    for (uint64_t source : order) {
      auto it = files.find(source);  // only this thread changes the map's keys
      if (it == files.end()) continue;
      Tracked& f = it->second;
      if (!Check(f)) continue;
      const bool final = f.moved && now - f.idle_since > kRotatedIdle;
      const int64_t before = f.reader->offset();
      if (ReadFile(f, final) == Stop::kFull) {
        more = false;  // a client is full: wait for it
        break;
      }
      if (f.reader->offset() - before >= (4 << 20)) more = true;
    }
    Reap();
    if (now >= next_durable) {
      std::lock_guard<std::mutex> lock(mu);
      WritePositions(true);
      next_durable = now + cfg.positions.sync_period;
    }
    return more;
  }

  void Run() {
    absl::Duration poll = opts.min_poll;
    while (!stopping.load()) {
      const bool more = Round();
      // Idle polls back off from min_poll_frequency to max_poll_frequency
      // (grafana/tail's polling watcher); reading resets it.
      poll = more ? absl::ZeroDuration() : std::min(std::max(poll * 2, opts.min_poll), opts.max_poll);
      if (stopping.load()) return;
      OnDirEvents(watch.Wait(poll));
    }
  }
};

absl::StatusOr<std::unique_ptr<LogsInstance>> LogsInstance::Start(InstanceOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->opts = std::move(options);
  Impl& im = *impl;
  const config::LogsInstanceConfig& cfg = im.cfg;
  im.metrics = std::make_unique<FileMetrics>(*im.opts.registry, cfg.name);
  if (cfg.limits_config.max_line_size > 0) im.max_line = cfg.limits_config.max_line_size;
  // One byte over the limit reaches the client, which drops or truncates
  // and counts it (promtail_dropped_entries_total{reason="line_too_long"}).
  im.max_line += 1;
  im.scratch.resize(std::max<size_t>(im.max_line + 1, 256 * 1024) + 64 * 1024);
  im.positions = Positions::Open(cfg.positions.filename, cfg.positions.ignore_invalid_yaml);
  im.restored = im.positions->All();
  std::map<std::string, int> failed;
  for (const config::LogsScrapeConfig& sc : cfg.scrape_configs) {
    if (sc.idle) continue;
    for (FileTarget& t : BuildFileTargets(sc, im.opts.cwd, im.opts.hostname, &failed)) {
      im.targets.push_back(std::move(t));
    }
  }
  for (const auto& [reason, n] : failed) im.metrics->TargetFailed(reason, n);
  im.metrics->targets_active.Set(static_cast<double>(im.targets.size()));
  for (size_t c = 0; c < cfg.clients.size(); ++c) {
    LokiClient::Hooks hooks;
    Impl* self = &im;
    hooks.on_done = [self, c](const std::vector<EntrySource>& done) { self->OnDone(c, done); };
    absl::StatusOr<std::unique_ptr<LokiClient>> client =
        LokiClient::Create(cfg.clients[c], cfg.limits_config, cfg.name, *im.opts.registry,
                           std::move(hooks));
    if (!client.ok()) {
      for (auto& made : im.clients) made->Stop(absl::ZeroDuration());
      return client.status();
    }
    im.clients.push_back(*std::move(client));
  }
  im.rewind.assign(im.clients.size(), false);
  log::Info("logs: instance started", {{"logs_config", cfg.name},
                                       {"targets", absl::StrCat(im.targets.size())},
                                       {"positions", cfg.positions.filename}});
  im.thread = std::thread([&im] { im.Run(); });
  return std::unique_ptr<LogsInstance>(new LogsInstance(std::move(impl)));
}

LogsInstance::LogsInstance(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LogsInstance::~LogsInstance() { Stop(absl::ZeroDuration()); }

void LogsInstance::Stop(absl::Duration flush_deadline) {
  Impl& im = *impl_;
  if (im.stopped) return;
  im.stopped = true;
  im.stopping = true;
  im.watch.Wake();
  if (im.thread.joinable()) im.thread.join();
  // The clients' flushes run side by side within the one deadline.
  std::vector<std::thread> stops;
  for (auto& c : im.clients) {
    LokiClient* client = c.get();
    stops.emplace_back([client, flush_deadline] { client->Stop(flush_deadline); });
  }
  for (std::thread& t : stops) t.join();
  std::lock_guard<std::mutex> lock(im.mu);
  im.WritePositions(true);
  log::Info("logs: instance stopped", {{"logs_config", im.cfg.name}});
}

}  // namespace outpost::logs
