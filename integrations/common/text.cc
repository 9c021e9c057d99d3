#include "integrations/common/text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace outpost::integrations {
namespace {

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseUint(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseUintAsDouble(std::string_view s, double* out) {
  uint64_t v;
  if (!ParseUint(s, &v)) return false;
  *out = static_cast<double>(v);
  return true;
}

bool ParseHexAsDouble(std::string_view s, double* out) {
  uint64_t v;
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  *out = static_cast<double>(v);
  return true;
}

bool ParseGoFloat(std::string_view s, double* out, OutOfRange range) {
  if (s.empty()) return false;
  bool neg = false;
  std::string_view body = s;
  if (body.front() == '+' || body.front() == '-') {
    neg = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return false;
  if (EqualsIgnoreAsciiCase(body, "inf") || EqualsIgnoreAsciiCase(body, "infinity")) {
    *out = neg ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (EqualsIgnoreAsciiCase(body, "nan")) {
    if (body.size() != s.size()) return false;  // Go: no sign on NaN
    *out = std::nan("");
    return true;
  }
  // Go's number syntax starts with a digit or '.' (from_chars would also
  // take "infinite" or "nan(...)" forms).
  if (!((body.front() >= '0' && body.front() <= '9') || body.front() == '.')) return false;
  double v = 0;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v,
                                 std::chars_format::general);
  if (p != body.data() + body.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    if (range == OutOfRange::kReject) return false;
    // Go returns ±Inf for an overflow, the rounded value for an underflow.
    char buf[64];
    if (body.size() >= sizeof(buf)) {
      v = HUGE_VAL;  // long mantissas that overflow; underflow needs 300+ digits
    } else {
      memcpy(buf, body.data(), body.size());
      buf[body.size()] = '\0';
      v = std::strtod(buf, nullptr);
    }
  } else if (ec != std::errc()) {
    return false;
  }
  *out = neg ? -v : v;
  return true;
}

size_t SplitFields(std::string_view s, std::string_view* out, size_t max) {
  size_t n = 0;
  size_t i = 0;
  while (i < s.size() && n < max) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    out[n++] = s.substr(start, i - start);
  }
  return n;
}

bool NextLine(std::string_view* text, std::string_view* line) {
  if (text->empty()) return false;
  size_t nl = text->find('\n');
  if (nl == std::string_view::npos) {
    *line = *text;
    *text = {};
  } else {
    *line = text->substr(0, nl);
    text->remove_prefix(nl + 1);
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  auto ws = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
  };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

namespace {

// The length of the valid UTF-8 sequence at s[i], 0 when invalid: Go's
// utf8.DecodeRuneInString rules (no overlong forms, no surrogates, nothing
// above U+10FFFF).
size_t RuneLen(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = at(0);
  if (c < 0x80) return 1;
  const size_t n = s.size() - i;
  auto cont = [&](size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return at(k) >= lo && at(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return n >= 2 && cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return n >= 3 && cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return n >= 4 && cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  bool in_bad = false;
  for (size_t i = 0; i < s.size();) {
    const size_t len = RuneLen(s, i);
    if (len > 0) {
      out.append(s.substr(i, len));
      i += len;
      in_bad = false;
    } else {
      if (!in_bad) out.append("\xEF\xBF\xBD");
      in_bad = true;
      ++i;
    }
  }
  return out;
}

std::string FormatGoFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Shortest digits, then Go's %g choice: exponent form when exp < -4 or
  // exp >= 6 (strconv/ftoa.go: eprec is 6 for shortest formatting), as
  // expfmt writes `le` (text_create.go writeFloat).
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, end);
  const size_t e = sci.find('e');
  const int exp = std::atoi(sci.c_str() + e + 1);
  if (exp < -4 || exp >= 6) {
    std::string mant = sci.substr(0, e);
    char sign = exp < 0 ? '-' : '+';
    int a = exp < 0 ? -exp : exp;
    char eb[16];
    std::snprintf(eb, sizeof(eb), "e%c%02d", sign, a);
    return mant + eb;
  }
  auto [end2, ec2] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, end2);
}

}  // namespace outpost::integrations
