#include "core/relabel/expand.h"

#include <map>
#include <optional>

#include "re2/re2.h"

namespace outpost::relabel {
namespace {

bool IsAsciiNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_';
}

// Length of the longest prefix of `s` made of Unicode letters (L), decimal
// digits (Nd) and '_': Go's unicode.IsLetter / unicode.IsDigit. ASCII is
// handled inline; the rest goes to RE2's Unicode tables.
size_t NameLength(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsAsciiNameChar(s[i])) ++i;
  if (i == s.size() || static_cast<unsigned char>(s[i]) < 0x80) return i;
  static const re2::RE2* const kUnicodeName = new re2::RE2(R"([\p{L}\p{Nd}_]*)");
  re2::StringPiece rest(s.data() + i, s.size() - i);
  re2::StringPiece match;
  if (!kUnicodeName->Match(rest, 0, rest.size(), re2::RE2::ANCHOR_START, &match, 1)) {
    return i;
  }
  return i + match.size();
}

struct Reference {
  std::string_view name;
  std::optional<size_t> index;  // set when `name` is a group number
  size_t consumed;              // bytes of the template after the '$'
};

// Parses the reference after a '$' (Go's regexp.extract). nullopt when
// malformed: empty name, or "${name" without its closing brace.
std::optional<Reference> ParseReference(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const bool brace = s[0] == '{';
  const size_t start = brace ? 1 : 0;
  const size_t len = NameLength(s.substr(start));
  if (len == 0) return std::nullopt;
  size_t end = start + len;
  if (brace) {
    if (end >= s.size() || s[end] != '}') return std::nullopt;
    ++end;
  }
  Reference ref{s.substr(start, len), std::nullopt, end};
  // A number, at most 8 digits worth (Go stops at 1e8), no leading zero.
  size_t num = 0;
  bool numeric = true;
  for (char c : ref.name) {
    if (c < '0' || c > '9' || num >= 100000000) {
      numeric = false;
      break;
    }
    num = num * 10 + static_cast<size_t>(c - '0');
  }
  if (ref.name.size() > 1 && ref.name[0] == '0') numeric = false;
  if (numeric) ref.index = num;
  return ref;
}

}  // namespace

void ExpandTemplate(const re2::RE2& re, std::string_view tmpl,
                    std::span<const std::string_view> groups, std::string& out) {
  while (!tmpl.empty()) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    const std::optional<Reference> ref = ParseReference(tmpl);
    if (!ref) {
      out += '$';  // malformed: the '$' is literal text
      continue;
    }
    tmpl.remove_prefix(ref->consumed);
    if (ref->index) {
      if (*ref->index < groups.size()) out.append(groups[*ref->index]);
      continue;
    }
    const auto& names = re.NamedCapturingGroups();
    auto it = names.find(std::string(ref->name));
    if (it != names.end() && it->second >= 0 &&
        static_cast<size_t>(it->second) < groups.size()) {
      out.append(groups[it->second]);
    }
  }
  out.append(tmpl);
}

}  // namespace outpost::relabel
