#include "core/config/envsubst.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/config/str_util.h"

namespace outpost::config {

using internal::Cat;
using internal::Sv;
namespace {

bool IsNameChar(char c) {
  // drone/envsubst acceptIdent: letters, digits, '_' and '-'.
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool GlobMatch(const std::string& pattern, const std::string& s) {
  // Go's path.Match: '*' does not cross '/', '\\' escapes.
  return fnmatch(pattern.c_str(), s.c_str(), FNM_PATHNAME) == 0;
}

std::string TrimShortestPrefix(const std::string& s, const std::string& pat) {
  std::string shortest;
  for (size_t i = 0; i < s.size(); ++i) {
    std::string cand = s.substr(0, s.size() - i);
    if (GlobMatch(pat, cand)) shortest = cand;
  }
  return shortest.empty() ? s : s.substr(shortest.size());
}

std::string TrimLongestPrefix(const std::string& s, const std::string& pat) {
  for (size_t i = 0; i < s.size(); ++i) {
    std::string cand = s.substr(0, s.size() - i);
    if (GlobMatch(pat, cand)) return s.substr(cand.size());
  }
  return s;
}

std::string Reversed(std::string s) {
  std::reverse(s.begin(), s.end());
  return s;
}

std::string Substr(const std::string& s, const std::vector<std::string>& args) {
  int pos = 0;
  if (args.empty() || !absl::SimpleAtoi(args[0], &pos)) return s;  // bash: unparsable -> s
  const int n = static_cast<int>(s.size());
  if (pos < 0) pos = std::max(0, n + pos);
  if (args.size() == 1) return pos < n ? s.substr(pos) : std::string();
  int len = 0;
  if (!absl::SimpleAtoi(args[1], &len)) return s;
  if (pos >= n) return std::string();
  if (len < 0) len = 0;
  if (pos + len >= n) return s.substr(pos);
  return s.substr(pos, len);
}

class Expander {
 public:
  Expander(std::string_view text, const EnvLookup& lookup) : s_(text), lookup_(lookup) {}

  absl::StatusOr<std::string> Run() {
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '$' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '$') {
        out.push_back('$');  // "$$" escapes a dollar (scan.go scanEscaped)
        pos_ += 2;
      } else if (c == '$' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '{') {
        size_t start = pos_;
        pos_ += 2;
        std::string v;
        if (absl::Status st = Expr(&v); !st.ok()) return At(start, std::string(st.message()));
        out += v;
      } else {
        out.push_back(c);
        ++pos_;
      }
    }
    return out;
  }

 private:
  absl::Status At(size_t offset, std::string_view msg) const {
    int line = 1, col = 1;
    for (size_t i = 0; i < offset && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return absl::InvalidArgumentError(Cat(line, ":", col, ": ", msg));
  }

  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

  std::string Value(const std::string& name) const {
    // Grafana Agent's getenv: numeric names are regex capture references
    // and are put back as written.
    if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return Cat("${", name, "}");
    }
    std::optional<std::string> v = lookup_ ? lookup_(name) : std::nullopt;
    return v.value_or("");
  }

