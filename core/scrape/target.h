// From discovered labels to a scrape target, as Prometheus' populateLabels
// (scrape/target.go, 2.42): the scrape config's defaults (job,
// __scheme__, __metrics_path__, __scrape_interval__, __scrape_timeout__,
// __param_<name>) fill what discovery did not set, relabel_configs run, the
// address gets the scheme's default port when it has none, "__"-prefixed
// labels are removed and `instance` defaults to the address.
#ifndef OUTPOST_CORE_SCRAPE_TARGET_H_
#define OUTPOST_CORE_SCRAPE_TARGET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/base/labels.h"
#include "core/config/config.h"

namespace outpost::scrape {

struct Target {
  Labels labels;      // the target's labels (job, instance, ...)
  Labels discovered;  // what discovery gave, before relabeling (masked)
  std::string url;    // scheme://address/path?params, password included
  absl::Duration interval;
  absl::Duration timeout;
  // Identity of the target within its job: labels and URL.
  uint64_t Hash() const;
};

// nullopt when relabeling dropped the target; an error names what is wrong
// with it (no address, a bad interval label, ...).
absl::StatusOr<std::optional<Target>> PopulateTarget(const Labels& discovered,
                                                     const config::ScrapeConfig& cfg);

// `discovered` for display (targets API, logs): the password of
// __address__ masked (config/url.h). (http_sd masks __meta_url itself.)
Labels MaskDiscovered(Labels discovered);

// The discovered labels of each target of a group: the group's labels plus
// __address__.
std::vector<Labels> GroupTargets(const config::TargetGroup& group);

// Parses target groups in file_sd's format, JSON or YAML (the two are read
// alike), as file_sd and http_sd serve them:
//   [{"targets": ["host:port", ...], "labels": {"k": "v"}}, ...]
// `source` (a path or URL) names the groups (`source:index`) and prefixes
// error messages.
absl::StatusOr<std::vector<config::TargetGroup>> ParseTargetGroups(const std::string& source,
                                                                   std::string_view content);

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_TARGET_H_
