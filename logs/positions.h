// The positions file: how far each tailed file was shipped, in Promtail's
// format (loki clients/pkg/promtail/positions/positions.go), so a Promtail
// or Grafana Agent positions file is picked up when migrating and ours can
// be read by them:
//
//   positions:
//     /var/log/syslog: "1234"
//     cursor-journal: "s=0123...;i=42"
//     outpost-id:/var/log/syslog: "2049:131075:1024:8a3f0c21"
//
// Values are strings. Outpost also identifies a file by device, inode and a
// fingerprint (length and CRC32C of its first bytes, hex), stored in the
// same map under `outpost-id:<path>` ("<dev>:<ino>:<fp_len>:<fp_crc hex>",
// then ":<origin path>" for a file rotated out of its glob):
// Promtail strict-parses only the `positions:` map, so it reads our file;
// its sync deletes the keys whose path does not stat (all but cursor- and
// journal- keys), which only loses our extras.
//
// Damage (not YAML, another schema, NUL bytes, a truncated last line, an
// offset that is not a number; Promtail field failures loki#6268, #1457,
// where Promtail refused to start) is recovered, never fatal: every
// well-formed line (`<path>: "<offset>"`, `outpost-id:...`, `cursor-...`)
// is kept, the damaged file is moved aside to `<file>.corrupt` for
// inspection, the salvaged entries are written back at once, and ONE
// warning names the file, how many entries were kept and what was wrong.
// Files whose entry was lost are read again from their start (Promtail's
// rule for a file without a position). To start from scratch instead, stop
// the agent and delete the positions file. `ignore_invalid_yaml` (Promtail:
// treat an invalid file as empty) is honoured by being improved on: the
// salvage runs either way, since keeping the good entries beats re-reading
// everything; with it set the line is logged at info level instead of
// warn (the operator said invalid files are expected). An empty file is an
// empty map and one info line.
//
// YAML holds only Unicode text: a path (or cursor) that is not valid UTF-8
// keeps its position in memory but is not written (after a restart such a
// file is read from its start), and such an entry in a file is damage.
//
// Thread-safe (a mutex inside); Write is serialised with itself and does its
// I/O outside the lock that Get/Put take.
#ifndef OUTPOST_LOGS_POSITIONS_H_
#define OUTPOST_LOGS_POSITIONS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace outpost::logs {

// Which file a position belongs to: device + inode, and a fingerprint of
// its first fp_len bytes (CRC32C) so that a reused inode is told apart.
struct FileIdentity {
  uint64_t dev = 0, ino = 0;
  uint32_t fp_len = 0;
  uint32_t fp_crc = 0;
  // For a file rotated out of its glob (app.log -> app.log.1 with glob
  // app.log): the path it was tailed under, so that after a restart it is
  // found again and finished under its target. "" otherwise.
  std::string origin;
  bool operator==(const FileIdentity&) const = default;
};

struct FilePosition {
  std::string path;
  int64_t offset = 0;
  std::optional<FileIdentity> id;
  bool operator==(const FilePosition&) const = default;
};

class Positions {
 public:
  // Missing file: empty. Empty file: empty + one info line. Damaged file:
  // salvaged as described above. Never fails: a file that cannot be read
  // at all (permissions) is one warning and an empty map.
  static std::unique_ptr<Positions> Open(std::string filename, bool ignore_invalid_yaml);

  std::optional<FilePosition> Get(std::string_view path) const;
  // The entry whose identity matches dev+ino (any path): a rotated file
  // found under a new name.
  std::optional<FilePosition> FindByInode(uint64_t dev, uint64_t ino) const;
  void Put(const FilePosition& p);  // replaces the entry of p.path
  void Remove(std::string_view path);
  std::optional<std::string> GetCursor(std::string_view key) const;  // "cursor-<job>"
  void PutCursor(std::string_view key, std::string_view value);
  std::vector<FilePosition> All() const;  // sorted by path

  // Writes atomically if anything changed since the last successful Write:
  // a temp file in the same directory, written, fsynced when `durable`,
  // renamed over the file (and the directory fsynced when durable); mode
  // 0600; the directory is created (0775) when missing. Without `durable`
  // it costs one small write and a rename (fine after every acknowledged
  // batch); the file then survives a crash of the process, not a power
  // loss. Errors are returned (the caller logs them once per state change).
  absl::Status Write(bool durable);
  // Creates the directory of positions file `filename` (mkdir -p, 0775, as
  // Grafana Agent creates positions_directory at start: static/logs/logs.go).
  static absl::Status MakeDirectory(const std::string& filename);

  const std::string& filename() const { return filename_; }

  // The file's text for the current entries (what Write writes).
  std::string Serialize() const;

 private:
  explicit Positions(std::string filename) : filename_(std::move(filename)) {}
  struct Entry {
    int64_t offset = 0;
    std::optional<FileIdentity> id;
  };
  // Parses `text`; returns the problem found ("" when clean).
  std::string Parse(std::string_view text);

  const std::string filename_;
  absl::Mutex write_mu_;  // one Write at a time
  mutable absl::Mutex mu_;
  std::map<std::string, Entry, std::less<>> files_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string, std::less<>> cursors_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // bumped by every change
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;     // generation on disk
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_POSITIONS_H_
