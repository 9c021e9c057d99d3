#include "logs/stages/logql.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/utf8.h"

namespace outpost::logs::stages {
namespace {

// The tokens of Promtail's selector lexer (clients/pkg/logentry/logql/
// parser.go over text/scanner with GoTokens). Two-character operators are
// recognised as that lexer does: a punctuation character joined with the
// next one when the pair is an operator.
enum class Tok {
  kEof,
  kIdent,
  kString,     // "..." (value unquoted)
  kRawString,  // `...`: no meaning in that grammar
  kChar,       // '.': no meaning either
  kNumber,
  kLBrace,
  kRBrace,
  kComma,
  kEq,          // =
  kNeq,         // !=
  kRe,          // =~
  kNre,         // !~
  kPipeExact,   // |=
  kPipeMatch,   // |~
  kOther,       // any other character
};

struct Token {
  Tok kind = Tok::kEof;
  std::string_view text;  // as written
  std::string value;      // kString: unquoted
  int line = 1;
  int col = 1;
};

bool IsLetter(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  // The next token; false with *error set on a lexical error.
  bool Next(Token* t, std::string* error) {
    if (!SkipSpaceAndComments(error)) return false;
    t->line = tok_line_ = line_;
    t->col = tok_col_ = col_;
    t->value.clear();
    const size_t start = i_;
    if (i_ >= s_.size()) {
      t->kind = Tok::kEof;
      t->text = {};
      return true;
    }
    const unsigned char c = s_[i_];
    if (IsLetter(c)) {
      while (i_ < s_.size() && (IsLetter(s_[i_]) || IsDigit(s_[i_]))) Advance();
      t->kind = Tok::kIdent;
    } else if (IsDigit(c)) {
      while (i_ < s_.size() && (IsLetter(s_[i_]) || IsDigit(s_[i_]) || s_[i_] == '.')) Advance();
      t->kind = Tok::kNumber;
    } else if (c == '"') {
      if (!ScanString(&t->value, error)) return false;
      t->kind = Tok::kString;
    } else if (c == '`' || c == '\'') {
      Advance();
      while (i_ < s_.size() && static_cast<unsigned char>(s_[i_]) != c) Advance();
      if (i_ >= s_.size()) return Fail("literal not terminated", error);
      Advance();
      t->kind = c == '`' ? Tok::kRawString : Tok::kChar;
    } else {
      Advance();
      const char n = i_ < s_.size() ? s_[i_] : '\0';
      t->kind = Tok::kOther;
      if (c == '{') t->kind = Tok::kLBrace;
      if (c == '}') t->kind = Tok::kRBrace;
      if (c == ',') t->kind = Tok::kComma;
      if (c == '=') t->kind = n == '~' ? Tok::kRe : Tok::kEq;
      if (c == '!' && n == '=') t->kind = Tok::kNeq;
      if (c == '!' && n == '~') t->kind = Tok::kNre;
      if (c == '|' && n == '=') t->kind = Tok::kPipeExact;
      if (c == '|' && n == '~') t->kind = Tok::kPipeMatch;
      if (t->kind == Tok::kRe || t->kind == Tok::kNeq || t->kind == Tok::kNre ||
          t->kind == Tok::kPipeExact || t->kind == Tok::kPipeMatch) {
        Advance();
      }
    }
    t->text = s_.substr(start, i_ - start);
    return true;
  }

 private:
  void Advance() {
    if (s_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(s_[i_]) & 0xC0) != 0x80) {
      ++col_;  // a character starts here (text/scanner counts characters)
    }
    ++i_;
  }
  // An error at the start of the token (or comment) being scanned, as
  // text/scanner reports it.
  bool Fail(std::string_view what, std::string* error) {
    *error = absl::StrCat("parse error at line ", tok_line_, ", col ", tok_col_, ": ",
                          ToAbsl(what));
    return false;
  }

