// A /proc or /sys file read again and again through a kept descriptor
// (node's collectors, process_exporter's per-process files).
//
// Thread-safety: none; each collector owns its instances.
#ifndef OUTPOST_INTEGRATIONS_COMMON_PROC_FILE_H_
#define OUTPOST_INTEGRATIONS_COMMON_PROC_FILE_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace outpost::integrations {

// A file under /proc or /sys that is read whole, again and again. The file
// descriptor stays open between reads and each read is a pread() from offset
// 0, which makes procfs and sysfs regenerate the content (cheaper than
// open+read+close). On a read error the descriptor is closed and the file is
// re-opened once.
//
// Read() returns a view into an internal buffer, valid until the next Read()
// or until the ProcFile is destroyed. Errors: NotFound when the file does not
// exist, other codes for permission or I/O errors (with the path).
class ProcFile {
 public:
  explicit ProcFile(std::string path) : path_(std::move(path)) {}
  ~ProcFile();
  ProcFile(const ProcFile&) = delete;
  ProcFile& operator=(const ProcFile&) = delete;

  absl::StatusOr<std::string_view> Read();
  // Same without building an error message: 0 and *out set, or the errno.
  // For files whose read errors are expected and skipped (sysfs attributes
  // a driver does not support), so that they cost no allocation.
  int ReadErrno(std::string_view* out);
  void Close();
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  int ReadOnce(std::string_view* out);

  std::string path_;
  int fd_ = -1;
  std::string buf_;  // capacity in use; size() is the capacity
};

// An errno as a Status (NotFound for ENOENT, PermissionDenied for EACCES and
// EPERM), naming the operation and path.
absl::Status ErrnoToStatus(int err, std::string_view what, std::string_view path);

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_PROC_FILE_H_
