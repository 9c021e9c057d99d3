// The lexer of GoTemplate's actions: Go's text/template tokens
// (text/template/parse/lex.go) for the subset in go_template.h, read on
// demand by the parser (go_template.cc) with one-token lookahead and
// errors at byte positions.
#ifndef OUTPOST_CORE_TEMPLATE_GO_TEMPLATE_LEX_H_
#define OUTPOST_CORE_TEMPLATE_GO_TEMPLATE_LEX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace outpost::tmpl::gotmpl {

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// Go's unicode.IsLetter/IsDigit/'_'; every non-ASCII byte counts as a letter.
inline bool IsAlnum(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || c == '_' || IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

enum class Tok : uint8_t {
  kSpace,
  kPipe,
  kLParen,
  kRParen,
  kString,
  kRawString,
  kNumber,
  kChar,
  kField,
  kDot,
  kVariable,
  kIdent,
  kBool,
  kKeyword,
  kAssign,
  kOther,
  kRightDelim,
};

struct Token {
  Tok t;
  size_t pos;
  std::string_view text;
};

class Lexer {
 protected:
  explicit Lexer(std::string_view src) : src_(src) {}

  // Records the first error (message at byte pos); always false.
  bool Fail(size_t pos, std::string_view msg) {
    if (err_.empty()) {
      err_.assign(msg);
      err_pos_ = pos;
    }
    return false;
  }

  // The length of a right delimiter at p: 4 for " -}}", 2 for "}}", else 0.
  size_t RightDelimAt(size_t p) const {
    if (p + 3 < src_.size() && IsSpace(src_[p]) && src_[p + 1] == '-' &&
        src_.compare(p + 2, 2, "}}") == 0) {
      return 4;
    }
    return src_.compare(p, 2, "}}") == 0 ? 2 : 0;
  }

  bool Next(Token* t) {
    if (!peeked_.empty()) {
      *t = peeked_.front();
      peeked_.erase(peeked_.begin());
      last_ = *t;
      return true;
    }
    if (!Lex(t)) return false;
    last_ = *t;
    return true;
  }
  bool NextNonSpace(Token* t) {
    do {
      if (!Next(t)) return false;
    } while (t->t == Tok::kSpace);
    return true;
  }
  bool Peek(Token* t) {
    if (peeked_.empty()) {
      Token n;
      if (!Lex(&n)) return false;
      peeked_.push_back(n);
    }
    *t = peeked_.front();
    return true;
  }
  bool PeekNonSpace(Token* t) {
    if (!NextNonSpace(t)) return false;
    peeked_.insert(peeked_.begin(), *t);
    return true;
  }
  void Backup(const Token& t) { peeked_.insert(peeked_.begin(), t); }

  bool AtTerminator(size_t p) const {
    if (p >= src_.size()) return true;
    const char c = src_[p];
    return IsSpace(c) || c == '.' || c == ',' || c == '|' || c == ':' || c == ')' || c == '(' ||
           c == '}';
  }

  // One token at pos_ (inside an action); false with an error.
  bool Lex(Token* t);
  // Go's lexer scanNumber: a loose scan; the parser checks the syntax.
  bool ScanNumber();

  std::string_view src_;
  size_t pos_ = 0;
  int paren_depth_ = 0;
  std::vector<Token> peeked_;
  Token last_{Tok::kSpace, 0, {}};
  std::string err_;
  size_t err_pos_ = 0;
};

}  // namespace outpost::tmpl::gotmpl

#endif  // OUTPOST_CORE_TEMPLATE_GO_TEMPLATE_LEX_H_