  bool SkipSpaceAndComments(std::string* error) {
    for (;;) {
      while (i_ < s_.size() &&
             (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
        Advance();
      }
      if (i_ + 1 >= s_.size() || s_[i_] != '/') return true;
      tok_line_ = line_;
      tok_col_ = col_;
      if (s_[i_ + 1] == '/') {
        while (i_ < s_.size() && s_[i_] != '\n') Advance();
      } else if (s_[i_ + 1] == '*') {
        Advance();
        Advance();
        while (i_ + 1 < s_.size() && !(s_[i_] == '*' && s_[i_ + 1] == '/')) Advance();
        if (i_ + 1 >= s_.size()) return Fail("comment not terminated", error);
        Advance();
        Advance();
      } else {
        return true;
      }
    }
  }

  // `n` digits of `base` after an escape letter; the value in *v.
  bool Digits(int n, int base, uint32_t* v) {
    *v = 0;
    for (int k = 0; k < n; ++k) {
      if (i_ >= s_.size()) return false;
      const int d = HexValue(s_[i_]);
      if (d < 0 || d >= base) return false;
      *v = *v * base + d;
      Advance();
    }
    return true;
  }

  // A Go interpreted string literal (text/scanner's escapes, then
  // strconv.Unquote's checks: octal <= 255, no surrogate or rune past
  // U+10FFFF, no \' inside "...").
  bool ScanString(std::string* out, std::string* error) {
    Advance();  // "
    for (;;) {
      if (i_ >= s_.size() || s_[i_] == '\n') return Fail("literal not terminated", error);
      const char c = s_[i_];
      if (c == '"') {
        Advance();
        return true;
      }
      if (c != '\\') {
        out->push_back(c);
        Advance();
        continue;
      }
      Advance();
      if (i_ >= s_.size()) return Fail("literal not terminated", error);
      const char e = s_[i_];
      Advance();
      uint32_t v = 0;
      switch (e) {
        case 'a': out->push_back('\a'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'v': out->push_back('\v'); break;
        case '\\': out->push_back('\\'); break;
        case '"': out->push_back('"'); break;
        case 'x':
          if (!Digits(2, 16, &v)) return Fail("invalid char escape", error);
          out->push_back(static_cast<char>(v));
          break;
        case 'u':
        case 'U':
          if (!Digits(e == 'u' ? 4 : 8, 16, &v)) return Fail("invalid char escape", error);
          if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) return Fail("invalid syntax", error);
          AppendRune(v, out);
          break;
        default:
          if (e >= '0' && e <= '7') {
            if (!Digits(2, 8, &v)) return Fail("invalid char escape", error);
            v += static_cast<uint32_t>(e - '0') * 64;
            if (v > 255) return Fail("invalid syntax", error);
            out->push_back(static_cast<char>(v));
            break;
          }
          return Fail("invalid char escape", error);
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1;
  int col_ = 1;
  int tok_line_ = 1;
  int tok_col_ = 1;
};

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEof:
      return "end of input";
    case Tok::kString:
      return absl::StrCat("string \"", ToAbsl(t.text.substr(1, t.text.size() - 2)), "\"");
    default:
      return absl::StrCat("\"", ToAbsl(t.text), "\"");
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : lex_(text) {}

  absl::Status Parse(std::vector<LogSelector::Matcher>* matchers,
                     std::vector<LogSelector::Matcher>* filters) {
    if (!Advance()) return Error();
    if (tok_.kind == Tok::kIdent) {
      // rate(...), count_over_time(...), sum by (...) (...), ...
      const Token first = tok_;
      if (Advance() && (tok_.kind == Tok::kIdent || tok_.text == "(")) {
        return Fail(first, absl::StrCat("metric query `", ToAbsl(first.text),
                                        "(...)` is not supported in a match selector: it takes "
                                        "a stream selector {...} with optional line filters"));
      }
      tok_ = first;
    }
    if (tok_.kind != Tok::kLBrace) return Unexpected("{");
    for (;;) {
      if (!Advance()) return Error();
      if (tok_.kind == Tok::kRBrace && matchers->empty()) {
        return Fail(tok_, "syntax error: a stream selector needs at least one label matcher");
      }
      if (tok_.kind != Tok::kIdent) return Unexpected("a label name");
      LogSelector::Matcher m;
      m.name.assign(tok_.text);
      if (!Advance()) return Error();
      switch (tok_.kind) {
        case Tok::kEq: m.op = LogSelector::Op::kEq; break;
        case Tok::kNeq: m.op = LogSelector::Op::kNeq; break;
        case Tok::kRe: m.op = LogSelector::Op::kRe; break;
        case Tok::kNre: m.op = LogSelector::Op::kNre; break;
        default: return Unexpected("=, !=, =~ or !~");
      }
      if (absl::Status s = ExpectString(&m.value); !s.ok()) return s;
      matchers->push_back(std::move(m));
      if (!Advance()) return Error();
      if (tok_.kind == Tok::kRBrace) break;
      if (tok_.kind != Tok::kComma) return Unexpected(", or }");
    }
    for (;;) {
      if (!Advance()) return Error();
      LogSelector::Matcher f;
      switch (tok_.kind) {
        case Tok::kEof: return absl::OkStatus();
        case Tok::kPipeExact: f.op = LogSelector::Op::kEq; break;
        case Tok::kNeq: f.op = LogSelector::Op::kNeq; break;
        case Tok::kPipeMatch: f.op = LogSelector::Op::kRe; break;
        case Tok::kNre: f.op = LogSelector::Op::kNre; break;
        default: return UnexpectedAfterSelector();
      }
      if (absl::Status s = ExpectString(&f.value); !s.ok()) return s;
      filters->push_back(std::move(f));
    }
  }

 private:
  bool Advance() { return lex_.Next(&tok_, &error_); }
  absl::Status Error() const { return absl::InvalidArgumentError(error_); }
  static absl::Status Fail(const Token& at, std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("parse error at line ", at.line, ", col ",
                                                   at.col, ": ", ToAbsl(what)));
  }
  absl::Status Unexpected(std::string_view expecting) const {
    return Fail(tok_, absl::StrCat("syntax error: unexpected ", Describe(tok_), ", expecting ",
                                   ToAbsl(expecting)));
  }
  absl::Status ExpectString(std::string* out) {
    if (!Advance()) return Error();
    if (tok_.kind == Tok::kRawString) {
      return Fail(tok_, "syntax error: raw strings (`...`) are not accepted by Promtail's "
                        "match selector; use a double-quoted string");
    }
    if (tok_.kind != Tok::kString) return Unexpected("a double-quoted string");
    *out = std::move(tok_.value);
    return absl::OkStatus();
  }
  // Names the LogQL that follows a selector but is not a line filter.
  absl::Status UnexpectedAfterSelector() {
    const Token first = tok_;
    const std::string_view t = first.text;
    if (t == "|" || t == "!") {
      std::string what = std::string(t);
      if (Advance() && tok_.kind == Tok::kOther && tok_.text == ">") {
        return Fail(first, absl::StrCat("pattern line filter `", what,
                                        ">` is not supported in a match selector"));
      }
      if (t == "|") {
        return Fail(first, absl::StrCat(
                               "`| ", tok_.kind == Tok::kEof ? "" : ToAbsl(tok_.text),
                               "` is not supported in a match selector: LogQL parsers, label "
                               "filters and formatting stages cannot be used there, only line "
                               "filters |=, !=, |~ and !~"));
      }
    }
    if (t == "[") {
      return Fail(first, "range `[...]` is not supported in a match selector: metric queries "
                         "cannot be used there");
    }
    tok_ = first;
    return Unexpected("a line filter (|=, !=, |~, !~) or the end");
  }

  Lexer lex_;
  Token tok_;
  std::string error_;
};

// Label matchers use it with FullMatch (Prometheus labels.Matcher compiles
// "^(?:re)$"), line filters with PartialMatch (Go regexp.Match).
absl::Status Compile(LogSelector::Matcher* m) {
  if (m->op != LogSelector::Op::kRe && m->op != LogSelector::Op::kNre) return absl::OkStatus();
  RE2::Options opts;
  opts.set_log_errors(false);
  m->re = std::make_unique<RE2>(m->value, opts);
  if (!m->re->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("error parsing regexp: ", m->re->error(), ": `", m->value, "`"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LogSelector> LogSelector::Parse(std::string_view text) {
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError("parse error at line 1, col 1: invalid UTF-8 encoding");
  }
  LogSelector sel;
  Parser p(text);
  if (absl::Status s = p.Parse(&sel.matchers_, &sel.filters_); !s.ok()) return s;
  for (Matcher& m : sel.matchers_) {
    if (absl::Status s = Compile(&m); !s.ok()) return s;
  }
  for (Matcher& f : sel.filters_) {
    if (absl::Status s = Compile(&f); !s.ok()) return s;
  }
  return sel;
}

bool LogSelector::Matches(const Labels& labels, std::string_view line) const {
  for (const Matcher& m : matchers_) {
    const std::string_view v = labels.Get(m.name);
    bool ok = false;
    switch (m.op) {
      case Op::kEq: ok = v == m.value; break;
      case Op::kNeq: ok = v != m.value; break;
      case Op::kRe: ok = RE2::FullMatch(v, *m.re); break;
      case Op::kNre: ok = !RE2::FullMatch(v, *m.re); break;
    }
    if (!ok) return false;
  }
  for (const Matcher& f : filters_) {
    bool ok = false;
    switch (f.op) {
      case Op::kEq: ok = line.find(f.value) != std::string_view::npos; break;
      case Op::kNeq: ok = line.find(f.value) == std::string_view::npos; break;
      case Op::kRe: ok = RE2::PartialMatch(line, *f.re); break;
      case Op::kNre: ok = !RE2::PartialMatch(line, *f.re); break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace outpost::logs::stages
