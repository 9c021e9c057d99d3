#include "logs/stages/go_json.h"

#include <charconv>
#include <cmath>

#include "core/base/utf8.h"

namespace outpost::logs::stages {
namespace {

// The shortest round-trip digits of |v| (no leading zeros) and the decimal
// exponent e such that |v| = 0.d1d2d3... * 10^e. v finite and nonzero.
size_t ShortestDigits(double v, char* digits, int* exp10) {
  char buf[64];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
  (void)ec;  // 64 bytes always suffice
  // "d[.ddd]e[+-]XX"
  size_t n = 0;
  const char* p = buf;
  for (; p < end && *p != 'e'; ++p) {
    if (*p != '.') digits[n++] = *p;
  }
  // to_chars writes a signed exponent: "e+21" / "e-07".
  int e = 0;
  if (end - p >= 3) std::from_chars(p + 2, end, e);
  if (end - p >= 2 && p[1] == '-') e = -e;
  *exp10 = e + 1;
  return n;
}

}  // namespace

void AppendGoFloatF(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::signbit(v)) out += '-';
  if (v == 0) {
    out += '0';
    return;
  }
  char digits[32];
  int e;
  const size_t n = ShortestDigits(v, digits, &e);
  if (e <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-e), '0');
    out.append(digits, n);
    return;
  }
  const size_t ie = static_cast<size_t>(e);
  if (ie >= n) {
    out.append(digits, n);
    out.append(ie - n, '0');
    return;
  }
  out.append(digits, ie);
  out += '.';
  out.append(digits + ie, n - ie);
}

void AppendGoJsonFloat(std::string& out, double v) {
  const double a = std::fabs(v);
  if (a == 0 || (a >= 1e-6 && a < 1e21)) {
    AppendGoFloatF(out, v);
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  (void)ec;
  size_t n = static_cast<size_t>(end - buf);
  // encoding/json shortens a two-digit negative exponent "e-07" to "e-7".
  if (n >= 4 && buf[n - 4] == 'e' && buf[n - 3] == '-' && buf[n - 2] == '0') {
    buf[n - 2] = buf[n - 1];
    --n;
  }
  out.append(buf, n);
}

void AppendGoJsonString(std::string& out, std::string_view s, bool escape_replacement) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t plain = 0;  // start of the run not yet copied
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const char* esc = nullptr;
    size_t len = 1;
    char u[7] = {'\\', 'u', '0', '0', 0, 0, 0};
    if (c >= 0x80) {
      bool valid;
      const uint32_t r = DecodeRune(s, i, &len, &valid);
      if (!valid || (escape_replacement && r == 0xfffd)) {
        esc = "\\ufffd";
      } else if (r == 0x2028 || r == 0x2029) {
        esc = r == 0x2028 ? "\\u2028" : "\\u2029";
      }
    } else if (c == '"') {
      esc = "\\\"";
    } else if (c == '\\') {
      esc = "\\\\";
    } else if (c == '\n') {
      esc = "\\n";
    } else if (c == '\r') {
      esc = "\\r";
    } else if (c == '\t') {
      esc = "\\t";
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      u[4] = kHex[c >> 4];
      u[5] = kHex[c & 0xf];
      esc = u;
    }
    if (esc != nullptr) {
      out.append(s.data() + plain, i - plain);
      out += esc;
      plain = i + len;
    }
    i += len;
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

namespace {

// The code unit of "\uXXXX" at s[at].
bool Hex4(std::string_view s, size_t at, uint32_t* r) {
  if (at + 6 > s.size() || s[at] != '\\' || s[at + 1] != 'u') return false;
  const char* b = s.data() + at + 2;
  auto [p, ec] = std::from_chars(b, b + 4, *r, 16);
  return ec == std::errc() && p == b + 4;
}

}  // namespace

bool AppendJsonEscape(std::string_view s, size_t* i, std::string& out, bool single_quote) {
  if (*i + 1 >= s.size()) return false;
  const char e = s[*i + 1];
  char c;
  switch (e) {
    case '"': case '\\': case '/': c = e; break;
    case '\'': if (!single_quote) return false; c = e; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': {
      uint32_t r;
      if (!Hex4(s, *i, &r)) return false;
      *i += 6;
      if (r >= 0xd800 && r < 0xe000) {
        uint32_t lo;
        if (r < 0xdc00 && Hex4(s, *i, &lo) && lo >= 0xdc00 && lo < 0xe000) {
          r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
          *i += 6;
        } else {
          r = 0xfffd;
        }
      }
      AppendRune(r, &out);
      return true;
    }
    default:
      return false;
  }
  out += c;
  *i += 2;
  return true;
}

}  // namespace outpost::logs::stages
