// Debian 12's abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0, so
// absl::string_view (what absl::Status::message() and absl's string
// functions use) is a type of its own. These convert without copying.
#ifndef OUTPOST_CORE_BASE_ABSL_COMPAT_H_
#define OUTPOST_CORE_BASE_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace outpost {

inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }
inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_ABSL_COMPAT_H_
