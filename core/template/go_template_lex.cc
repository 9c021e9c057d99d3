#include "core/template/go_template_lex.h"

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"

namespace outpost::tmpl::gotmpl {

bool Lexer::Lex(Token* t) {
  const size_t start = pos_;
  auto emit = [&](Tok k) {
    *t = Token{k, start, src_.substr(start, pos_ - start)};
    return true;
  };
  if (pos_ >= src_.size()) return Fail(start, "unclosed action");
  if (const size_t delim = RightDelimAt(pos_); delim != 0) {
    if (paren_depth_ > 0) return Fail(start, "unclosed left paren");
    pos_ += delim;
    emit(Tok::kRightDelim);
    if (delim == 4) {
      while (pos_ < src_.size() && IsSpace(src_[pos_])) ++pos_;
    }
    return true;
  }
  const char c = src_[pos_];
  if (IsSpace(c)) {
    // A run of spaces, leaving the one that starts " -}}".
    while (pos_ < src_.size() && IsSpace(src_[pos_]) && RightDelimAt(pos_) != 4) ++pos_;
    return emit(Tok::kSpace);
  }
  ++pos_;
  switch (c) {
    case '=':
      return emit(Tok::kAssign);
    case ':':
      if (pos_ >= src_.size() || src_[pos_] != '=') return Fail(start, "expected :=");
      ++pos_;
      return emit(Tok::kAssign);
    case '|':
      return emit(Tok::kPipe);
    case '(':
      ++paren_depth_;
      return emit(Tok::kLParen);
    case ')':
      if (--paren_depth_ < 0) return Fail(start, "unexpected right paren");
      return emit(Tok::kRParen);
    case '"':
    case '\'':
      while (true) {
        if (pos_ >= src_.size() || src_[pos_] == '\n') {
          return Fail(
              start, c == '"' ? "unterminated quoted string" : "unterminated character constant");
        }
        const char d = src_[pos_++];
        if (d == '\\') {
          if (pos_ >= src_.size() || src_[pos_] == '\n') {
            return Fail(start, "unterminated quoted string");
          }
          ++pos_;
        } else if (d == c) {
          break;
        }
      }
      return emit(c == '"' ? Tok::kString : Tok::kChar);
    case '`': {
      const size_t close = src_.find('`', pos_);
      if (close == std::string_view::npos) return Fail(start, "unterminated raw quoted string");
      pos_ = close + 1;
      return emit(Tok::kRawString);
    }
    case '$':
      while (pos_ < src_.size() && IsAlnum(src_[pos_])) ++pos_;
      return emit(Tok::kVariable);
    default:
      break;
  }
  if (c == '.' && (pos_ >= src_.size() || !IsDigit(src_[pos_]))) {
    if (AtTerminator(pos_)) return emit(Tok::kDot);
    while (pos_ < src_.size() && IsAlnum(src_[pos_])) ++pos_;
    if (!AtTerminator(pos_)) return Fail(pos_, "bad character in field name");
    return emit(Tok::kField);
  }
  if (c == '.' || c == '+' || c == '-' || IsDigit(c)) {
    pos_ = start;
    if (!ScanNumber()) {
      return Fail(start, absl::StrCat("bad number syntax: \"",
                                      ToAbsl(src_.substr(start, pos_ - start)), "\""));
    }
    if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) {
      return Fail(start, "complex numbers are not supported");
    }
    return emit(Tok::kNumber);
  }
  if (IsAlnum(c)) {
    while (pos_ < src_.size() && IsAlnum(src_[pos_])) ++pos_;
    if (!AtTerminator(pos_)) return Fail(pos_, "bad character after identifier");
    const std::string_view word = src_.substr(start, pos_ - start);
    static constexpr std::string_view kKeywords[] = {"if",    "else",  "end",     "nil",
                                                     "range", "with",  "define",  "template",
                                                     "block", "break", "continue"};
    for (std::string_view k : kKeywords) {
      if (word == k) return emit(Tok::kKeyword);
    }
    if (word == "true" || word == "false") return emit(Tok::kBool);
    return emit(Tok::kIdent);
  }
  if (static_cast<unsigned char>(c) < 0x7f && c >= 0x20) return emit(Tok::kOther);
  return Fail(start, "unrecognized character in action");
}

bool Lexer::ScanNumber() {
  auto accept = [&](std::string_view valid) {
    if (pos_ < src_.size() && valid.find(src_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  };
  auto run = [&](std::string_view valid) {
    while (accept(valid)) {
    }
  };
  accept("+-");
  std::string_view digits = "0123456789_";
  if (accept("0")) {
    if (accept("xX")) {
      digits = "0123456789abcdefABCDEF_";
    } else if (accept("oO")) {
      digits = "01234567_";
    } else if (accept("bB")) {
      digits = "01_";
    }
  }
  run(digits);
  if (accept(".")) run(digits);
  if (digits.size() == 11 && accept("eE")) {
    accept("+-");
    run("0123456789_");
  }
  if (digits.size() == 23 && accept("pP")) {
    accept("+-");
    run("0123456789_");
  }
  accept("i");
  if (pos_ < src_.size() && IsAlnum(src_[pos_])) {
    ++pos_;
    return false;
  }
  return true;
}

}  // namespace outpost::tmpl::gotmpl
