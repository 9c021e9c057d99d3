// Allocation-free text helpers shared by the integrations: whole-string
// number parsing (C++ and Go rules), field and line splitting, trimming,
// string concatenation that takes both string_view types, UTF-8 repair.
//
// All functions are pure and thread-safe. Parsers return false on any
// garbage (nothing written to *out then), never throw.
#ifndef OUTPOST_INTEGRATIONS_COMMON_TEXT_H_
#define OUTPOST_INTEGRATIONS_COMMON_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace outpost::integrations {

// Concatenates strings, string views (std and absl) and integers. Debian's
// abseil has its own string_view type, so absl::StrCat does not take
// std::string_view; this does.
namespace cat_internal {
inline void Append(std::string& s, std::string_view v) { s.append(v); }
inline void Append(std::string& s, absl::string_view v) { s.append(v.data(), v.size()); }
inline void Append(std::string& s, const char* v) { s.append(v); }
inline void Append(std::string& s, const std::string& v) { s.append(v); }
template <typename I>
requires std::is_integral_v<I>
void Append(std::string& s, I v) { s += std::to_string(v); }
}  // namespace cat_internal
template <typename... T>
std::string Cat(const T&... parts) {
  std::string s;
  (cat_internal::Append(s, parts), ...);
  return s;
}

// Whole-string number parsing (std::from_chars rules: no leading space, no
// "0x"; ParseDouble also takes a leading '+'); false on any garbage, an
// empty string or a value out of range.
bool ParseDouble(std::string_view s, double* out);
bool ParseUint(std::string_view s, uint64_t* out);
bool ParseInt(std::string_view s, int64_t* out);
// Parses a hexadecimal unsigned integer (no 0x) as a double.
bool ParseHexAsDouble(std::string_view s, double* out);
// Parses an unsigned integer and returns it as a double.
bool ParseUintAsDouble(std::string_view s, double* out);

// What ParseGoFloat does with a well-formed number outside double's range
// (Go's strconv.ParseFloat returns ±Inf with ErrRange for an overflow).
enum class OutOfRange {
  kReject,  // false: for callers that drop a value when Go's err != nil
  kKeep,    // true, ±Inf (overflow) or the rounded value (underflow): for
            // callers that use Go's value whatever the error
};

// Go's strconv.ParseFloat(s, 64) for decimal forms: optional sign, digits
// with an optional '.' and exponent, "inf"/"infinity"/"nan" in any case (no
// sign on NaN). No surrounding space, no hex floats, no '_'.
bool ParseGoFloat(std::string_view s, double* out, OutOfRange range = OutOfRange::kReject);

// Go's strconv.FormatFloat(v, 'g', -1, 64), which is also fmt's %v of a
// float64 ("1e-06", "2.5", "1e+06"; NaN, +Inf, -Inf).
std::string FormatGoFloat(double v);

// Splits `s` on runs of spaces/tabs into at most `max` fields; returns the
// number of fields written to `out`.
size_t SplitFields(std::string_view s, std::string_view* out, size_t max);

// Cuts the next line (without '\n') off the front of *text; false at the end.
bool NextLine(std::string_view* text, std::string_view* line);

// Strips ASCII whitespace (" \t\n\v\f\r", Go's strings.TrimSpace for ASCII
// text) at both ends.
std::string_view Trim(std::string_view s);

// Go's strings.ToValidUTF8(s, "\uFFFD"): each run of invalid UTF-8 bytes
// becomes one replacement character.
std::string ToValidUtf8(std::string_view s);

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_TEXT_H_
