// Internal to core/config: Debian 12's abseil (20220623) has its own
// absl::string_view, not an alias of std::string_view, so std::string_view
// arguments must be converted before reaching absl string functions.
#ifndef OUTPOST_CORE_CONFIG_STR_UTIL_H_
#define OUTPOST_CORE_CONFIG_STR_UTIL_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace outpost::config::internal {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

template <typename T>
decltype(auto) CatArg(const T& v) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return Sv(v);
  } else {
    return (v);
  }
}

// absl::StrCat that also takes std::string_view.
template <typename... A>
std::string Cat(const A&... a) {
  return absl::StrCat(CatArg(a)...);
}

}  // namespace outpost::config::internal

#endif  // OUTPOST_CORE_CONFIG_STR_UTIL_H_
