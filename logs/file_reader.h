// One tailed file, read by file descriptor (so a renamed or deleted file is
// still read to its end) with pread into a scratch buffer the caller owns and
// shares between all its files: a reader holds no buffer of its own (a few
// dozen bytes plus its path), so 1000 tailed files fit in a few MiB.
//
// Lines are returned as views into the scratch buffer (no allocation per
// line). Only '\n' ends a line and only it is stripped ('\r' is kept, as in
// Promtail). A line longer than `max_line` is returned once, cut to its
// first max_line bytes (truncated=true), with start/end offsets spanning the
// whole line; its rest is scanned, not stored, and the holes of sparse files
// are jumped with lseek(SEEK_DATA), so a 500 GB sparse /var/log/lastlog
// costs neither memory nor CPU (Promtail buffers whole lines: loki#5731,
// #10393). A file of NULs without '\n' is therefore one truncated line.
//
// Identity: device + inode, and a fingerprint (CRC32C of the first
// min(size, kFingerprintBytes) bytes) that tells a reused inode or a
// copytruncate copy from the original file.
//
// Thread-compatible: one reader thread per FileReader.
#ifndef OUTPOST_LOGS_FILE_READER_H_
#define OUTPOST_LOGS_FILE_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "logs/positions.h"

namespace outpost::logs {

inline constexpr uint32_t kFingerprintBytes = 1024;

struct Line {
  std::string_view text;  // without its '\n'; valid during the callback only
  int64_t start;          // offset of the line's first byte
  int64_t end;            // offset after its '\n' (or after its last byte at a final EOF)
  bool truncated;         // text cut to max_line bytes
};

class FileReader {
 public:
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  // open(O_RDONLY|O_CLOEXEC) + identity; reading starts at `offset`.
  static absl::StatusOr<std::unique_ptr<FileReader>> Open(const std::string& path, int64_t offset);

  // Identity of an open file / of a path (opened and closed again).
  static absl::StatusOr<FileIdentity> Identify(int fd);
  static absl::StatusOr<FileIdentity> Identify(const std::string& path);
  // True when the first id.fp_len bytes of `fd` have id's fingerprint: the
  // same content (a copytruncate copy, or a file found again after a
  // restart). An empty fingerprint (fp_len 0) matches nothing.
  static bool HasFingerprint(int fd, const FileIdentity& id);

  // Reads complete lines from offset() into `scratch` (scratch_size >
  // max_line; shared by the caller's readers) and calls fn for each. Stops
  // when fn returns false (that line is not consumed and comes again at the
  // next Read), when max_bytes were consumed (a long line's skipped rest
  // counts; scanning it stops after about max_bytes of data per call), or
  // at EOF. A last line without '\n' stays unread (offset at its start)
  // unless `final` (the file was rotated or deleted and this is its last
  // drain). Returns the bytes consumed (how far offset() moved).
  size_t Read(char* scratch, size_t scratch_size, size_t max_line, size_t max_bytes, bool final,
              const std::function<bool(const Line&)>& fn);

  // Re-read from an earlier (acknowledged) offset, or from 0 after a
  // truncation; the fingerprint is taken again from the current content.
  void Seek(int64_t offset);
  int64_t offset() const { return offset_; }
  absl::StatusOr<int64_t> Size() const;  // fstat of the open fd
  const std::string& path() const { return path_; }
  void set_path(std::string p) { path_ = std::move(p); }
  // Refreshed by Read while the file is shorter than kFingerprintBytes.
  const FileIdentity& id() const { return id_; }

  // What happened to the path since Open: kSame; kMoved (the path names
  // another inode or nothing: rename+create or delete; keep reading the fd
  // to its end); kTruncated (the open file is shorter than offset(), or its
  // first fp_len bytes changed: copytruncate; the caller decides, normally
  // Seek(0) once the copy was identified).
  enum class State { kSame, kMoved, kTruncated };
  State Check() const;

  int fd() const { return fd_; }

 private:
  FileReader(std::string path, int fd, int64_t offset, FileIdentity id)
      : path_(std::move(path)), fd_(fd), offset_(offset), id_(id) {}
  // pread until n bytes or EOF; -1 on error.
  ssize_t ReadAt(char* buf, size_t n, int64_t at) const;
  // Scans for the '\n' ending the long line at offset_, from scan_pos_, for
  // about `budget` data bytes. True when its end is known (long_end_).
  bool ScanLongLine(char* scratch, size_t scratch_size, size_t budget, bool final);
  void RefreshFingerprint();

  std::string path_;
  int fd_;
  int64_t offset_;
  FileIdentity id_;
  // A line at offset_ longer than max_line: scanned up to scan_pos_; its
  // end once found (-1 while unknown).
  int64_t scan_pos_ = -1;
  int64_t long_end_ = -1;
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_FILE_READER_H_
