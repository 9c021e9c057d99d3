// GoTemplate's functions and literals: the function table, Go's
// strconv.Unquote for string and character literals, and Go's number
// literals (text/template/parse/node.go newNumber, strconv ParseInt/
// ParseFloat with base prefixes and underscores).
#include <charconv>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/utf8.h"
#include "core/template/go_template_internal.h"

namespace outpost::tmpl::gotmpl {
re2::RE2::Options RegexOptions() {
  re2::RE2::Options o;
  o.set_log_errors(false);
  return o;
}

namespace {

using S = Param;
constexpr Param A = Param::kAny;
// Promtail's extra functions (template.go extraFunctionMap: Go's strings
// functions, Hash/Sha2Hash(salt, input), sprig's regex argument order) and
// text/template's comparison and logic builtins.
constexpr FnInfo kFunctions[] = {
    {"ToLower", Fn::kToLower, 1, 1, {S::kString}},
    {"ToUpper", Fn::kToUpper, 1, 1, {S::kString}},
    {"Replace", Fn::kReplace, 4, 4, {S::kString, S::kString, S::kString, S::kInt}},
    {"Trim", Fn::kTrim, 2, 2, {S::kString, S::kString}},
    {"TrimLeft", Fn::kTrimLeft, 2, 2, {S::kString, S::kString}},
    {"TrimRight", Fn::kTrimRight, 2, 2, {S::kString, S::kString}},
    {"TrimPrefix", Fn::kTrimPrefix, 2, 2, {S::kString, S::kString}},
    {"TrimSuffix", Fn::kTrimSuffix, 2, 2, {S::kString, S::kString}},
    {"TrimSpace", Fn::kTrimSpace, 1, 1, {S::kString}},
    {"Hash", Fn::kHash, 2, 2, {S::kString, S::kString}},
    {"Sha2Hash", Fn::kSha2Hash, 2, 2, {S::kString, S::kString}},
    {"regexReplaceAll", Fn::kRegexReplaceAll, 3, 3, {S::kString, S::kString, S::kString}},
    {"regexReplaceAllLiteral",
     Fn::kRegexReplaceAllLiteral,
     3,
     3,
     {S::kString, S::kString, S::kString}},
    // eq takes one or more; with one it can only fail ("missing argument").
    {"eq", Fn::kEq, 2, 255, {A, A, A, A}},
    {"ne", Fn::kNe, 2, 2, {A, A}},
    {"lt", Fn::kLt, 2, 2, {A, A}},
    {"le", Fn::kLe, 2, 2, {A, A}},
    {"gt", Fn::kGt, 2, 2, {A, A}},
    {"ge", Fn::kGe, 2, 2, {A, A}},
    {"and", Fn::kAnd, 1, 255, {A, A, A, A}},
    {"or", Fn::kOr, 1, 255, {A, A, A, A}},
    {"not", Fn::kNot, 1, 1, {A}},
};

}  // namespace

const FnInfo* FindFunction(std::string_view name) {
  for (const FnInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ValidRune(uint32_t r) { return r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff); }

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One character of a quoted literal at s[*i] (Go's strconv.UnquoteChar),
// appended to *out; *rune gets its value. False when invalid.
bool UnquoteChar(std::string_view s, size_t* i, char quote, std::string* out, uint32_t* rune) {
  const char c = s[*i];
  if (c == quote) return false;
  if (static_cast<unsigned char>(c) >= 0x80) {
    size_t len;
    bool valid;
    uint32_t r = DecodeRune(s, *i, &len, &valid);
    if (!valid) r = 0xfffd;
    AppendRune(r, out);
    *rune = r;
    *i += len;
    return true;
  }
  if (c != '\\') {
    out->push_back(c);
    *rune = static_cast<unsigned char>(c);
    ++*i;
    return true;
  }
  if (*i + 1 >= s.size()) return false;
  const char e = s[*i + 1];
  *i += 2;
  static constexpr std::string_view kSimple = "a\ab\bf\fn\nr\rt\tv\v\\\\";
  for (size_t k = 0; k < kSimple.size(); k += 2) {
    if (kSimple[k] == e) {
      out->push_back(kSimple[k + 1]);
      *rune = static_cast<unsigned char>(kSimple[k + 1]);
      return true;
    }
  }
  if (e == '\'' || e == '"') {
    if (e != quote) return false;
    out->push_back(e);
    *rune = static_cast<unsigned char>(e);
    return true;
  }
  size_t n = 0;
  int base = 16;
  if (e == 'x') n = 2;
  if (e == 'u') n = 4;
  if (e == 'U') n = 8;
  if (e >= '0' && e <= '7') {
    n = 2;  // the first octal digit is `e`
    base = 8;
  }
  if (n == 0 || *i + n > s.size()) return false;
  uint32_t v = base == 8 ? static_cast<uint32_t>(e - '0') : 0;
  for (size_t k = 0; k < n; ++k) {
    const int d = HexValue(s[*i + k]);
    if (d < 0 || d >= base) return false;
    v = v * base + static_cast<uint32_t>(d);
  }
  *i += n;
  *rune = v;
  if (e == 'x' || base == 8) {
    if (v > 255) return false;
    out->push_back(static_cast<char>(v));
    return true;
  }
  if (!ValidRune(v)) return false;
  AppendRune(v, out);
  return true;
}

// Go's strconv.Unquote of a "..." or `...` literal.
bool Unquote(std::string_view lit, std::string* out) {
  out->clear();
  const std::string_view body = lit.substr(1, lit.size() - 2);
  if (lit[0] == '`') {
    for (char c : body) {
      if (c != '\r') out->push_back(c);
    }
    return true;
  }
  for (size_t i = 0; i < body.size();) {
    uint32_t r;
    if (!UnquoteChar(body, &i, '"', out, &r)) return false;
  }
  return true;
}

// Go's strconv underscoreOK: '_' only between digits (or after a base
// prefix).
bool UnderscoreOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) ++i;
  bool hex = false;
  if (s.size() - i >= 2 && s[i] == '0') {
    const char p = static_cast<char>(s[i + 1] | 0x20);
    if (p == 'x' || p == 'o' || p == 'b') {
      hex = p == 'x';
      i += 2;
      saw = '0';
    }
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c) || (hex && HexValue(c) >= 0)) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// Go's strconv.ParseInt(s, 0, 64) magnitude: *mag and *neg; false when not
// an integer or above 2^64-1.
bool ParseGoInteger(std::string_view s, uint64_t* mag, bool* neg) {
  *neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    *neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 8;
    if (p == 'x' || p == 'o' || p == 'b') s.remove_prefix(2);
  }
  uint64_t v = 0;
  bool any = false;
  for (char c : s) {
    if (c == '_') continue;
    const int d = HexValue(c);
    if (d < 0 || d >= base) return false;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    any = true;
  }
  *mag = v;
  return any;
}

