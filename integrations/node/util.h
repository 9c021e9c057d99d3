// Building blocks shared by the node collectors: cached file readers, a
// series-handle cache, and allocation-free text parsing helpers.
//
// Thread-safety: none of these classes is thread-safe; each collector owns
// its own instances and is driven by one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_NODE_UTIL_H_
#define OUTPOST_INTEGRATIONS_NODE_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/base/absl_compat.h"
#include "core/base/metric.h"
#include "re2/re2.h"

namespace outpost::integrations::node {

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
  const std::string& path() const { return path_; }

 private:
  int ReadOnce(std::string_view* out);

  std::string path_;
  int fd_ = -1;
  std::string buf_;  // capacity in use; size() is the capacity
};

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

// Caches series handles by (family, label values) so that a steady-state
// collection does one hash lookup and no allocation per sample. The handles
// belong to one Appender: Begin() clears the cache when the Appender
// changes. Label names are given with each call and must be the same for a
// given family every time.
class SeriesCache {
 public:
  using LabelPairs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Call at the start of each collection.
  void Begin(Appender& app);
  // The handle of `family` with `labels` (values may be empty: such a label
  // is absent, as in Prometheus).
  SeriesRef Get(const MetricFamily& family, LabelPairs labels = {});
  // Same, with label names and values in parallel vectors.
  SeriesRef Get(const MetricFamily& family, const std::vector<std::string_view>& names,
                const std::vector<std::string_view>& values);

  // With any label set and a sample-name suffix (textfile passthrough,
  // where label names vary between series of one family).
  SeriesRef Get(const MetricFamily& family, const Labels& labels, std::string_view suffix);

  void Add(const MetricFamily& family, double value) { app_->Add(Get(family), value); }
  void Add(SeriesRef ref, double value) { app_->Add(ref, value); }
  void Add(const MetricFamily& family, LabelPairs labels, double value) {
    app_->Add(Get(family, labels), value);
  }

  void Add(const MetricFamily& family, const std::vector<std::string_view>& names,
           const std::vector<std::string_view>& values, double value) {
    app_->Add(Get(family, names, values), value);
  }

  size_t size() const { return refs_.size(); }

 private:
  void StartKey(const MetricFamily& family);
  SeriesRef Lookup(const MetricFamily& family, const std::vector<Label>& labels);

  Appender* app_ = nullptr;
  const Appender* last_app_ = nullptr;
  absl::flat_hash_map<std::string, SeriesRef> refs_;
  std::string key_;  // reused lookup key buffer
  std::vector<Label> scratch_;
  size_t used_ = 0;       // lookups in the current collection
  size_t last_used_ = 0;  // lookups in the previous collection
};

// Concatenates strings, string views (std and absl) and integers. Debian's
// abseil has its own string_view type, so absl::StrCat does not take
// std::string_view; this does.
namespace cat_internal {
inline void Append(std::string& s, std::string_view v) { s.append(v); }
inline void Append(std::string& s, absl::string_view v) { s.append(v.data(), v.size()); }
inline void Append(std::string& s, const char* v) { s.append(v); }
inline void Append(std::string& s, const std::string& v) { s.append(v); }
template <typename I>
requires std::is_integral_v<I>
void Append(std::string& s, I v) { s += std::to_string(v); }
}  // namespace cat_internal
template <typename... T>
std::string Cat(const T&... parts) {
  std::string s;
  (cat_internal::Append(s, parts), ...);
  return s;
}

// Metric families whose names come from the data (meminfo, vmstat, netstat
// fields), made on first sight and kept at stable addresses, as the
// Appender requires.
class DynamicFamilies {
 public:
  // The family for `key`; on first use, make(key) builds it.
  template <typename Make>
  const MetricFamily& Get(std::string_view key, Make make) {
    auto it = families_.find(ToAbsl(key));
    if (it != families_.end()) return *it->second;
    auto f = std::make_unique<MetricFamily>(make(key));
    return *families_.emplace(std::string(key), std::move(f)).first->second;
  }

 private:
  absl::flat_hash_map<std::string, std::unique_ptr<MetricFamily>> families_;
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

// --- Parsing helpers (pure, allocation-free) ---

// Whole-string number parsing; false on any garbage or an empty string.
bool ParseDouble(std::string_view s, double* out);
bool ParseUint(std::string_view s, uint64_t* out);
bool ParseInt(std::string_view s, int64_t* out);
// Parses a hexadecimal unsigned integer (no 0x) as a double.
bool ParseHexAsDouble(std::string_view s, double* out);
// Parses an unsigned integer and returns it as a double.
bool ParseUintAsDouble(std::string_view s, double* out);

// Splits `s` on runs of spaces/tabs into at most `max` fields; returns the
// number of fields written to `out`.
size_t SplitFields(std::string_view s, std::string_view* out, size_t max);

// Cuts the next line (without '\n') off the front of *text; false at the end.
bool NextLine(std::string_view* text, std::string_view* line);

// Strips ASCII whitespace at both ends.
std::string_view Trim(std::string_view s);

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
// An errno as a Status (NotFound for ENOENT, PermissionDenied for EACCES and
// EPERM), naming the operation and path.
absl::Status ErrnoToStatus(int err, std::string_view what, std::string_view path);

// Go's strings.ToValidUTF8(s, "\uFFFD"): each run of invalid UTF-8 bytes
// becomes one replacement character.
std::string ToValidUtf8(std::string_view s);

// Joins a root and a relative path with exactly one '/'.
std::string JoinPath(std::string_view root, std::string_view rel);

}  // namespace outpost::integrations::node

#endif  // OUTPOST_INTEGRATIONS_NODE_UTIL_H_
