// File-system access for the WAL, behind small interfaces so tests run on
// an in-memory fake (core/wal/mem_env.h) and can damage bytes at will.
//
// Ownership: every New*File returns a unique_ptr the caller owns; closing
// happens in the destructor if Close() was not called. Errors are
// absl::Status values naming the path and errno text; nothing throws.
// A full disk (ENOSPC, EDQUOT) is absl::ResourceExhausted, so callers can
// tell it from other write errors.
//
// Thread-safety: an Env may be used from several threads; a single file
// object may not.
#ifndef OUTPOST_CORE_WAL_ENV_H_
#define OUTPOST_CORE_WAL_ENV_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace outpost::wal {

// A file written front to back.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends `data`; the POSIX implementation hands it to the kernel
  // (write(2)) before returning, so it survives a crash of this process,
  // not a power loss.
  virtual absl::Status Append(std::string_view data) = 0;
  // Pushes any user-space buffer to the OS (a no-op for unbuffered files).
  virtual absl::Status Flush() = 0;
  // Flushes, then makes the data durable (fdatasync).
  virtual absl::Status Sync() = 0;
  virtual absl::Status Close() = 0;
};

// A file read front to back.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `scratch`; returns how many (0 at end of
  // file). Short reads happen only at end of file.
  virtual absl::StatusOr<size_t> Read(size_t n, char* scratch) = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env (never destroyed).
  static Env* Default();

  virtual absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) = 0;
  // Creates `path`, truncating an existing file.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, without "." and "..", in
  // no particular order.
  virtual absl::StatusOr<std::vector<std::string>> GetChildren(
      const std::string& dir) = 0;
  virtual absl::StatusOr<uint64_t> GetFileSize(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // Atomically replaces `to` with `from`.
  virtual absl::Status RenameFile(const std::string& from,
                                  const std::string& to) = 0;
  virtual absl::Status RemoveFile(const std::string& path) = 0;
  // Sets the size of an existing file: cuts it, or extends it with zero
  // bytes (a hole: needs no free space). Durable (fsynced) on return.
  virtual absl::Status TruncateFile(const std::string& path, uint64_t size) = 0;
  // Removes a file or a directory tree; OK if `path` does not exist.
  virtual absl::Status RemoveAll(const std::string& path) = 0;
  // Creates `dir` and its parents; OK if it exists.
  virtual absl::Status CreateDirs(const std::string& dir) = 0;
  // Makes the entries of `dir` (creations, renames) durable.
  virtual absl::Status SyncDir(const std::string& dir) = 0;
};

// dir + "/" + name.
std::string JoinPath(std::string_view dir, std::string_view name);

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_ENV_H_
