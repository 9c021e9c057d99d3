// An in-memory Env for tests (and tools): files are strings in a map keyed
// by path; directories are implied by paths and by CreateDirs.
//
// Tests reach the bytes directly (Contents/SetContents) to damage a log.
// Sync() is counted (syncs()) so durability calls can be asserted.
// SetCapacity() makes it a small disk that fills up (ENOSPC). Open
// file objects share their file's bytes, like POSIX inodes: a file removed
// or renamed while open keeps its data for the open handles.
//
// Thread-safe (one mutex); file objects are not.
#ifndef OUTPOST_CORE_WAL_MEM_ENV_H_
#define OUTPOST_CORE_WAL_MEM_ENV_H_

#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/synchronization/mutex.h"
#include "core/wal/env.h"

namespace outpost::wal {

class MemEnv final : public Env {
 public:
  absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) override;
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> GetChildren(
      const std::string& dir) override;
  absl::StatusOr<uint64_t> GetFileSize(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  absl::Status RenameFile(const std::string& from, const std::string& to) override;
  absl::Status RemoveFile(const std::string& path) override;
  absl::Status TruncateFile(const std::string& path, uint64_t size) override;
  absl::Status RemoveAll(const std::string& path) override;
  absl::Status CreateDirs(const std::string& dir) override;
  absl::Status SyncDir(const std::string& dir) override;

  // A copy of the file's bytes ("" if absent).
  std::string Contents(const std::string& path) const;
  // Creates or replaces the file's bytes.
  void SetContents(const std::string& path, std::string data);
  int syncs() const;
  // A full disk: the bytes all files may hold together (0: unlimited). An
  // Append past it writes what still fits, then fails with
  // ResourceExhausted ("No space left on device"), as write(2) does;
  // raising the capacity (or removing files) lets writes succeed again.
  void SetCapacity(uint64_t bytes);
  uint64_t used_bytes() const;

 private:
  struct File {
    std::string data;
  };
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<File>> files_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> dirs_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<int> syncs_ = std::make_shared<int>(0);
  uint64_t capacity_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t UsedLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  friend class MemWritableFile;
  friend class MemSequentialFile;
};

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_MEM_ENV_H_
