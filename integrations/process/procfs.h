// Parsers of the /proc/<pid> files process_exporter reads
// (ncabatoff/process-exporter@v0.7.10 proc/read.go through
// prometheus/procfs), as pure functions on the file text, and the values
// they produce. The reading itself (kept descriptors) is in tracker.cc.
#ifndef OUTPOST_INTEGRATIONS_PROCESS_PROCFS_H_
#define OUTPOST_INTEGRATIONS_PROCESS_PROCFS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace outpost::integrations::process {

// proc/read.go: `const userHZ = 100` (not sysconf(_SC_CLK_TCK)).
inline constexpr double kUserHZ = 100;

// Counters of a process or thread (read.go Counts). Integer fields wrap as
// Go's uint64 does when a delta is negative (a thread exits).
struct Counts {
  double cpu_user = 0;
  double cpu_system = 0;
  uint64_t read_bytes = 0;
  uint64_t write_bytes = 0;
  uint64_t major_faults = 0;
  uint64_t minor_faults = 0;
  uint64_t ctx_voluntary = 0;
  uint64_t ctx_nonvoluntary = 0;

  void Add(const Counts& d);
  Counts Sub(const Counts& c) const;  // *this - c
};

struct Memory {
  uint64_t resident = 0;
  uint64_t virtual_ = 0;
  uint64_t swapped = 0;
  uint64_t proportional = 0;       // smaps_rollup Pss
  uint64_t proportional_swap = 0;  // smaps_rollup SwapPss
};

struct States {
  int running = 0, sleeping = 0, waiting = 0, zombie = 0, other = 0;
  void Add(const States& s);
  void AddState(char state);  // R, S, D, Z, anything else
};

// /proc/<pid>/stat (procfs ProcStat), the fields used.
struct Stat {
  std::string_view comm;  // a view into the parsed text
  char state = 0;
  int64_t ppid = 0;
  uint64_t minflt = 0, majflt = 0, utime = 0, stime = 0;
  int64_t num_threads = 0;
  uint64_t starttime = 0;  // clock ticks since boot
  uint64_t vsize = 0;
  int64_t rss = 0;  // pages
};
bool ParseStat(std::string_view text, Stat* out);

// /proc/<pid>/status (procfs ProcStatus), the fields used.
struct Status {
  int64_t effective_uid = 0;
  bool has_uid = false;
  uint64_t vm_swap_bytes = 0;
  uint64_t ctx_voluntary = 0;
  uint64_t ctx_nonvoluntary = 0;
};
bool ParseStatus(std::string_view text, Status* out);

// /proc/<pid>/io: read_bytes and write_bytes. False when a field procfs
// requires is missing or malformed.
bool ParseIo(std::string_view text, uint64_t* read_bytes, uint64_t* write_bytes);

// /proc/<pid>/limits: the soft "Max open files" (unlimited = 2^64-1, as
// procfs). False when the line is missing or malformed.
bool ParseOpenFilesLimit(std::string_view text, uint64_t* out);

// /proc/<pid>/smaps_rollup: Pss and SwapPss in bytes. False on a
// malformed line.
bool ParseSmapsRollup(std::string_view text, uint64_t* pss, uint64_t* swap_pss);

// /proc/<pid>/cmdline: argv (trailing NULs trimmed; empty text: no args).
void ParseCmdline(std::string_view text, std::vector<std::string>* out);

// /proc/<pid>/cgroup: each line's path; false (and an empty list) on a
// malformed line, as upstream then uses no cgroups.
bool ParseCgroups(std::string_view text, std::vector<std::string>* out);

// /proc/<pid>/wchan: "" for "0" (procfs Proc.Wchan).
std::string_view ParseWchan(std::string_view text);

// /proc/stat btime; false when missing.
bool ParseBootTime(std::string_view text, uint64_t* out);

}  // namespace outpost::integrations::process

#endif  // OUTPOST_INTEGRATIONS_PROCESS_PROCFS_H_
