#include "tests/logs/support/loki_labels.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace outpost::testing {
namespace {

// Loki's defaults (pkg/validation/limits.go).
constexpr size_t kMaxLabelNames = 15;
constexpr size_t kMaxNameLength = 1024;
constexpr size_t kMaxValueLength = 2048;

// Length of the valid UTF-8 sequence at s[i] (as Go's utf8.DecodeRune: no
// overlong forms, no surrogates, <= U+10FFFF), 0 if invalid.
size_t DecodeRune(std::string_view s, size_t i, uint32_t* rune) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const uint8_t c = b(0);
  size_t n;
  uint32_t r;
  if (c < 0x80) {
    *rune = c;
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    n = 2, r = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3, r = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4, r = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80) return 0;
    r = (r << 6) | (b(k) & 0x3f);
  }
  if ((n == 3 && r < 0x800) || (n == 4 && (r < 0x10000 || r > 0x10ffff)) ||
      (r >= 0xd800 && r <= 0xdfff)) {
    return 0;
  }
  *rune = r;
  return n;
}

void AppendRune(uint32_t r, std::string* out) {
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3f)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3f)));
  }
}

// Approximates Go's unicode.IsPrint for runes >= 0x80 (see QuoteGo).
bool IsPrintable(uint32_t r) {
  if (r < 0x80) return r >= 0x20 && r != 0x7f;
  return r >= 0xa0 && r != 0xad && r != 0x2028 && r != 0x2029;
}

// The one-letter escapes of Go's strconv.Quote / Unquote: letter, byte.
constexpr std::pair<char, char> kEscapes[] = {{'a', '\a'}, {'b', '\b'},  {'f', '\f'},
                                              {'n', '\n'}, {'r', '\r'},  {'t', '\t'},
                                              {'v', '\v'}, {'\\', '\\'}, {'"', '"'}};

// The byte `\<letter>` stands for, or nullptr.
const char* EscapedChar(char letter) {
  for (const auto& e : kEscapes) {
    if (e.first == letter) return &e.second;
  }
  return nullptr;
}

// The letter that escapes byte c, or nullptr.
const char* EscapeLetter(char c) {
  for (const auto& e : kEscapes) {
    if (e.second == c) return &e.first;
  }
  return nullptr;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool IsLokiLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string UnquoteGo(std::string_view s, size_t* pos, std::string* out) {
  size_t i = *pos;
  if (i >= s.size() || s[i] != '"') return "expected '\"'";
  ++i;
  out->clear();
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      *pos = i + 1;
      return "";
    }
    if (c != '\\') {
      uint32_t r;
      const size_t n = DecodeRune(s, i, &r);
      if (n == 0) return absl::StrFormat("invalid UTF-8 byte 0x%02x unescaped at %d", c & 0xff, i);
      if (!IsPrintable(r)) return absl::StrFormat("unescaped control character U+%04X at %d", r, i);
      out->append(s.substr(i, n));
      i += n;
      continue;
    }
    // An escape.
    if (i + 1 >= s.size()) break;
    const char e = s[i + 1];
    const size_t at = i;
    i += 2;
    if (const char* c = EscapedChar(e)) {
      out->push_back(*c);
      continue;
    }
    if (e >= '0' && e <= '7') {  // \NNN: three octal digits, <= 0377
      if (at + 4 > s.size()) break;
      uint32_t v = 0;
      for (size_t k = 1; k <= 3; ++k) {
        const char d = s[at + k];
        if (d < '0' || d > '7') return absl::StrCat("bad octal escape at ", at);
        v = v * 8 + static_cast<uint32_t>(d - '0');
      }
      if (v > 0xff) return absl::StrCat("octal escape over \\377 at ", at);
      out->push_back(static_cast<char>(v));
      i = at + 4;
      continue;
    }
    size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
    if (digits == 0) return absl::StrFormat("unknown escape \\%c at %d", e, at);
    if (i + digits > s.size()) break;
    uint32_t v = 0;
    for (size_t k = 0; k < digits; ++k) {
      const int h = HexDigit(s[i + k]);
      if (h < 0) return absl::StrFormat("bad hex digit in \\%c escape at %d", e, at);
      v = v * 16 + static_cast<uint32_t>(h);
    }
    i += digits;
    if (e == 'x') {
      out->push_back(static_cast<char>(v));
    } else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
      return absl::StrFormat("escape \\%c of an invalid code point at %d", e, at);
    } else {
      AppendRune(v, out);
    }
  }
  return "unterminated quoted string";
}

std::string QuoteGo(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    uint32_t r;
    const size_t n = DecodeRune(s, i, &r);
    if (n == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", s[i] & 0xff);
      ++i;
      continue;
    }
    const char* letter = r < 0x80 ? EscapeLetter(static_cast<char>(r)) : nullptr;
    if (letter != nullptr) {
      out.push_back('\\');
      out.push_back(*letter);
    } else if (IsPrintable(r)) {
      out.append(s.substr(i, n));
    } else if (r < 0x80) {
      absl::StrAppendFormat(&out, "\\x%02x", r);
    } else if (r < 0x10000) {
      absl::StrAppendFormat(&out, "\\u%04x", r);
    } else {
      absl::StrAppendFormat(&out, "\\U%08x", r);
    }
    i += n;
  }
  out.push_back('"');
  return out;
}

std::string ParseLokiLabels(std::string_view s, LabelPairs* out) {
  out->clear();
  const auto fail = [&](size_t at, std::string_view what) {
    return absl::StrCat("labels ", std::string(s.substr(0, 200)), ": at byte ", at, ": ",
                        std::string(what));
  };
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return fail(0, "not {…}");
  if (s == "{}") return fail(0, "no label (Loki: at least one label pair is required per stream)");
  size_t i = 1;
  for (;;) {
    const size_t start = i;
    while (i < s.size() && s[i] != '=' && s[i] != '}' && s[i] != ',') ++i;
    const std::string_view name = s.substr(start, i - start);
    if (!IsLokiLabelName(name))
      return fail(start, absl::StrCat("invalid label name \"", std::string(name), "\""));
    if (name.substr(0, 2) == "__")
      return fail(start, absl::StrCat("reserved label name ", std::string(name)));
    if (name.size() > kMaxNameLength) return fail(start, "label name longer than 1024");
    if (!out->empty() && !(out->back().first < name)) {
      return fail(start, absl::StrCat("label ", std::string(name),
                                      out->back().first == name ? " repeated" : " not sorted",
                                      " after ", out->back().first));
    }
    if (i >= s.size() || s[i] != '=') return fail(i, "expected '='");
    ++i;
    std::string value;
    const size_t vstart = i;
    if (std::string err = UnquoteGo(s, &i, &value); !err.empty()) return fail(vstart, err);
    if (value.size() > kMaxValueLength) return fail(vstart, "label value longer than 2048");
    out->emplace_back(std::string(name), std::move(value));
    if (out->size() > kMaxLabelNames) return fail(start, "more than 15 label names");
    if (i == s.size() - 1) return "";  // the closing '}'
    if (s.substr(i, 2) != ", ") return fail(i, "expected \", \" or the closing '}'");
    i += 2;
  }
}

std::string FormatLokiLabels(const LabelPairs& pairs) {
  std::string out = "{";
  for (size_t i = 0; i < pairs.size(); ++i) {
    absl::StrAppend(&out, i ? ", " : "", pairs[i].first, "=", QuoteGo(pairs[i].second));
  }
  return out + "}";
}

}  // namespace outpost::testing
