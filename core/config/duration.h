// Prometheus durations (prometheus/common model.ParseDuration and
// model.Duration.String), the syntax of every duration in the config file.
//
// Syntax: one or more <integer><unit> with units in decreasing order, each at
// most once: y (365d), w, d, h, m, s, ms. "0" alone is zero. No fractions, no
// sign, no spaces: "1h30m", "500ms", "2w", "1y" parse; "1.5h", "-1s", "1m1h"
// do not. Thread-safe, pure functions.
#ifndef OUTPOST_CORE_CONFIG_DURATION_H_
#define OUTPOST_CORE_CONFIG_DURATION_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace outpost::config {

// Parses `s`. Errors (InvalidArgument): `empty duration string`,
// `not a valid duration string: "5x"`, `duration out of range: "..."`.
absl::StatusOr<absl::Duration> ParseDuration(std::string_view s);

// Prometheus' canonical form: "0s", "1m30s", "5m", "1d", "2w", "1y", "1h1ms".
// Years and weeks are only used when they divide the duration exactly (90d
// stays "90d"). Sub-millisecond parts are dropped (truncated), negative
// durations print as "-" followed by the form of their absolute value.
std::string FormatPromDuration(absl::Duration d);

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_DURATION_H_
