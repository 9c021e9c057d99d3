// Prometheus relabeling (model/relabel/relabel.go), with RE2 as Prometheus
// uses Go's regexp (same RE2 syntax). Regexes are fully anchored.
//
// Usage: fill Configs (from YAML), Compile() each once (config load), then
// call Process() for every new series. `$1`, `${1}`, `$name` in
// replacement/target_label expand as Go's Regexp.Expand (core/relabel/expand.h).
//
// Thread-safety: a compiled Config is immutable and may be shared by any
// number of threads calling Process() concurrently.
#ifndef OUTPOST_CORE_RELABEL_RELABEL_H_
#define OUTPOST_CORE_RELABEL_RELABEL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/base/labels.h"

namespace re2 {
class RE2;
}

namespace outpost::relabel {

enum class Action {
  kReplace,
  kKeep,
  kDrop,
  kKeepEqual,
  kDropEqual,
  kHashMod,
  kLabelMap,
  kLabelDrop,
  kLabelKeep,
  kLowercase,
  kUppercase,
};

// Prometheus' (legacy) label name rule: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);

// "replace", "keep", ... as written in YAML (lower case).
std::string_view ActionName(Action a);
// Accepts the YAML spelling, case-insensitively as Prometheus does.
std::optional<Action> ParseAction(std::string_view s);

struct Config {
  std::vector<std::string> source_labels;
  std::string separator = ";";
  std::string regex = "(.*)";  // as written; compiled as ^(?:regex)$
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement = "$1";
  Action action = Action::kReplace;

  // Set by Compile(); shared so that copies of a Config stay cheap.
  std::shared_ptr<const re2::RE2> compiled;
};

// Validates `c` with Prometheus' rules (relabel.Config.Validate: regex
// compiles, modulus for hashmod, target_label for replace/hashmod/...,
// labeldrop/labelkeep take only regex, ...) and compiles its regex. The
// error names the field, e.g. "invalid regex \"(\": missing ): ...".
// Also rejects source_labels that are not valid label names (Prometheus'
// model.LabelNames does so while parsing YAML). Messages follow upstream's
// wording (e.g. "relabel configuration for replace action requires
// 'target_label' value"). Returns InvalidArgument; on error `c.compiled` is
// left unchanged.
// Difference: upstream tells an explicit `regex: (.*)` from the default one
// for keepequal/dropequal; we compare the text, so both are accepted.
absl::Status Compile(Config& c);

// Applies `cfgs` in order to `labels` (which include __name__). Returns
// false when a keep/drop rule dropped the series; `labels` is then
// unspecified. Every Config must have been compiled (aborts otherwise: a
// caller bug). A result value that is empty deletes the label.
bool Process(std::span<const Config> cfgs, Labels& labels);

}  // namespace outpost::relabel

#endif  // OUTPOST_CORE_RELABEL_RELABEL_H_
