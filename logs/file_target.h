// File targets of a logs scrape config: static_configs label sets run
// through relabel_configs into (labels, __path__ glob, __path_exclude__),
// as Promtail's file target manager builds them
// (loki clients/pkg/promtail/targets/file/filetargetmanager.go).
#ifndef OUTPOST_LOGS_FILE_TARGET_H_
#define OUTPOST_LOGS_FILE_TARGET_H_

#include <map>
#include <string>
#include <vector>

#include "core/base/labels.h"
#include "core/config/logs_config.h"

namespace outpost::logs {

struct FileTarget {
  std::string job;
  Labels labels;             // after relabeling, every "__" label removed
  std::string path_glob;     // absolute
  std::string exclude_glob;  // absolute; empty: none
  size_t scrape = 0;         // index of its scrape config (its pipeline)
};

// The targets of `sc`. A target group without `targets` is one target with
// __address__="localhost". Relabeling may drop a target ("dropped"); one
// without __path__ is dropped ("no_path"); one whose __host__ is set and is
// not `hostname` is dropped ("wrong_host"); a second target with the same
// path, labels and exclude is dropped ("exists"). `failed` counts each
// reason (promtail_targets_failed_total). Relative globs are made absolute
// against `cwd` (Promtail: filepath.Abs).
std::vector<FileTarget> BuildFileTargets(const config::LogsScrapeConfig& sc,
                                         const std::string& cwd, const std::string& hostname,
                                         std::map<std::string, int>* failed);

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_FILE_TARGET_H_
