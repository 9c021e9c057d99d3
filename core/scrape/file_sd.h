// file_sd_configs (Prometheus discovery/file): target groups read from JSON
// or YAML files named by paths or globs,
//   [{"targets": ["host:port", ...], "labels": {"k": "v"}}, ...]
// each target also labeled __meta_filepath with its file. A file that is
// missing, unreadable or malformed contributes nothing and is reported;
// the other files still count (as upstream, which keeps the last good
// content of a file that turns bad — we do too, see FileSd::Refresh).
//
// Refresh() is cheap when nothing changed: it stats the matched files and
// re-reads only those whose size or mtime moved (upstream watches with
// fsnotify and re-reads every refresh_interval; the scrape manager calls
// Refresh every second and forces a re-read every refresh_interval).
//
// Thread-safety: one FileSd per file_sd_configs entry, used by one thread.
#ifndef OUTPOST_CORE_SCRAPE_FILE_SD_H_
#define OUTPOST_CORE_SCRAPE_FILE_SD_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/labels.h"
#include "core/config/config.h"
#include "core/scrape/target.h"

namespace outpost::scrape {

class FileSd {
 public:
  explicit FileSd(config::FileSdConfig cfg);

  // Re-reads changed files (all files when `force`). Returns true when the
  // target groups changed; problems go to *errors (one line each).
  bool Refresh(bool force, std::vector<std::string>* errors);

  // Discovered labels of every target (with __meta_filepath).
  std::vector<Labels> Targets() const;

 private:
  struct File {
    int64_t mtime_ns = -1;
    int64_t size = -1;
    std::vector<config::TargetGroup> groups;
  };
  const config::FileSdConfig cfg_;
  std::map<std::string, File> files_;
};

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_FILE_SD_H_
