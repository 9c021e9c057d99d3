// The journal target of a logs scrape config (`journal:`): reads the systemd
// journal through libsystemd's sd-journal API and turns each entry into a
// labelled line, as Promtail's journal target does (loki
// clients/pkg/promtail/targets/journal/journaltarget.go, metrics.go;
// ../shared/reference/logs.md §2 "journal").
//
// What an entry becomes:
// - labels: every field F as `__journal_<lower-case F>` (PRIORITY also as
//   `__journal_priority_keyword`: 0..7 -> emerg, alert, crit, error,
//   warning, notice, info, debug; another value is kept as is), then the
//   block's `labels:` (they win over a field label of the same name), then
//   the scrape config's relabel_configs, then every "__" label removed. An
//   entry dropped by relabeling or left without labels is skipped
//   (parsing error "empty_labels").
// - line: MESSAGE; without MESSAGE the entry is skipped (parsing error
//   "no_message"). With `json: true`: every field of the entry as one JSON
//   object, keys sorted, values strings, escaped as Go's encoding/json does
//   (<, >, & as \u003c.., U+2028/9 escaped, each byte of invalid UTF-8 as
//   \ufffd; jsoniter ConfigCompatibleWithStandardLibrary upstream).
// - timestamp: the entry's realtime timestamp.
// A field that occurs twice in an entry counts once, the later one (Go map
// upstream). Values are bytes: not valid UTF-8 or binary, they are passed
// on unchanged in labels and MESSAGE, as upstream (the Loki encoder quotes
// label values as Go does). Fields are read with sd-journal's default data
// threshold (64 KiB, a hint) as upstream.
//
// Where reading starts (Open): after the saved cursor when it names an
// entry not older than max_age (the cursor's entry itself is not read
// again: Promtail re-reads it, outpost does not); with no saved cursor, an
// unusable one, or one older than max_age, at now - max_age. `matches` are
// added with sd_journal_add_match: different fields must all match (AND);
// the same field given twice matches either value (sd-journal's rule, as
// upstream). `path` empty opens the local system journal
// (SD_JOURNAL_LOCAL_ONLY: /var/log/journal and /run/log/journal), else
// every journal file of that directory (and its machine-id subdirectories).
//
// Files that journald rotates or vacuums, and files added to the
// directory, are followed by sd-journal itself when sd_journal_process runs
// (Read calls it first): reading goes on from the last entry read, in the
// other files, without a stall; entries of a deleted file that were not
// read yet are gone.
//
// Not thread-safe: one thread (the instance's reader thread) uses a
// target. JournalMetrics is thread-safe.
#ifndef OUTPOST_LOGS_JOURNAL_TARGET_H_
#define OUTPOST_LOGS_JOURNAL_TARGET_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/base/labels.h"
#include "core/config/logs_config.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

struct sd_journal;

namespace outpost::logs {

// Promtail's journal target metrics (targets/journal/metrics.go), shared by
// the journal targets of one logs instance, with Grafana Agent's
// logs_config label. The series go with the object.
class JournalMetrics {
 public:
  JournalMetrics(prometheus::Registry& registry, const std::string& logs_config);
  ~JournalMetrics();
  JournalMetrics(const JournalMetrics&) = delete;
  JournalMetrics& operator=(const JournalMetrics&) = delete;


 private:
  prometheus::Family<prometheus::Counter>& lines_family_;
  prometheus::Family<prometheus::Counter>& errors_family_;

