// FileReader: pread-based line reader (see file_reader.h).
#include "logs/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/wal/crc32c.h"

namespace outpost::logs {
namespace {

absl::Status Errno(std::string_view what, std::string_view path) {
  return absl::InternalError(absl::StrCat(ToAbsl(what), " ", ToAbsl(path), ": ", std::strerror(errno)));
}

ssize_t PreadFull(int fd, char* buf, size_t n, int64_t at) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, buf + got, n - got, static_cast<off_t>(at + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return static_cast<ssize_t>(got);
}

// CRC32C of the first `len` bytes; false when fewer could be read.
bool Fingerprint(int fd, uint32_t len, uint32_t* crc) {
  char buf[kFingerprintBytes];
  const ssize_t n = PreadFull(fd, buf, len, 0);
  if (n != static_cast<ssize_t>(len)) return false;
  *crc = wal::Crc32cExtend(0, buf, len);
  return true;
}

}  // namespace

FileReader::~FileReader() { ::close(fd_); }

bool FileReader::HasFingerprint(int fd, const FileIdentity& id) {
  uint32_t crc = 0;
  return id.fp_len > 0 && Fingerprint(fd, id.fp_len, &crc) && crc == id.fp_crc;
}

absl::StatusOr<FileIdentity> FileReader::Identify(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Errno("fstat", absl::StrCat("fd ", fd));
  FileIdentity id;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  char buf[kFingerprintBytes];
  const size_t want = static_cast<size_t>(std::clamp<off_t>(st.st_size, 0, kFingerprintBytes));
  const ssize_t n = PreadFull(fd, buf, want, 0);
  if (n < 0) return Errno("read", absl::StrCat("fd ", fd));
  id.fp_len = static_cast<uint32_t>(n);
  id.fp_crc = wal::Crc32cExtend(0, buf, static_cast<size_t>(n));
  return id;
}

absl::StatusOr<FileIdentity> FileReader::Identify(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  absl::StatusOr<FileIdentity> id = Identify(fd);
  ::close(fd);
  if (!id.ok()) return absl::InternalError(absl::StrCat(path, ": ", id.status().message()));
  return id;
}

absl::StatusOr<std::unique_ptr<FileReader>> FileReader::Open(const std::string& path,
                                                             int64_t offset) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  absl::StatusOr<FileIdentity> id = Identify(fd);
  if (!id.ok()) {
    ::close(fd);
    return absl::InternalError(absl::StrCat(path, ": ", id.status().message()));
  }
  return std::unique_ptr<FileReader>(new FileReader(path, fd, std::max<int64_t>(offset, 0), *id));
}

ssize_t FileReader::ReadAt(char* buf, size_t n, int64_t at) const {
  return PreadFull(fd_, buf, n, at);
}

void FileReader::Seek(int64_t offset) {
  offset_ = std::max<int64_t>(offset, 0);
  scan_pos_ = long_end_ = -1;
  // After a truncation the content is new: fingerprint what will be read.
  if (absl::StatusOr<FileIdentity> id = Identify(fd_); id.ok()) id_ = *id;
}

absl::StatusOr<int64_t> FileReader::Size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return Errno("fstat", path_);
  return static_cast<int64_t>(st.st_size);
}

void FileReader::RefreshFingerprint() {
  struct stat st;
  if (::fstat(fd_, &st) != 0 || st.st_size <= static_cast<off_t>(id_.fp_len)) return;
  const size_t len = static_cast<size_t>(std::min<off_t>(st.st_size, kFingerprintBytes));
  char buf[kFingerprintBytes];
  if (PreadFull(fd_, buf, len, 0) != static_cast<ssize_t>(len)) return;
  // Extend only a prefix that is unchanged (else Check reports kTruncated).
  const uint32_t head = wal::Crc32cExtend(0, buf, id_.fp_len);
  if (head != id_.fp_crc) return;
  id_.fp_crc = wal::Crc32cExtend(head, buf + id_.fp_len, len - id_.fp_len);
  id_.fp_len = static_cast<uint32_t>(len);
}

