// Go's time.ParseDuration, the syntax Promtail stages use for their own
// durations (metrics' max_idle_duration, duration-valued extracted values):
// an optional sign, then "0" alone or one or more <decimal><unit> with
// fractions allowed ("1.5h", "300ms", "-2h45m", ".5s") and units ns, us,
// µs/μs, ms, s, m, h. Not Prometheus' syntax (core/config/duration.h: no
// fractions, has d/w/y). Thread-safe, pure.
#ifndef OUTPOST_LOGS_STAGES_GO_DURATION_H_
#define OUTPOST_LOGS_STAGES_GO_DURATION_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace outpost::logs::stages {

// Nanoseconds; errors have Go's texts: `time: invalid duration "x"`,
// `time: missing unit in duration "1"`, `time: unknown unit "d" in duration
// "1d"`.
absl::StatusOr<int64_t> ParseGoDuration(std::string_view s);

}  // namespace outpost::logs::stages

#endif  // OUTPOST_LOGS_STAGES_GO_DURATION_H_
