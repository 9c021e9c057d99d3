#include "logs/stages/jmespath.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "logs/stages/go_json.h"

namespace outpost::logs::stages::jmespath {
namespace {

// The grammar (JMESPath spec; go-jmespath lexer.go/parser.go for what
// counts as an identifier and a number):
//   path   := (ident | quoted | index) ( '.' (ident | quoted) | index )*
//   index  := '[' '-'? digits ']'
// Whitespace may separate tokens.
class Parser {
 public:
  Parser(std::string_view s, std::vector<Step>* steps, std::string* what)
      : s_(s), steps_(steps), what_(what) {}

  Status Run() {
    steps_->clear();
    SkipSpace();
    if (AtEnd()) return Syntax("empty expression");
    Status st = First();
    while (st == Status::kOk) {
      SkipSpace();
      if (AtEnd()) return Status::kOk;
      const char c = s_[i_];
      if (c == '.') {
        ++i_;
        SkipSpace();
        if (AtEnd()) return Syntax("expression ends after `.`");
        if (s_[i_] == '[') return Unsupported("multiselect list `.[`");
        if (s_[i_] == '{') return Unsupported("multiselect hash `.{`");
        st = Field();
      } else if (c == '[') {
        st = Index();
      } else {
        st = Other();
      }
    }
    return st;
  }

 private:
  bool AtEnd() const { return i_ >= s_.size(); }
  void SkipSpace() {
    while (!AtEnd() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  Status Syntax(std::string_view why) {
    *what_ = std::string(why);
    return Status::kSyntax;
  }
  Status Unsupported(std::string_view why) {
    *what_ = std::string(why);
    return Status::kUnsupported;
  }
  static bool IdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool IdentChar(char c) { return IdentStart(c) || (c >= '0' && c <= '9'); }

  Status First() {
    if (s_[i_] == '[') return Index();
    return Field();
  }

  Status Field() {
    const char c = s_[i_];
    if (c == '"') return Quoted();
    if (!IdentStart(c)) return Other();
    const size_t start = i_;
    while (!AtEnd() && IdentChar(s_[i_])) ++i_;
    const size_t end = i_;
    SkipSpace();
    if (!AtEnd() && s_[i_] == '(') return Unsupported("function call");
    Step st;
    st.field.assign(s_.substr(start, end - start));
    steps_->push_back(std::move(st));
    return Status::kOk;
  }

  // A quoted identifier is a JSON string (go-jmespath unmarshals it).
  Status Quoted() {
    ++i_;  // the opening quote
    std::string out;
    while (true) {
      if (AtEnd()) return Syntax("unterminated quoted identifier");
      const char c = s_[i_++];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) {
        return Syntax("control character in quoted identifier");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      --i_;
      if (!AppendJsonEscape(s_, &i_, out, /*single_quote=*/false)) {
        return Syntax("invalid escape in quoted identifier");
      }
    }
    Step st;
    st.field = std::move(out);
    steps_->push_back(std::move(st));
    return Status::kOk;
  }

  Status Index() {
    ++i_;  // '['
    SkipSpace();
    if (AtEnd()) return Syntax("unterminated `[`");
    const char c = s_[i_];
    if (c == '*') return Unsupported("wildcard `[*]`");
    if (c == ']') return Unsupported("flatten `[]`");
    if (c == '?') return Unsupported("filter `[?`");
    if (c == ':') return Unsupported("slice");
    const size_t start = i_;
    if (c == '-') ++i_;
    while (!AtEnd() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    if (i_ == start || (c == '-' && i_ == start + 1)) {
      if (IdentStart(c) || c == '"' || c == '@' || c == '&' || c == '`' || c == '\'' || c == '!' ||
          c == '(' || c == '{' || c == '[')
        return Unsupported("multiselect list `[`");
      return Syntax(absl::StrCat("unexpected character '", std::string(1, c), "' at offset ", i_));
    }
    Step st;
    st.is_index = true;
    auto [p, ec] = std::from_chars(s_.data() + (c == '-' ? start + 1 : start), s_.data() + i_,
                                   st.index);
    if (ec != std::errc()) return Syntax("index out of range");
    if (c == '-') st.index = -st.index;
    SkipSpace();
    if (AtEnd()) return Syntax("unterminated `[`");
    if (s_[i_] == ':') return Unsupported("slice");
    if (s_[i_] != ']') {
      return Syntax(
          absl::StrCat("unexpected character '", std::string(1, s_[i_]), "' at offset ", i_));
    }
    ++i_;
    steps_->push_back(std::move(st));
    return Status::kOk;
  }

  // Something else at i_: name the JMESPath construct, or a syntax error.
  Status Other() {
    const std::string_view rest = s_.substr(i_);
    const char c = rest[0];
    if (rest.substr(0, 2) == "||") return Unsupported("or-expression `||`");
    if (rest.substr(0, 2) == "&&") return Unsupported("and-expression `&&`");
    if (rest.substr(0, 2) == "==" || rest.substr(0, 2) == "!=" || c == '<' || c == '>')
      return Unsupported("comparison");
    switch (c) {
      case '*': return Unsupported("wildcard `*`");
      case '|': return Unsupported("pipe `|`");
      case '@': return Unsupported("current node `@`");
      case '&': return Unsupported("expression reference `&`");
      case '!': return Unsupported("not-expression `!`");
      case '`': return Unsupported("literal");
      case '\'': return Unsupported("raw string literal");
      case '{': return Unsupported("multiselect hash `{`");
      case '(': return Unsupported("parenthesized expression");
      default: break;
    }
    return Syntax(absl::StrCat("unexpected character '", std::string(1, c), "' at offset ", i_));
  }

  std::string_view s_;
  size_t i_ = 0;
  std::vector<Step>* steps_;
  std::string* what_;
};

}  // namespace

Status Compile(std::string_view expr, std::vector<Step>* steps, std::string* what) {
  return Parser(expr, steps, what).Run();
}

}  // namespace outpost::logs::stages::jmespath
