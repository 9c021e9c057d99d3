#include "core/base/integration.h"

#include "absl/strings/cord.h"
#include "core/base/absl_compat.h"

namespace outpost {
namespace {

// The payload that marks a TargetDown status (absl::Status payloads are
// keyed by a type URL).
constexpr char kTargetDownUrl[] = "outpost/target-down";

}  // namespace

absl::Status TargetDown(std::string_view message) {
  absl::Status s = absl::UnavailableError(ToAbsl(message));
  s.SetPayload(kTargetDownUrl, absl::Cord("1"));
  return s;
}

bool IsTargetDown(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kTargetDownUrl).has_value();
}

}  // namespace outpost
