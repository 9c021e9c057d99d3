// doublestar v1.3.4 globs (see glob.h). Braces are expanded first (bounded),
// then each brace-free alternative is matched component by component:
// `**` components by a memoised walk over (pattern, name) component pairs,
// other components by the classic single-backtrack wildcard algorithm.
#include "logs/glob.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/utf8.h"

namespace outpost::logs {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// One class item (a character or an escaped one) at p[*i]; advances *i.
// False when the pattern ends inside it.
bool ClassChar(std::string_view p, size_t* i, uint32_t* r) {
  if (*i < p.size() && p[*i] == '\\') ++*i;
  if (*i >= p.size()) return false;
  size_t len;
  *r = DecodeRune(p, *i, &len);
  *i += len;
  return true;
}

// Parses the class at p[i] == '['. Sets *end past its ']' and *matched for
// rune `r`. Returns an error text (empty when the class is well formed).
std::string_view ParseClass(std::string_view p, size_t i, uint32_t r, size_t* end,
                            bool* matched) {
  size_t j = i + 1;
  const bool negate = j < p.size() && (p[j] == '!' || p[j] == '^');
  if (negate) ++j;
  if (j < p.size() && p[j] == ']') return "empty character class";
  bool in = false;
  while (j < p.size() && p[j] != ']') {
    uint32_t lo, hi;
    if (!ClassChar(p, &j, &lo)) return "unclosed '['";
    hi = lo;
    if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
      ++j;
      if (!ClassChar(p, &j, &hi)) return "unclosed '['";
    }
    if (lo <= r && r <= hi) in = true;
  }
  if (j >= p.size()) return "unclosed '['";
  *end = j + 1;
  *matched = in != negate;
  return {};
}

// Index past the construct starting at p[i] for brace scanning: an escape
// pair, a whole class, or one byte.
size_t SkipToken(std::string_view p, size_t i) {
  if (p[i] == '\\') return std::min(i + 2, p.size());
  if (p[i] == '[') {
    size_t end;
    bool matched;
    if (ParseClass(p, i, 0, &end, &matched).empty()) return end;
  }
  return i + 1;
}

// Expands the braces of a valid pattern into `out`. False when more than
// kMaxGlobAlternatives would result.
// `s` split at every `c` (empty parts kept).
std::vector<std::string_view> Split(std::string_view s, char c) {
  std::vector<std::string_view> out;
  for (size_t i = 0;;) {
    const size_t j = s.find(c, i);
    out.push_back(s.substr(i, j == kNpos ? kNpos : j - i));
    if (j == kNpos) return out;
    i = j + 1;
  }
}

bool Expand(std::string_view p, std::vector<std::string>* out) {
  size_t open = kNpos;
  for (size_t i = 0; i < p.size(); i = SkipToken(p, i)) {
    if (p[i] == '{') {
      open = i;
      break;
    }
  }
  if (open == kNpos) {
    if (out->size() >= kMaxGlobAlternatives) return false;
    out->emplace_back(p);
    return true;
  }
  // Top-level commas and the matching '}'.
  std::vector<size_t> cuts = {open};
  int depth = 0;
  size_t close = kNpos;
  for (size_t i = open + 1; i < p.size() && close == kNpos; i = SkipToken(p, i)) {
    if (p[i] == '{') {
      ++depth;
    } else if (p[i] == '}') {
      if (depth-- == 0) close = i;
    } else if (p[i] == ',' && depth == 0) {
      cuts.push_back(i);
    }
  }
  if (close == kNpos) return true;  // not reached for a validated pattern
  cuts.push_back(close);
  const std::string_view prefix = p.substr(0, open), suffix = p.substr(close + 1);
  for (size_t k = 0; k + 1 < cuts.size(); ++k) {
    const std::string_view option = p.substr(cuts[k] + 1, cuts[k + 1] - cuts[k] - 1);
    if (!Expand(absl::StrCat(ToAbsl(prefix), ToAbsl(option), ToAbsl(suffix)), out)) return false;
  }
  return true;
}

absl::Status Bad(std::string_view pattern, std::string_view what, size_t at) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid glob \"", ToAbsl(pattern), "\": ", ToAbsl(what), " at offset ", at));
}

