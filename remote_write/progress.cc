#include "remote_write/progress.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/base/scratch.h"
#include "core/wal/crc32c.h"

namespace outpost::remote_write {

uint64_t AckTracker::Push(Position end, uint64_t pending) {
  absl::MutexLock l(&mu_);
  const uint64_t seq = first_seq_ + entries_.size();
  entries_.push_back(Entry{end, pending});
  AdvanceLocked();
  return seq;
}

void AckTracker::Reset(Position p) {
  absl::MutexLock l(&mu_);
  acked_ = p;
  done_.clear();
  ++version_;
}

AckTracker::AckTracker(const Progress& start) : acked_(start.acked) {
  for (const DoneSeries& d : start.done) {
    if (d.end <= acked_) continue;
    NoteDone(d.ref, d.t, d.end);
    horizon_ = std::max(horizon_, d.end);
  }
}

void AckTracker::NoteDone(uint64_t ref, int64_t t, Position end) {
  auto [it, fresh] = done_.try_emplace(ref, Done{t, end});
  if (!fresh && t >= it->second.t) it->second = Done{t, end};
}

void AckTracker::AckSamples(absl::Span<const PendingSample> batch) {
  absl::MutexLock l(&mu_);
  for (const PendingSample& p : batch) {
    if (p.seq < first_seq_ || p.seq - first_seq_ >= entries_.size()) continue;  // bug guard
    Entry& e = entries_[p.seq - first_seq_];
    e.pending -= std::min<uint64_t>(e.pending, 1);
  }
  ++version_;
  AdvanceLocked();
  // What is still beyond the prefix (exemplars never make a request fail:
  // Prometheus only counts out-of-order exemplars).
  for (const PendingSample& p : batch) {
    if (p.exemplar != nullptr || p.seq < first_seq_ ||
        p.seq - first_seq_ >= entries_.size()) {
      continue;
    }
    NoteDone(p.ref, p.t, entries_[p.seq - first_seq_].end);
  }
}

bool AckTracker::IsDone(uint64_t ref, int64_t t) const {
  absl::MutexLock l(&mu_);
  auto it = done_.find(ref);
  return it != done_.end() && t <= it->second.t;
}

Progress AckTracker::Snapshot(uint64_t* version) {
  absl::MutexLock l(&mu_);
  Progress p;
  p.acked = acked_;
  // Entries the prefix has passed are no longer needed.
  for (auto it = done_.begin(); it != done_.end();) {
    if (it->second.end <= acked_) {
      done_.erase(it++);
    } else {
      ++it;
    }
  }
  p.done.reserve(done_.size());
  for (const auto& [ref, d] : done_) p.done.push_back(DoneSeries{ref, d.t, d.end});
  if (version != nullptr) *version = version_;
  return p;
}

uint64_t AckTracker::version() const {
  absl::MutexLock l(&mu_);
  return version_;
}

void AckTracker::AdvanceLocked() {
  while (!entries_.empty() && entries_.front().pending == 0) {
    if (acked_ < entries_.front().end) acked_ = entries_.front().end;
    entries_.pop_front();
    ++first_seq_;
    ++version_;
  }
}

Position AckTracker::acked() const {
  absl::MutexLock l(&mu_);
  return acked_;
}

size_t AckTracker::outstanding() const {
  absl::MutexLock l(&mu_);
  return entries_.size();
}

namespace {

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

std::string Dirname(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

void FormatProgress(const Progress& p, std::string* out) {
  out->clear();
  absl::StrAppend(out, p.acked.segment, " ", p.acked.offset, "\n");
  for (const DoneSeries& d : p.done) {
    absl::StrAppend(out, d.ref, " ", d.t, " ", d.end.segment, " ", d.end.offset, "\n");
  }
  absl::StrAppend(out, "end ", p.seq, " ", absl::Hex(wal::Crc32c(*out), absl::kZeroPad8), "\n");
}

// `require_end`: the live file must carry its end line (and stops there:
// bytes after it are left over from a longer earlier save).
absl::StatusOr<Progress> ParseProgress(absl::string_view text, const std::string& path,
                                       bool require_end) {
  Progress p;
  size_t line_no = 0, pos = 0;
  bool ended = false;
  auto bad = [&](const char* what) {
    return absl::DataLossError(absl::StrCat(what, " progress file ", path, ":", line_no));
  };
  while (pos < text.size() && !ended) {
    size_t eol = text.find('\n', pos);
    if (eol == absl::string_view::npos) eol = text.size();
    const absl::string_view line = text.substr(pos, eol - pos);
    const size_t line_start = pos;
    pos = eol + 1;
    if (line.empty()) continue;
    ++line_no;
    const std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
    if (line_no > 1 && f.size() == 3 && f[0] == "end") {
      uint32_t crc = 0;
      if (!absl::SimpleAtoi(f[1], &p.seq) || !absl::SimpleHexAtoi(f[2], &crc)) {
        return bad("malformed");
      }
      if (crc != wal::Crc32c(std::string_view(text.data(), line_start))) {
        return bad("checksum mismatch in");
      }
      ended = true;
      continue;
    }
    bool ok;
    if (line_no == 1) {
      ok = f.size() == 2 && absl::SimpleAtoi(f[0], &p.acked.segment) &&
           absl::SimpleAtoi(f[1], &p.acked.offset);
    } else {
      DoneSeries d;
      ok = f.size() == 4 && absl::SimpleAtoi(f[0], &d.ref) && absl::SimpleAtoi(f[1], &d.t) &&
           absl::SimpleAtoi(f[2], &d.end.segment) && absl::SimpleAtoi(f[3], &d.end.offset);
      p.done.push_back(d);
    }
    if (!ok) return bad("malformed");
  }
  if (line_no == 0) return absl::DataLossError(absl::StrCat("empty progress file ", path));
  if (require_end && !ended) return bad("unterminated");
  return p;
}

absl::StatusOr<std::optional<Progress>> ReadOne(const std::string& path, bool require_end) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::optional<Progress>();
    return absl::InternalError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto p = ParseProgress(ss.str(), path, require_end);
  if (!p.ok()) return p.status();
  return std::optional<Progress>(*std::move(p));
}

}  // namespace

absl::StatusOr<std::optional<Progress>> ReadProgress(const std::string& path) {
  return ReadOne(path, /*require_end=*/false);
}

absl::StatusOr<std::optional<Progress>> ReadProgressPair(const std::string& path) {
  auto synced = ReadOne(path, /*require_end=*/false);
  auto live = ReadOne(path + ".live", /*require_end=*/true);
  if (!live.ok() || !live->has_value()) return synced.ok() ? synced : synced.status();
  if (!synced.ok() || !synced->has_value() || (*live)->seq > (*synced)->seq) return live;
  return synced;
}

absl::Status WriteProgress(const std::string& path, const Progress& p, bool sync) {
  const std::string dir = Dirname(path);
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Errno("mkdir " + dir);
  const std::string tmp = path + ".tmp";
  std::string text;
  FormatProgress(p, &text);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("open " + tmp);
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  (!sync || fsync(fd) == 0);
  const int saved = errno;
  close(fd);
  if (!ok) {
    errno = saved;
    return Errno("write " + tmp);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename " + tmp);
  if (!sync) return absl::OkStatus();
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return absl::OkStatus();
}

LiveProgressFile::~LiveProgressFile() {
  if (fd_ >= 0) close(fd_);
}

absl::Status LiveProgressFile::Write(const Progress& p) {
  if (fd_ < 0) {
    const std::string dir = Dirname(path_);
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Errno("mkdir " + dir);
    fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return Errno("open " + path_);
  }
  FormatProgress(p, &buf_);
  if (pwrite(fd_, buf_.data(), buf_.size(), 0) != static_cast<ssize_t>(buf_.size())) {
    const absl::Status s = Errno("write " + path_);
    close(fd_);
    fd_ = -1;
    return s;
  }
  ReleaseIfOversized(buf_, buf_.size());
  return absl::OkStatus();
}

std::string ProgressPath(const std::string& wal_dir, const std::string& name) {
  std::string safe = name;
  for (char& c : safe) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) c = '_';
  }
  if (safe.empty() || safe == "." || safe == "..") safe = "_" + safe;
  return absl::StrCat(wal_dir, "/remote_write/", safe, ".progress");
}

}  // namespace outpost::remote_write