 public:
  prometheus::Counter& lines;         // promtail_journal_target_lines_total
  prometheus::Counter& no_message;    // ..._parsing_errors_total{error="no_message"}
  prometheus::Counter& empty_labels;  // ..._parsing_errors_total{error="empty_labels"}
};

// One entry handed to Read's callback. The references are valid during the
// callback only.
struct JournalRecord {
  const Labels& labels;     // after relabeling; no "__" label; not empty
  int64_t ts_ns;            // realtime timestamp (microsecond precision)
  std::string_view line;    // MESSAGE, or the JSON object with `json`
  std::string_view cursor;  // store as the PositionKey() value once acknowledged
  // 1, 2, 3, ... in the order records are taken from this target (a
  // refused record is handed out again with the same seq; after SeekAfter
  // the numbers go on growing): usable as EntrySource's range.
  uint64_t seq;
};

class JournalTarget {
 public:
  // `sc.journal` must be set. `saved_cursor`: the positions file's value
  // for PositionKey() (nullopt or "" when none). `now`: the time max_age
  // counts back from. `metrics` may be null. Fails when the journal cannot
  // be opened (e.g. `path` missing or unreadable) or a match is refused.
  static absl::StatusOr<std::unique_ptr<JournalTarget>> Open(
      const config::LogsScrapeConfig& sc, std::optional<std::string> saved_cursor,
      absl::Time now, JournalMetrics* metrics = nullptr);
  ~JournalTarget();
  JournalTarget(const JournalTarget&) = delete;
  JournalTarget& operator=(const JournalTarget&) = delete;

  // "cursor-<job_name>" (Promtail positions.CursorKey).
  std::string PositionKey() const;
  const std::string& job() const { return job_; }
  // How Open chose the start: "cursor" (after the saved cursor) or
  // "max_age" (at now - max_age), and why, for the instance's log line.
  const std::string& start() const { return start_; }

  // Processes the journal's change events (sd_journal_process: new, rotated
  // and deleted files), then reads entries after the last one consumed. An
  // entry is consumed when `fn` returns true for it, or when it is skipped
  // (no MESSAGE, no labels: counted in JournalMetrics, never shown to fn).
  // When `fn` returns false the entry stays unconsumed, Read returns, and
  // the next Read hands it out first. Reads at most `max` entries (counting
  // skipped ones) and returns how many were consumed: `max` means there may
  // be more. Never blocks (no wait on the journal).
  size_t Read(size_t max, const std::function<bool(const JournalRecord&)>& fn);

  // The next Read starts just after the entry named by `cursor` (a rewind
  // to the last acknowledged entry after a batch was given up, or a skip
  // forward). If that entry is gone, the first entry after where it was.
  absl::Status SeekAfter(std::string_view cursor);

  // sd-journal's inotify descriptor: it becomes readable (POLLIN) when the
  // journal changed. Optional: a caller may poll it to wake up at once
  // instead of polling Read on a timer. Owned by the target.
  int fd() const { return fd_; }

 private:
  JournalTarget() = default;
  // Reads the current entry into the members below; false when it cannot
  // be read (e.g. its file was just deleted).
  bool LoadEntry();
  // Labels and line of the loaded entry; false (and counted) when skipped.
  bool Build();
  void BuildJson();
  // Seeks to `cursor` and steps onto its entry (consumed) or the first
  // after it (pending). Returns the entry's realtime, 0 when at the tail.
  absl::StatusOr<uint64_t> SeekCursor(const std::string& cursor);

  sd_journal* j_ = nullptr;
  int fd_ = -1;
  std::string job_;
  std::string start_;
  bool json_ = false;
  std::vector<relabel::Config> relabel_;
  std::vector<std::pair<std::string, std::string>> static_labels_;
  JournalMetrics* metrics_ = nullptr;
  // The journal is positioned on an entry that was not consumed yet.
  bool pending_ = false;
  uint64_t seq_ = 0;
  bool read_failing_ = false;  // to log a read error once per state change

  // The current entry (reused buffers).
  uint64_t realtime_usec_ = 0;
  std::string cursor_;
  std::vector<std::pair<std::string, std::string>> fields_;  // FIELD, value
  size_t nfields_ = 0;
  std::vector<size_t> order_;  // JSON: indexes of fields_, sorted
  Labels labels_;
  std::string line_;
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_JOURNAL_TARGET_H_
