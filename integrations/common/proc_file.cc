#include "integrations/common/proc_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"

namespace outpost::integrations {
namespace {

constexpr size_t kInitialBuffer = 4096;  // the first read: one pread for most files
// After the first read a buffer is cut down to fit what the file holds (at
// least this much): most sysfs attributes are a few bytes, and a 4 KiB
// buffer for each of the hundred-odd files a node collection keeps open
// adds up (issue 9).
constexpr size_t kMinBuffer = 128;
constexpr size_t kMaxFileSize = 64 << 20;  // a /proc file never gets near this

}  // namespace

ProcFile::~ProcFile() { Close(); }

void ProcFile::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

absl::StatusOr<std::string_view> ProcFile::Read() {
  std::string_view out;
  int err = ReadErrno(&out);
  if (err != 0) return ErrnoToStatus(err, "read", path_);
  return out;
}

int ProcFile::ReadErrno(std::string_view* out) {
  const bool was_open = fd_ >= 0;
  int err = ReadOnce(out);
  if (err != 0 && was_open && fd_ < 0) {
    // The file went away under the open descriptor (device removed, maybe
    // back again): re-open once.
    err = ReadOnce(out);
  }
  return err;
}

int ProcFile::ReadOnce(std::string_view* out) {
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return errno;
  }
  if (buf_.empty()) buf_.resize(kInitialBuffer);
  size_t total = 0;
  while (true) {
    ssize_t n = ::pread(fd_, buf_.data() + total, buf_.size() - total, static_cast<off_t>(total));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      // An attribute the driver cannot answer now (EINVAL for the speed of
      // a down link, EOPNOTSUPP, ...) keeps its descriptor; a vanished
      // device (ENODEV, ESTALE, EBADF, EIO) is re-opened.
      if (err == ENODEV || err == ESTALE || err == EBADF || err == EIO || err == ENXIO) Close();
      return err;
    }
    if (n == 0) break;
    total += static_cast<size_t>(n);
    if (total == buf_.size()) {
      if (buf_.size() >= kMaxFileSize) return EFBIG;
      buf_.resize(buf_.size() * 2);
    }
  }
  // Room for the content plus one byte (EOF is then seen without growing).
  const size_t fit = std::max(kMinBuffer, std::bit_ceil(total + 1));
  if (buf_.size() >= 4 * fit) {
    std::string smaller(fit, '\0');
    std::memcpy(smaller.data(), buf_.data(), total);
    buf_.swap(smaller);
  }
  *out = std::string_view(buf_.data(), total);
  return 0;
}

absl::Status ErrnoToStatus(int err, std::string_view what, std::string_view path) {
  std::string msg = absl::StrCat(ToAbsl(what), " ", ToAbsl(path), ": ", std::strerror(err));
  if (err == ENOENT || err == ENOTDIR) return absl::NotFoundError(msg);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(msg);
  return absl::UnavailableError(msg);
}

}  // namespace outpost::integrations