  // Reads one argument: literal text and nested ${...} up to (not including)
  // any of `stops` or end of input. `escapes` turns on "$$", "\\/" and
  // "\\\\" (only replace patterns have them in drone/envsubst).
  absl::Status Arg(std::string_view stops, bool escapes, std::string* out) {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '$' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '{') {
        pos_ += 2;
        std::string v;
        if (absl::Status st = Expr(&v); !st.ok()) return st;
        *out += v;
        continue;
      }
      if (stops.find(c) != std::string_view::npos) return absl::OkStatus();
      if (escapes && pos_ + 1 < s_.size() &&
          ((c == '$' && s_[pos_ + 1] == '$') ||
           (c == '\\' && (s_[pos_ + 1] == '/' || s_[pos_ + 1] == '\\')))) {
        ++pos_;
        c = s_[pos_];
      }
      out->push_back(c);
      ++pos_;
    }
    return absl::InvalidArgumentError("missing closing brace");
  }

  absl::Status CloseBrace() {
    if (!Peek('}')) return absl::InvalidArgumentError("missing closing brace");
    ++pos_;
    return absl::OkStatus();
  }

  std::string ReadName() {
    size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  // Parses after "${" through the closing "}" and evaluates; nesting is
  // bounded so that untrusted text cannot exhaust the stack.
  absl::Status Expr(std::string* out) {
    if (depth_ >= kMaxDepth) return absl::InvalidArgumentError("substitutions nested too deeply");
    ++depth_;
    absl::Status st = ExprBody(out);
    --depth_;
    return st;
  }

  absl::Status ExprBody(std::string* out) {
    if (Peek('#')) {  // ${#VAR}
      ++pos_;
      std::string name = ReadName();
      if (name.empty()) return absl::InvalidArgumentError("bad substitution");
      if (absl::Status st = CloseBrace(); !st.ok()) return st;
      *out = Cat(Value(name).size());
      return absl::OkStatus();
    }
    std::string name = ReadName();
    if (name.empty()) return absl::InvalidArgumentError("unable to parse variable name");
    if (pos_ >= s_.size()) return absl::InvalidArgumentError("missing closing brace");
    const std::string v = Value(name);
    const char c = s_[pos_];
    if (c == '}') {
      ++pos_;
      *out = v;
      return absl::OkStatus();
    }
    if (c == '=' || (c == ':' && pos_ + 1 < s_.size() &&
                     std::string_view("=-?+").find(s_[pos_ + 1]) != std::string_view::npos)) {
      pos_ += (c == '=') ? 1 : 2;
      std::string def;
      if (absl::Status st = Arg("}", false, &def); !st.ok()) return st;
      ++pos_;
      // drone/envsubst maps every default-like operator to toDefault.
      *out = v.empty() ? def : v;
      return absl::OkStatus();
    }
    if (c == ':') {  // ${VAR:off} / ${VAR:off:len}
      ++pos_;
      std::vector<std::string> args(1);
      if (absl::Status st = Arg(":}", false, &args[0]); !st.ok()) return st;
      if (Peek(':')) {
        ++pos_;
        args.emplace_back();
        if (absl::Status st = Arg("}", false, &args[1]); !st.ok()) return st;
      }
      ++pos_;
      *out = Substr(v, args);
      return absl::OkStatus();
    }
    if (c == ',' || c == '^') {
      std::string op;
      while (op.size() < 2 && (Peek(',') || Peek('^'))) op.push_back(s_[pos_++]);
      if (absl::Status st = CloseBrace(); !st.ok()) return st;
      std::string r = v;
      if (op == ",,") {
        absl::AsciiStrToLower(&r);
      } else if (op == "^^") {
        absl::AsciiStrToUpper(&r);
      } else if (op == "," && !r.empty()) {
        r[0] = absl::ascii_tolower(static_cast<unsigned char>(r[0]));
      } else if (op == "^" && !r.empty()) {
        r[0] = absl::ascii_toupper(static_cast<unsigned char>(r[0]));
      }
      *out = r;
      return absl::OkStatus();
    }
    if (c == '#' || c == '%') {
      std::string op(1, c);
      ++pos_;
      if (Peek(c)) {
        op.push_back(c);
        ++pos_;
      }
      std::string pat;
      if (absl::Status st = Arg("}", false, &pat); !st.ok()) return st;
      if (pat.empty()) return absl::InvalidArgumentError("bad substitution");
      ++pos_;
      if (op == "#") *out = TrimShortestPrefix(v, pat);
      if (op == "##") *out = TrimLongestPrefix(v, pat);
      if (op == "%") *out = Reversed(TrimShortestPrefix(Reversed(v), Reversed(pat)));
      if (op == "%%") *out = Reversed(TrimLongestPrefix(Reversed(v), Reversed(pat)));
      return absl::OkStatus();
    }
    if (c == '/') {
      std::string op = "/";
      ++pos_;
      if (Peek('/') || Peek('#') || Peek('%')) op.push_back(s_[pos_++]);
      std::string pat, rep;
      if (absl::Status st = Arg("/}", true, &pat); !st.ok()) return st;
      if (!Peek('/')) return absl::InvalidArgumentError("bad substitution");
      ++pos_;
      if (absl::Status st = Arg("}", true, &rep); !st.ok()) return st;
      ++pos_;
      std::string r = v;
      if (op == "/" || op == "//") {
        if (!pat.empty()) {
          size_t at = r.find(pat);
          if (op == "//") {
            r = absl::StrReplaceAll(r, {{pat, rep}});
          } else if (at != std::string::npos) {
            r.replace(at, pat.size(), rep);
          }
        }
      } else if (op == "/#") {
        if (r.compare(0, pat.size(), pat) == 0) r.replace(0, pat.size(), rep);
      } else if (r.size() >= pat.size() && r.compare(r.size() - pat.size(), pat.size(), pat) == 0) {
        r.replace(r.size() - pat.size(), pat.size(), rep);
      }
      *out = r;
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError("missing closing brace");
  }

  static constexpr int kMaxDepth = 64;
  std::string_view s_;
  const EnvLookup& lookup_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::StatusOr<std::string> Envsubst(std::string_view text, const EnvLookup& lookup) {
  return Expander(text, lookup).Run();
}

}  // namespace outpost::config
