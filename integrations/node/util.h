// Building blocks of the node collectors: cached /proc and /sys file
// readers, directory listing, device filters. The integration-neutral ones
// (series-handle cache, text parsing, ProcFile) are in integrations/common/
// and are found unqualified from this namespace.
//
// Thread-safety: none of these classes is thread-safe; each collector owns
// its own instances and is driven by one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_NODE_UTIL_H_
#define OUTPOST_INTEGRATIONS_NODE_UTIL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "integrations/common/proc_file.h"
#include "integrations/common/series_cache.h"
#include "integrations/common/text.h"
#include "re2/re2.h"

namespace outpost::integrations::node {

// ProcFiles keyed by path, for sets of files that change with the devices
// present (one per network interface, disk, ...). Files not requested during
// a collection are closed at the next Sweep().
class ProcFileSet {
 public:
  // Returns the file for `path` (opened lazily by its Read()).
  ProcFile& Get(std::string_view path);
  // Closes and forgets every file not returned by Get() since the last Sweep.
  void Sweep();
  size_t size() const { return files_.size(); }

 private:
  struct Entry {
    std::unique_ptr<ProcFile> file;
    bool used = false;
  };
  absl::flat_hash_map<std::string, Entry> files_;
};

// Remembers whether names match a regex (Go's MatchString: unanchored), so
// that a steady-state collection runs no regex. Bounded: forgets everything
// past kMaxEntries names.
class MatchCache {
 public:
  // `re` must outlive the cache; nullptr matches nothing.
  explicit MatchCache(const RE2* re) : re_(re) {}
  bool Matches(std::string_view name);

 private:
  static constexpr size_t kMaxEntries = 4096;
  const RE2* re_;
  absl::flat_hash_map<std::string, bool> results_;
};

// node_exporter's deviceFilter: a name is ignored when it does not match
// `include` (if set) or matches `exclude` (if set). Empty = not set.
class DeviceFilter {
 public:
  DeviceFilter(const std::string& include, const std::string& exclude);
  // InvalidArgument when a regex does not compile.
  absl::Status status() const;
  bool Ignored(std::string_view name);

 private:
  std::unique_ptr<RE2> include_, exclude_;
  MatchCache include_cache_, exclude_cache_;
};

// Reads a small file whole with open/read/close (for rarely read files such
// as os-release). NotFound when absent.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path);

// Lists the entry names of a directory (without "." and ".."), sorted;
// without regular files (symlinks stay) when skip_regular_files. NotFound
// when absent.
absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path,
                                                 bool skip_regular_files = false);

// Whether `path` exists (stat; false only on ENOENT/ENOTDIR). For a cheap,
// allocation-free "no data" check before listing a directory.
bool PathExists(const std::string& path);

// Lists the regular files of a directory (d_type, as Go's DirEntry.Type():
// symlinks are not regular), sorted. NotFound when absent.
absl::StatusOr<std::vector<std::string>> ListRegularFiles(const std::string& path);

// Lists the subdirectories of a directory (d_type DT_DIR, as Go's
// DirEntry.IsDir(): symlinks excluded), sorted. NotFound when absent.
absl::StatusOr<std::vector<std::string>> ListSubdirs(const std::string& path);

// procfs' util.SysReadFile through a cached file: the first 128 bytes,
// whitespace-trimmed, into *out (valid until the next read of that file).
// Returns 0 or the errno.
int SysReadFile(ProcFileSet& files, std::string_view path, std::string_view* out);
// Same, as a Status naming the path.
absl::Status SysReadFileStatus(ProcFileSet& files, std::string_view path, std::string_view* out);
// Joins a root and a relative path with exactly one '/'.
std::string JoinPath(std::string_view root, std::string_view rel);

}  // namespace outpost::integrations::node

#endif  // OUTPOST_INTEGRATIONS_NODE_UTIL_H_
