#include "core/config/duration.h"

#include <array>
#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/config/str_util.h"

namespace outpost::config {

using internal::Cat;
using internal::Sv;
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
  bool exact_only;  // formatter: use only when it divides the rest exactly
};

constexpr int64_t kDay = int64_t{24} * 60 * 60 * 1000;
// Order matters: parsing requires it, formatting follows it
// (prometheus/common model/time.go).
constexpr std::array<Unit, 7> kUnits = {{
    {"y", 365 * kDay, true},
    {"w", 7 * kDay, true},
    {"d", kDay, false},
    {"h", int64_t{60} * 60 * 1000, false},
    {"m", int64_t{60} * 1000, false},
    {"s", 1000, false},
    {"ms", 1, false},
}};

absl::Status Invalid(std::string_view s) {
  return absl::InvalidArgumentError(Cat("not a valid duration string: \"", s, "\""));
}

}  // namespace

absl::StatusOr<absl::Duration> ParseDuration(std::string_view s) {
  if (s.empty()) return absl::InvalidArgumentError("empty duration string");
  if (s == "0") return absl::ZeroDuration();
  size_t pos = 0;
  size_t next_unit = 0;  // units must appear in kUnits order, each once
  int64_t total_ms = 0;
  while (pos < s.size()) {
    size_t digits_end = pos;
    while (digits_end < s.size() && s[digits_end] >= '0' && s[digits_end] <= '9') ++digits_end;
    if (digits_end == pos) return Invalid(s);
    size_t unit_end = digits_end;
    while (unit_end < s.size() && (s[unit_end] < '0' || s[unit_end] > '9')) ++unit_end;
    std::string_view unit = s.substr(digits_end, unit_end - digits_end);
    size_t u = next_unit;
    while (u < kUnits.size() && kUnits[u].name != unit) ++u;
    if (u == kUnits.size()) return Invalid(s);
    next_unit = u + 1;
    // Accumulate with overflow checks: the result must fit in int64 ns,
    // as Go's time.Duration does.
    constexpr int64_t kMaxMs = std::numeric_limits<int64_t>::max() / 1000000;
    int64_t n = 0;
    for (size_t i = pos; i < digits_end; ++i) {
      if (n > (kMaxMs - (s[i] - '0')) / 10) {
        return absl::InvalidArgumentError(Cat("duration out of range: \"", s, "\""));
      }
      n = n * 10 + (s[i] - '0');
    }
    if (n > kMaxMs / kUnits[u].ms || total_ms > kMaxMs - n * kUnits[u].ms) {
      return absl::InvalidArgumentError(Cat("duration out of range: \"", s, "\""));
    }
    total_ms += n * kUnits[u].ms;
    pos = unit_end;
  }
  return absl::Milliseconds(total_ms);
}

std::string FormatPromDuration(absl::Duration d) {
  if (d < absl::ZeroDuration()) return Cat("-", FormatPromDuration(-d));
  int64_t ms = absl::ToInt64Milliseconds(d);
  if (ms == 0) return "0s";
  std::string out;
  for (const Unit& u : kUnits) {
    if (u.exact_only && ms % u.ms != 0) continue;
    if (int64_t v = ms / u.ms; v > 0) {
      out += Cat(v, u.name);
      ms -= v * u.ms;
    }
  }
  return out;
}

}  // namespace outpost::config
