#include "logs/stages/byte_size.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"

namespace outpost::logs::stages {

bool ParseByteSize(std::string_view text, uint64_t* out, std::string* error) {
  const std::string s = absl::AsciiStrToUpper(ToAbsl(text));
  auto fail = [&](std::string_view why) {
    *error = absl::StrCat("strconv.UnmarshalText: parsing \"", s, "\": ", ToAbsl(why));
    return false;
  };
  uint64_t val = 0;
  size_t i = 0;
  for (; i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i])); ++i) {
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (val > (UINT64_MAX - d) / 10) return fail("value out of range");
    val = val * 10 + d;
  }
  if (i == 0 && !s.empty()) return fail("invalid syntax");
  const std::string unit =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(absl::string_view(s).substr(i)));
  static constexpr std::pair<std::string_view, int> kUnits[] = {
      {"", 0},         {"b", 0},          {"byte", 0},       {"k", 10},         {"kb", 10},
      {"kilo", 10},    {"kilobyte", 10},  {"kilobytes", 10}, {"m", 20},         {"mb", 20},
      {"mega", 20},    {"megabyte", 20},  {"megabytes", 20}, {"g", 30},         {"gb", 30},
      {"giga", 30},    {"gigabyte", 30},  {"gigabytes", 30}, {"t", 40},         {"tb", 40},
      {"tera", 40},    {"terabyte", 40},  {"terabytes", 40}, {"p", 50},         {"pb", 50},
      {"peta", 50},    {"petabyte", 50},  {"petabytes", 50}, {"e", 60},         {"eb", 60},
  };
  for (const auto& [name, shift] : kUnits) {
    if (unit != name) continue;
    if (shift > 0 && val > (UINT64_MAX >> shift)) return fail("value out of range");
    *out = val << shift;
    return true;
  }
  return fail("invalid syntax");
}

}  // namespace outpost::logs::stages