// Go's strconv.ParseFloat(s, 64) for the forms the lexer lets through.
bool ParseGoFloat(std::string_view s, double* out) {
  std::string clean;
  for (char c : s) {
    if (c != '_') clean.push_back(c);
  }
  bool neg = false;
  std::string_view t = clean;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    neg = t[0] == '-';
    t.remove_prefix(1);
  }
  auto fmt = std::chars_format::general;
  if (t.size() >= 2 && t[0] == '0' && (t[1] | 0x20) == 'x') {
    t.remove_prefix(2);
    // A hexadecimal mantissa needs a 'p' exponent.
    if (t.find_first_of("pP") == std::string_view::npos) return false;
    fmt = std::chars_format::hex;
  }
  if (t.empty() || t[0] == '+' || t[0] == '-') return false;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v, fmt);
  if (ec != std::errc() || ptr != t.data() + t.size()) return false;
  *out = neg ? -v : v;
  return true;
}

}  // namespace

bool UnquoteString(std::string_view lit, std::string* out) { return Unquote(lit, out); }

// A number or character constant (Go's parse.newNumber): its value as
// Go's idealConstant gives it (int, or float64 when written as a float).
std::string ParseNumberLiteral(std::string_view text, bool is_char, Expr* e) {
  e->text.assign(text);
  if (is_char) {
    std::string scratch;
    size_t i = 1;
    uint32_t r = 0;
    if (text.size() < 3 || !UnquoteChar(text, &i, '\'', &scratch, &r) || i != text.size() - 1) {
      return absl::StrCat("malformed character constant: ", ToAbsl(text));
    }
    e->lit.kind = Val::Kind::kInt;
    e->lit.i = r;
    e->int_literal = true;
    return "";
  }
  if (text.back() == 'i') {
    return "complex numbers are not supported";
  }
  const std::string_view s = text;
  uint64_t mag = 0;
  bool neg = false;
  const bool integer = UnderscoreOk(s) && ParseGoInteger(s, &mag, &neg);
  if (integer) {
    if (mag > (neg ? uint64_t{1} << 63 : uint64_t{INT64_MAX})) {
      return absl::StrCat(ToAbsl(s), " overflows int");
    }
    e->lit.kind = Val::Kind::kInt;
    e->lit.i = neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
    e->int_literal = true;
    return "";
  }
  double f = 0;
  if (!UnderscoreOk(s) || !ParseGoFloat(s, &f)) {
    return absl::StrCat("illegal number syntax: \"", ToAbsl(s), "\"");
  }
  if (s.find_first_of(".eEpP") == std::string_view::npos) {
    return absl::StrCat("integer overflow: \"", ToAbsl(s), "\"");
  }
  // A float literal with an integral value also serves as an int.
  if (f >= -9.2e18 && f <= 9.2e18 && static_cast<double>(static_cast<int64_t>(f)) == f) {
    e->int_literal = true;
    e->lit.i = static_cast<int64_t>(f);
  }
  // Go's isHexInt: "0x..." without a 'p' exponent is an int.
  const bool hex_int = s.size() > 2 && s[0] == '0' && (s[1] | 0x20) == 'x' &&
                       s.find_first_of("pP") == std::string_view::npos;
  e->lit.kind = hex_int ? Val::Kind::kInt : Val::Kind::kFloat;
  e->lit.f = f;
  return "";
}

}  // namespace outpost::tmpl::gotmpl
