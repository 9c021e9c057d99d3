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
}

void AckTracker::Ack(uint64_t seq, uint64_t n) {
  absl::MutexLock l(&mu_);
  if (seq < first_seq_ || seq - first_seq_ >= entries_.size()) return;  // bug guard
  Entry& e = entries_[seq - first_seq_];
  e.pending -= std::min(e.pending, n);
  AdvanceLocked();
}

void AckTracker::AdvanceLocked() {
  while (!entries_.empty() && entries_.front().pending == 0) {
    if (acked_ < entries_.front().end) acked_ = entries_.front().end;
    entries_.pop_front();
    ++first_seq_;
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

absl::StatusOr<std::optional<Position>> ReadProgress(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::optional<Position>();
    return absl::InternalError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::vector<std::string> parts =
      absl::StrSplit(absl::StripTrailingAsciiWhitespace(text), ' ');
  Position p;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &p.segment) ||
      !absl::SimpleAtoi(parts[1], &p.offset)) {
    return absl::DataLossError(absl::StrCat("malformed progress file ", path));
  }
  return std::optional<Position>(p);
}

namespace {

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

std::string Dirname(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

absl::Status WriteProgress(const std::string& path, Position p) {
  const std::string dir = Dirname(path);
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Errno("mkdir " + dir);
  const std::string tmp = path + ".tmp";
  const std::string text = absl::StrCat(p.segment, " ", p.offset, "\n");
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("open " + tmp);
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  fsync(fd) == 0;
  const int saved = errno;
  close(fd);
  if (!ok) {
    errno = saved;
    return Errno("write " + tmp);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename " + tmp);
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
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
