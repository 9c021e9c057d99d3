// Environment-variable expansion of the raw config text, as Grafana Agent's
// -config.expand-env does it: drone/envsubst v2 (parse/parse.go,
// parse/scan.go, funcs.go) with the agent's lookup wrapper
// (static/config/config.go getenv).
//
// Semantics (all checked against drone/envsubst's parser):
//   ${VAR}            value of VAR; undefined -> ""
//   ${VAR:-def} ${VAR:=def} ${VAR=def} ${VAR:+x} ${VAR:?x}
//                     all behave like bash's ":-" in drone/envsubst: the
//                     value when non-empty, else the (expanded) default.
//                     Defaults may nest: ${A:-${B:-x}}.
//   ${#VAR}           length; ${VAR^} ${VAR^^} ${VAR,} ${VAR,,} case changes
//   ${VAR:off} ${VAR:off:len}, ${VAR#pat} ${VAR##pat} ${VAR%pat}
//   ${VAR%%pat}, ${VAR/pat/rep} ${VAR//pat/rep} ${VAR/#pat/rep}
//   ${VAR/%pat/rep}   as in drone/envsubst (glob patterns as Go path.Match).
//   $$                a literal "$" ("$${VAR}" gives "${VAR}").
//   $VAR              left as written: drone/envsubst only expands ${...}.
//   ${1}, ${12}       numeric names (regex capture references in relabel
//                     replacements) are left as written; as in the agent,
//                     ${1:-x} therefore gives "${1}".
// Variable names are letters, digits, '_' and '-' (so "${A-b}" names the
// variable "A-b", as in drone/envsubst).
// Errors (InvalidArgument, with 1-based line:col of the offending "${"):
// "missing closing brace", "unable to parse variable name", "bad
// substitution". Thread-safe if `lookup` is.
#ifndef OUTPOST_CORE_CONFIG_ENVSUBST_H_
#define OUTPOST_CORE_CONFIG_ENVSUBST_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace outpost::config {

// Returns the variable's value, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// The process environment (getenv).
EnvLookup ProcessEnv();

absl::StatusOr<std::string> Envsubst(std::string_view text, const EnvLookup& lookup);

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_ENVSUBST_H_
