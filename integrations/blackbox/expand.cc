#include "integrations/blackbox/expand.h"

#include <cctype>
#include <map>

namespace outpost::integrations::blackbox {
namespace {

bool NameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Go's regexp extract: the reference at the start of `t` (after '$').
bool Extract(std::string_view t, std::string_view* name, int* num, std::string_view* rest) {
  if (t.empty()) return false;
  const bool brace = t[0] == '{';
  if (brace) t.remove_prefix(1);
  size_t i = 0;
  while (i < t.size() && NameChar(t[i])) ++i;
  if (i == 0) return false;
  *name = t.substr(0, i);
  if (brace) {
    if (i >= t.size() || t[i] != '}') return false;
    ++i;
  }
  *rest = t.substr(i);
  *num = 0;
  for (char c : *name) {
    if (c < '0' || c > '9' || *num >= 100000000) {
      *num = -1;
      break;
    }
    *num = *num * 10 + (c - '0');
  }
  if ((*name)[0] == '0' && name->size() > 1) *num = -1;  // no leading zeros
  return true;
}

}  // namespace

bool FindSubmatch(const RE2& re, std::string_view text, std::vector<re2::StringPiece>* groups) {
  groups->assign(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1, re2::StringPiece());
  return re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                  groups->data(), static_cast<int>(groups->size()));
}

std::string ExpandTemplate(const RE2& re, std::string_view tmpl,
                           const std::vector<re2::StringPiece>& groups) {
  std::string out;
  for (;;) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view name, rest;
    int num = -1;
    if (!Extract(tmpl, &name, &num, &rest)) {
      out += '$';
      continue;
    }
    tmpl = rest;
    int index = num;
    if (index < 0) {
      const std::map<std::string, int>& named = re.NamedCapturingGroups();
      auto it = named.find(std::string(name));
      if (it != named.end()) index = it->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size() &&
        groups[static_cast<size_t>(index)].data() != nullptr) {
      out.append(groups[static_cast<size_t>(index)].data(),
                 groups[static_cast<size_t>(index)].size());
    }
  }
  out.append(tmpl);
  return out;
}

}  // namespace outpost::integrations::blackbox
