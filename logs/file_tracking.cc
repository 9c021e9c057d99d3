#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "logs/glob.h"
#include "logs/instance_impl.h"
#include "logs/stream_table.h"

namespace outpost::logs {
namespace {


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

// --- discovery (reader thread) ---
LogsInstance::Impl::Tracked* LogsInstance::Impl::FindInode(uint64_t dev, uint64_t ino) {
  for (auto& [source, f] : files) {
    if (!f.retired && f.reader->id().dev == dev && f.reader->id().ino == ino) return &f;
  }
  return nullptr;
}

std::optional<FilePosition> LogsInstance::Impl::Restored(uint64_t dev, uint64_t ino, const std::string& path) {
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

Stream LogsInstance::Impl::MakeStream(size_t target, const std::string& path) {
  Stream s;
  s.id = NewStreamId();
  s.labels = targets[target].labels;
  s.labels.Set("filename", path);
  return s;
}

// Starts tailing `path` (matched by `target`) unless it is known. With
// `rotated_from`: `path` is a file the glob matched under that name
// before a rename (seen by the directory watch) that was never tailed: a
// generation rotated away between two polls, read as a rotated file.
void LogsInstance::Impl::Consider(size_t target, const std::string& path, const std::string& rotated_from) {
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
  f.origin = rotated_from;
  f.acked.assign(clients.size(), offset);
  f.reader = std::move(reader);
  f.metrics = metrics->ForFile(path);
  log::Info("logs: tailing file", {{"logs_config", cfg.name}, {"path", path},
                                   {"offset", absl::StrCat(offset)}, {"how", how}});
  PutPosition(f);
  files.emplace(f.source, std::move(f));
  metrics->files_active.Set(static_cast<double>(files.size()));
}

bool LogsInstance::Impl::Copy(size_t target, const std::string& path, int fd, int64_t* offset,
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
bool LogsInstance::Impl::SamePrefix(int a, int b, int64_t n) {
  if (n <= 0) return true;
  char x[kFingerprintBytes], y[kFingerprintBytes];
  return pread(a, x, n, 0) == n && pread(b, y, n, 0) == n && memcmp(x, y, n) == 0;
}

void LogsInstance::Impl::SyncTarget(size_t t) {
  const FileTarget& target = targets[t];
  for (const std::string& path : GlobFiles(target.path_glob, opts.cwd)) {
    if (!Excluded(target, path)) Consider(t, path);
  }
}

bool LogsInstance::Impl::Excluded(const FileTarget& t, const std::string& path) const {
  return !t.exclude_glob.empty() && GlobMatch(t.exclude_glob, path);
}

// Whether some target tails `path`.
bool LogsInstance::Impl::Matched(const std::string& path) const {
  return std::any_of(targets.begin(), targets.end(), [&](const FileTarget& t) {
    return GlobMatch(t.path_glob, path) && !Excluded(t, path);
  });
}

// Files created in or renamed within the watched directories.
void LogsInstance::Impl::OnDirEvents(const std::vector<DirEvent>& events) {
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

void LogsInstance::Impl::ResumeRotated() {
  resumed = true;
  const std::vector<FilePosition> left = restored;
  for (const FilePosition& p : left) {
    if (!p.id) continue;
    // Where it is now: under its entry's name, or renamed in that
    // directory while outpost was not looking (killed before it noticed).
    std::string path = p.path;
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_dev) != p.id->dev ||
        static_cast<uint64_t>(st.st_ino) != p.id->ino) {
      path = FindByInode(DirOf(p.path), p.id->dev, p.id->ino);
      if (path.empty()) continue;  // gone
    }
    const std::string origin = p.id->origin.empty() ? p.path : p.id->origin;
    if (path == origin) continue;  // not rotated: the globs found it if they match it
    for (size_t t = 0; t < targets.size(); ++t) {
      if (GlobMatch(targets[t].path_glob, origin) && !Excluded(targets[t], origin)) {
        Consider(t, path, origin);
        break;
      }
    }
  }
}

void LogsInstance::Impl::SyncAll() {
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

// Rotation checks for one file; true when it may be read on.
bool LogsInstance::Impl::Check(Tracked& f) {
  absl::StatusOr<int64_t> size = f.reader->Size();
  const int64_t sz = size.value_or(0);
  f.metrics.file_bytes->Set(static_cast<double>(sz));
  const bool changed = sz != f.last_size;
  f.last_size = sz;
  // A rotated file is not looked at by path any more, only for a
  // truncation when its size moved, and for a further rename.
  if (f.moved && f.owns_path) {
    struct stat st;
    const FileIdentity& id = f.reader->id();
    if (::stat(f.reader->path().c_str(), &st) != 0 || st.st_dev != id.dev ||
        st.st_ino != id.ino) {
      FollowRotated(f);
    }
  }
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
    if (f.origin.empty()) f.origin = old;
    if (!now.empty()) {
      f.reader->set_path(now);
      PutPosition(f);
      // Now, not at the next acknowledgement (none comes while Loki is
      // down): a restart must find the file under its new name.
      WritePositions(false);
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

// A rotated file renamed again (app.log.1 -> app.log.2) or deleted: its
// position entry follows it now, before the next file renamed to its old
// name writes an entry there, so a restart finds it by inode.
void LogsInstance::Impl::FollowRotated(Tracked& f) {
  const std::string old = f.reader->path();
  const FileIdentity& id = f.reader->id();
  const std::string now = FindByInode(DirOf(old), id.dev, id.ino);
  if (now == old) return;
  std::lock_guard<std::mutex> lock(mu);
  std::optional<FilePosition> p = positions->Get(old);
  if (p && p->id && p->id->dev == id.dev && p->id->ino == id.ino) positions->Remove(old);
  if (now.empty()) {
    f.owns_path = false;  // deleted: read on from the descriptor, nothing to find at start
  } else {
    f.reader->set_path(now);
    PutPosition(f);
  }
  WritePositions(false);
  log::Info("logs: rotated file renamed again", {{"logs_config", cfg.name}, {"path", old},
                                                 {"now", now.empty() ? "deleted" : now}});
}

// copytruncate: this generation ends at what was read; the same inode
// is read from 0 as a new generation.
void LogsInstance::Impl::Truncate(Tracked& f) {
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
void LogsInstance::Impl::Reap() {
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
}  // namespace outpost::logs
