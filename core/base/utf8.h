// UTF-8 decoding (the logs code and the template engine) (glob `?` and classes match code points;
// the positions file, being YAML, can only hold valid UTF-8). Strict as Go's
// utf8.DecodeRuneInString: overlong forms, surrogates and values above
// U+10FFFF are invalid, and an invalid byte decodes as one unit of its own.
#ifndef OUTPOST_CORE_BASE_UTF8_H_
#define OUTPOST_CORE_BASE_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace outpost {

// The code point at s[i] (i < s.size()) and its byte length in *len. For an
// invalid sequence: the byte's value, *len 1 and *valid false.
inline uint32_t DecodeRune(std::string_view s, size_t i, size_t* len, bool* valid = nullptr) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  *len = 1;
  if (valid != nullptr) *valid = c < 0x80;
  if (c < 0x80) return c;
  const size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return c;
  uint32_t r = c & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80) return c;
    r = (r << 6) | (b(k) & 0x3f);
  }
  constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (r < kMin[n] || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return c;
  *len = n;
  if (valid != nullptr) *valid = true;
  return r;
}

// Appends the UTF-8 encoding of code point `r` (r <= U+10FFFF, not a
// surrogate) to *out.
inline void AppendRune(uint32_t r, std::string* out) {
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
    return;
  }
  char buf[4];
  size_t n = r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
  constexpr unsigned char kLead[] = {0, 0, 0xc0, 0xe0, 0xf0};
  for (size_t k = n - 1; k > 0; --k, r >>= 6) buf[k] = static_cast<char>(0x80 | (r & 0x3f));
  buf[0] = static_cast<char>(kLead[n] | r);
  out->append(buf, n);
}

inline bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0, len; i < s.size(); i += len) {
    bool valid;
    DecodeRune(s, i, &len, &valid);
    if (!valid) return false;
  }
  return true;
}

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_UTF8_H_