bool FileReader::ScanLongLine(char* scratch, size_t scratch_size, size_t budget, bool final) {
  size_t scanned = 0;
  while (scanned < budget) {
    // Jump a hole (all NUL bytes, so no '\n'): sparse files cost nothing.
    const off_t data = ::lseek(fd_, static_cast<off_t>(scan_pos_), SEEK_DATA);
    if (data < 0 && errno == ENXIO) {  // only a hole (or nothing) up to EOF
      absl::StatusOr<int64_t> size = Size();
      if (size.ok()) scan_pos_ = std::max(scan_pos_, *size);
      if (!final) return false;
      long_end_ = scan_pos_;
      return true;
    }
    if (data > scan_pos_) scan_pos_ = data;  // (an error: SEEK_DATA unsupported, read on)
    const ssize_t n = ReadAt(scratch, scratch_size, scan_pos_);
    if (n < 0) return false;
    if (n == 0) {
      if (!final) return false;
      long_end_ = scan_pos_;
      return true;
    }
    if (const void* nl = std::memchr(scratch, '\n', static_cast<size_t>(n))) {
      long_end_ = scan_pos_ + (static_cast<const char*>(nl) - scratch) + 1;
      return true;
    }
    scan_pos_ += n;
    scanned += static_cast<size_t>(n);
  }
  return false;
}

size_t FileReader::Read(char* scratch, size_t scratch_size, size_t max_line, size_t max_bytes,
                        bool final, const std::function<bool(const Line&)>& fn) {
  if (scratch_size < 2) return 0;
  max_line = std::clamp<size_t>(max_line, 1, scratch_size - 1);
  if (id_.fp_len < kFingerprintBytes) RefreshFingerprint();
  size_t consumed = 0;
  while (consumed < max_bytes) {
    if (scan_pos_ >= 0) {  // the line at offset_ is longer than max_line
      const size_t budget = std::max(max_bytes - consumed, scratch_size);
      if (long_end_ < 0 && !ScanLongLine(scratch, scratch_size, budget, final)) break;
      const ssize_t n = ReadAt(scratch, max_line, offset_);
      if (n < 0) break;
      const Line line{std::string_view(scratch, static_cast<size_t>(n)), offset_, long_end_, true};
      if (!fn(line)) break;
      consumed += static_cast<size_t>(long_end_ - offset_);
      offset_ = long_end_;
      scan_pos_ = long_end_ = -1;
      continue;
    }
    const ssize_t got = ReadAt(scratch, scratch_size, offset_);
    if (got <= 0) break;
    const size_t n = static_cast<size_t>(got);
    const bool eof = n < scratch_size;
    bool stop = false;
    size_t pos = 0;
    while (pos < n && consumed < max_bytes) {
      const char* begin = scratch + pos;
      const void* nl = std::memchr(begin, '\n', n - pos);
      const size_t rest = n - pos;
      size_t len;  // line length without '\n'
      size_t step;  // bytes it takes in the file
      if (nl != nullptr) {
        len = static_cast<size_t>(static_cast<const char*>(nl) - begin);
        step = len + 1;
      } else if (rest > max_line) {  // longer than max_line, end not in sight
        scan_pos_ = offset_ + static_cast<int64_t>(rest);
        break;
      } else if (eof && final) {  // the last drain: the unterminated line too
        len = step = rest;
      } else {  // incomplete: wait for its '\n' (eof) or re-read it whole
        stop = eof;
        break;
      }
      const Line line{std::string_view(begin, std::min(len, max_line)), offset_,
                      offset_ + static_cast<int64_t>(step), len > max_line};
      if (!fn(line)) {
        stop = true;
        break;
      }
      pos += step;
      offset_ += static_cast<int64_t>(step);
      consumed += step;
    }
    if (stop || (eof && pos == n)) break;
  }
  return consumed;
}

FileReader::State FileReader::Check() const {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) {
    return errno == ENOENT || errno == ENOTDIR ? State::kMoved : State::kSame;
  }
  if (st.st_dev != id_.dev || st.st_ino != id_.ino) return State::kMoved;
  struct stat fst;
  if (::fstat(fd_, &fst) != 0) return State::kSame;
  if (fst.st_size < offset_) return State::kTruncated;
  // Truncated and written again past offset_: the first bytes changed.
  uint32_t crc;
  if (id_.fp_len > 0 && (!Fingerprint(fd_, id_.fp_len, &crc) || crc != id_.fp_crc)) {
    return State::kTruncated;
  }
  return State::kSame;
}

}  // namespace outpost::logs
