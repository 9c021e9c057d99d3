// Unicode lower/upper casing for the lowercase/uppercase relabel actions
// (Go's strings.ToLower / strings.ToUpper), through glibc's C.UTF-8 locale
// tables so that the process-wide locale stays untouched.
#include "core/relabel/text_case.h"

#include <locale.h>
#include <wctype.h>

#include <cstdint>

namespace outpost::relabel {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns its code point and length,
// or length 0 when the bytes are not valid UTF-8.
std::pair<char32_t, size_t> Decode(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const uint8_t c = b(0);
  const size_t left = s.size() - i;
  auto cont = [&](size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF && cont(1)) {
    return {char32_t(((c & 0x1F) << 6) | (b(1) & 0x3F)), 2};
  }
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    char32_t r = ((c & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    if (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF)) return {0, 0};
    return {r, 3};
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    char32_t r = ((c & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) |
                 (b(3) & 0x3F);
    if (r < 0x10000 || r > 0x10FFFF) return {0, 0};
    return {r, 4};
  }
  return {0, 0};
}

void Encode(char32_t r, std::string& out) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

locale_t Utf8Locale() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  return loc;  // (locale_t)0 when unavailable: ASCII-only casing
}

void MapCase(std::string_view s, bool upper, std::string& out) {
  out.reserve(out.size() + s.size());
  const locale_t loc = Utf8Locale();
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      if (upper && c >= 'a' && c <= 'z') {
        out += static_cast<char>(c - 'a' + 'A');
      } else if (!upper && c >= 'A' && c <= 'Z') {
        out += static_cast<char>(c - 'A' + 'a');
      } else {
        out += c;
      }
      ++i;
      continue;
    }
    auto [r, len] = Decode(s, i);
    if (len == 0 || loc == nullptr) {
      // Invalid UTF-8 stays byte for byte (Go would write U+FFFD).
      out += c;
      ++i;
      continue;
    }
    const wint_t m = upper ? towupper_l(static_cast<wint_t>(r), loc)
                           : towlower_l(static_cast<wint_t>(r), loc);
    Encode(static_cast<char32_t>(m), out);
    i += len;
  }
}

}  // namespace

std::string ToLower(std::string_view s) {
  std::string out;
  MapCase(s, false, out);
  return out;
}
std::string ToUpper(std::string_view s) {
  std::string out;
  MapCase(s, true, out);
  return out;
}
void AppendLower(std::string_view s, std::string* out) { MapCase(s, false, *out); }
void AppendUpper(std::string_view s, std::string* out) { MapCase(s, true, *out); }

}  // namespace outpost::relabel
