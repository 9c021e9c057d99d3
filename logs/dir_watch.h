// DirWatch: one inotify instance per logs instance, watching the
// directories its globs name, so that a file created or renamed there is
// picked up at once rather than at the next target_config.sync_period
// (Promtail's file target manager watches directories with fsnotify for
// the same reason: targets/file/filetargetmanager.go). One instance per
// logs instance, however many targets (loki#4740: instance exhaustion).
//
// Wait() also returns when Wake() is called (an eventfd), so the reader
// thread sleeps in one place for timers, directory events and stop.
//
// Thread-safety: Watch/Wait from the reader thread; Wake from any thread.
#ifndef OUTPOST_LOGS_DIR_WATCH_H_
#define OUTPOST_LOGS_DIR_WATCH_H_

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace outpost::logs {

struct DirEvent {
  std::string path;       // the name now (absolute)
  std::string from_path;  // for a rename within watched directories: the old name
};

class DirWatch {
 public:
  DirWatch();
  ~DirWatch();
  DirWatch(const DirWatch&) = delete;
  DirWatch& operator=(const DirWatch&) = delete;

  // Watches `dir` for files created or renamed into it (idempotent). False
  // when it cannot (missing directory, no inotify): the caller's periodic
  // sync still finds the files.
  bool Watch(const std::string& dir);
  bool watching(const std::string& dir) const;
  // Sleeps up to `timeout` or until events or Wake(); returns the events.
  std::vector<DirEvent> Wait(absl::Duration timeout);
  void Wake();

 private:
  int inotify_fd_ = -1;
  int wake_fd_ = -1;
  std::map<int, std::string> dirs_;  // watch descriptor -> directory
  std::map<uint32_t, std::string> moved_from_;  // rename cookie -> old path
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_DIR_WATCH_H_