// One brace-free component against one name component.
bool MatchComponent(std::string_view p, std::string_view n) {
  size_t pi = 0, ni = 0, star_pi = kNpos, star_ni = 0, len;
  while (ni < n.size()) {
    if (pi < p.size()) {
      const char c = p[pi];
      if (c == '*') {
        while (pi < p.size() && p[pi] == '*') ++pi;
        star_pi = pi;
        star_ni = ni;
        continue;
      }
      if (c == '?') {
        DecodeRune(n, ni, &len);
        ++pi;
        ni += len;
        continue;
      }
      if (c == '[') {
        const uint32_t r = DecodeRune(n, ni, &len);
        size_t end;
        bool matched;
        if (!ParseClass(p, pi, r, &end, &matched).empty()) return false;
        if (matched) {
          pi = end;
          ni += len;
          continue;
        }
      } else if (c == '\\') {
        if (pi + 1 < p.size() && p[pi + 1] == n[ni]) {
          pi += 2;
          ++ni;
          continue;
        }
      } else if (c == n[ni]) {
        ++pi;
        ++ni;
        continue;
      }
    }
    if (star_pi == kNpos) return false;
    DecodeRune(n, star_ni, &len);
    star_ni += len;
    ni = star_ni;
    pi = star_pi;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

// Brace-free pattern components against path components; memo[i][j] caches
// match(i, j) (0 unknown, 1 no, 2 yes) so `**` runs stay polynomial.
class ComponentMatcher {
 public:
  ComponentMatcher(const std::vector<std::string_view>& p, const std::vector<std::string_view>& n)
      : p_(p), n_(n), memo_((p.size() + 1) * (n.size() + 1), 0) {}

  bool Match(size_t i, size_t j) {
    if (i == p_.size()) return j == n_.size();
    int8_t& m = memo_[i * (n_.size() + 1) + j];
    if (m == 0) m = Compute(i, j) ? 2 : 1;
    return m == 2;
  }

 private:
  bool Compute(size_t i, size_t j) {
    if (p_[i] == "**") {
      // Last: one or more components (files below); else zero or more.
      if (i + 1 == p_.size()) return j < n_.size();
      for (size_t k = j; k <= n_.size(); ++k) {
        if (Match(i + 1, k)) return true;
      }
      return false;
    }
    return j < n_.size() && MatchComponent(p_[i], n_[j]) && Match(i + 1, j + 1);
  }

  const std::vector<std::string_view>& p_;
  const std::vector<std::string_view>& n_;
  std::vector<int8_t> memo_;
};

bool HasMeta(std::string_view component) {
  return component.find_first_of("*?[\\") != kNpos;
}

// `pattern` made absolute against `cwd` and split into cleaned components
// (no empty, "." or ".." ones), as Go's filepath.Abs + Clean.
std::vector<std::string> AbsComponents(std::string_view pattern, std::string_view cwd) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view s) {
    for (std::string_view c : Split(s, '/')) {
      if (c.empty() || c == ".") continue;
      if (c == "..") {
        if (!out.empty()) out.pop_back();
        continue;
      }
      out.emplace_back(c);
    }
  };
  if (pattern.empty() || pattern[0] != '/') add(cwd);
  add(pattern);
  return out;
}

std::string Join(std::string_view dir, std::string_view name) {
  return dir == "/" ? absl::StrCat("/", ToAbsl(name)) : absl::StrCat(ToAbsl(dir), "/", ToAbsl(name));
}

// Walks the directories one brace-free, absolute pattern can reach.
class Walker {
 public:
  Walker(const std::vector<std::string>& comps, std::vector<std::string>* out, bool* truncated)
      : comps_(comps), out_(out), truncated_(truncated) {}

  void Run() {
    size_t first = 0;
    std::string base = "/";
    while (first < comps_.size() && !HasMeta(comps_[first])) {
      base = Join(base, comps_[first++]);
    }
    struct stat st;
    if (::stat(base.c_str(), &st) != 0) return;
    if (first == comps_.size()) {
      if (S_ISREG(st.st_mode)) AddFile(base);
      return;
    }
    if (S_ISDIR(st.st_mode)) Walk(base, st, first);
  }

