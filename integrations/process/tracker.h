// process-exporter's Tracker and Grouper (ncabatoff/process-exporter@v0.7.10
// proc/tracker.go, proc/grouper.go, proc/read.go): one Update() scans
// <procfs>/ and folds the processes into named groups.
//
// Upstream semantics kept:
//   - a process is named once, when first seen (unless recheck: processes
//     that matched nothing are tried again every scan);
//   - the first rule that matches wins; with track_children an unmatched
//     process whose ancestor is tracked joins the ancestor's group;
//   - counters are per-group sums of per-process deltas, so they survive
//     process exits; a process present at the first scan contributes from
//     then on, one started later contributes its whole counts;
//   - groups once seen are reported forever (num_procs 0, no start time);
//   - every thread of a tracked process is read (ctx switches and states
//     come from them), whether or not thread metrics are emitted.
// Files are read through kept descriptors (pread from 0), up to a budget of
// a quarter of RLIMIT_NOFILE; beyond it they are opened per read.
//
// Thread-safety: none; one Update at a time.
#ifndef OUTPOST_INTEGRATIONS_PROCESS_TRACKER_H_
#define OUTPOST_INTEGRATIONS_PROCESS_TRACKER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "integrations/common/proc_file.h"
#include "integrations/process/matcher.h"
#include "integrations/process/procfs.h"

namespace outpost::integrations::process {

// One group as it stands after an Update (proc/grouper.go Group).
struct Group {
  std::string name;
  bool present = false;  // has processes this scan
  int procs = 0;
  Memory memory;
  uint64_t open_fds = 0;
  double worst_fd_ratio = 0;
  uint64_t num_threads = 0;
  States states;
  // Oldest start, in 1/100 s since the epoch; -1 when no process (Go's zero
  // time, whose Unix() is -62135596800).
  int64_t oldest_start_ticks = -1;
  Counts counts;  // accumulated over the life of the collector
  // Threads of this scan's processes waiting per wchan (0: not this scan).
  absl::flat_hash_map<std::string, int> wchans;
  // Per thread name: how many this scan, and accumulated counts.
  struct ThreadAgg {
    int num = 0;
    Counts counts;
  };
  absl::flat_hash_map<std::string, ThreadAgg> threads;
};

struct CollectErrors {
  uint64_t read = 0;
  uint64_t partial = 0;
};

class Tracker {
 public:
  struct Settings {
    std::string procfs_path = "/proc";
    bool track_children = true;
    bool gather_smaps = true;
    bool recheck = false;
    // Kept descriptors allowed; 0 picks a quarter of RLIMIT_NOFILE.
    size_t fd_budget = 0;
  };
  Tracker(Settings s, std::unique_ptr<Matcher> matcher);
  ~Tracker();

  // One scan. Error (upstream's "error reading procs") when <procfs>/ cannot
  // be listed or its boot time read; then the groups are unchanged. Counts
  // of per-process read and partial errors are added to *errs.
  absl::Status Update(CollectErrors* errs);

  // Every group seen so far, in order of first sight.
  const std::vector<std::unique_ptr<Group>>& groups() const { return groups_; }

  // Kept descriptors now open (for tests).
  size_t kept_files() const { return kept_; }

  struct Proc;
  struct Thread;

 private:
  bool ReadFile(ProcFile& f, std::string_view* out);
  bool ReadProcess(Proc& p, const Stat& st, CollectErrors* errs);
  bool ReadThreads(Proc& p);
  bool ReadStatic(Proc& p);
  void Track(Proc& p, int group);
  void Ignore(Proc& p);
  int CheckAncestry(Proc& p);
  int GroupIndex(const std::string& name);
  std::string_view Username(int64_t uid);
  void Fold();
  void Drop(Proc& p);

  Settings settings_;
  std::unique_ptr<Matcher> matcher_;
  uint64_t boot_time_ = 0;
  int64_t first_update_ns_ = 0;
  uint64_t round_ = 0;
  size_t kept_ = 0;
  bool fd_size_counts_ = false;  // count fds by stat() (see tracker.cc)
  absl::flat_hash_map<int, std::unique_ptr<Proc>> procs_;
  std::vector<std::unique_ptr<Group>> groups_;
  absl::flat_hash_map<std::string, int> group_index_;
  absl::flat_hash_map<int64_t, std::string> usernames_;
  // Scratch, reused between scans.
  std::vector<int> pids_, tids_;
  std::vector<Proc*> new_procs_;
  std::string name_buf_, path_buf_, one_shot_;
  std::unique_ptr<ProcFile> boot_stat_;
};

// The numeric entries of a directory (pids, tids), without allocating
// beyond *out's capacity. Returns 0 or the errno.
int ListNumeric(const std::string& dir, std::vector<int>* out);

// The number of entries of a directory ("." and ".." excluded), or -1.
int64_t CountEntries(const std::string& dir);

}  // namespace outpost::integrations::process

#endif  // OUTPOST_INTEGRATIONS_PROCESS_TRACKER_H_