 private:
  void AddFile(std::string path) {
    if (out_->size() >= kMaxGlobFiles) {
      *truncated_ = true;
      return;
    }
    out_->push_back(std::move(path));
  }

  // Names in `dir` (without "." and ".."), sorted, bounded by kMaxGlobEntries.
  std::vector<std::string> List(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return names;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      if (++entries_ > kMaxGlobEntries) {
        *truncated_ = true;
        break;
      }
      names.emplace_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());  // the same walk every time
    return names;
  }

  // `path` (following symlinks) reached at pattern position i: a file is
  // kept when the pattern ends here, a directory is walked at `next`.
  void Visit(const std::string& path, size_t i, size_t next) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return;
    if (S_ISREG(st.st_mode)) {
      if (i + 1 == comps_.size()) AddFile(path);
    } else if (S_ISDIR(st.st_mode) && next < comps_.size()) {
      Walk(path, st, next);
    }
  }

  void Walk(const std::string& dir, const struct stat& st, size_t i) {
    if (!visited_.insert({st.st_dev, st.st_ino, i}).second) return;
    if (++dirs_ > kMaxGlobDirs) {
      *truncated_ = true;
      return;
    }
    const std::string& comp = comps_[i];
    if (comp == "**") {
      if (i + 1 < comps_.size()) Walk(dir, st, i + 1);  // zero directories
      for (const std::string& name : List(dir)) {
        const std::string path = Join(dir, name);
        struct stat sub;
        if (::stat(path.c_str(), &sub) != 0) continue;
        if (S_ISDIR(sub.st_mode)) {
          Walk(path, sub, i);  // one more directory
        } else if (S_ISREG(sub.st_mode) && i + 1 == comps_.size()) {
          AddFile(path);
        }
      }
      return;
    }
    if (!HasMeta(comp)) {
      Visit(Join(dir, comp), i, i + 1);
      return;
    }
    for (const std::string& name : List(dir)) {
      if (MatchComponent(comp, name)) Visit(Join(dir, name), i, i + 1);
    }
  }

  const std::vector<std::string>& comps_;
  std::vector<std::string>* out_;
  bool* truncated_;
  absl::flat_hash_set<std::tuple<dev_t, ino_t, size_t>> visited_;
  size_t dirs_ = 0, entries_ = 0;
};

}  // namespace

absl::Status ValidateGlob(std::string_view pattern) {
  std::vector<size_t> open;
  for (size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 >= pattern.size()) return Bad(pattern, "trailing '\\'", i);
      i += 2;
    } else if (c == '[') {
      size_t end;
      bool matched;
      std::string_view err = ParseClass(pattern, i, 0, &end, &matched);
      if (!err.empty()) return Bad(pattern, err, i);
      i = end;
    } else {
      if (c == '{') open.push_back(i);
      if (c == '}' && !open.empty()) open.pop_back();
      ++i;
    }
  }
  if (!open.empty()) return Bad(pattern, "unclosed '{'", open.back());
  std::vector<std::string> alts;
  if (!Expand(pattern, &alts)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid glob \"", ToAbsl(pattern), "\": more than ",
                                                   kMaxGlobAlternatives, " alternatives"));
  }
  return absl::OkStatus();
}

bool GlobMatch(std::string_view pattern, std::string_view path) {
  if (!ValidateGlob(pattern).ok()) return false;
  std::vector<std::string> alts;
  Expand(pattern, &alts);
  const std::vector<std::string_view> names = Split(path, '/');
  for (const std::string& alt : alts) {
    const std::vector<std::string_view> comps = Split(alt, '/');
    if (ComponentMatcher(comps, names).Match(0, 0)) return true;
  }
  return false;
}

std::vector<std::string> GlobFiles(std::string_view pattern, std::string_view cwd,
                                   bool* truncated) {
  bool cut = false;
  std::vector<std::string> out;
  std::vector<std::string> alts;
  if (ValidateGlob(pattern).ok() && Expand(pattern, &alts)) {
    for (const std::string& alt : alts) {
      const std::vector<std::string> comps = AbsComponents(alt, cwd);
      Walker(comps, &out, &cut).Run();
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (truncated != nullptr) *truncated = cut;
  return out;
}

}  // namespace outpost::logs
