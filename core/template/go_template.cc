// The parser of GoTemplate: Go's text/template parser rules
// (text/template/parse/parse.go, node.go) for the subset in go_template.h,
// building the tree of go_template_internal.h from go_template_lex.h's
// tokens.
#include "core/template/go_template.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/template/go_template_internal.h"
#include "core/template/go_template_lex.h"

namespace outpost::tmpl {
namespace gotmpl {

namespace {

constexpr int kMaxDepth = 200;  // nested ifs and parentheses

// An operand of a command: an expression, a function name, or nil.
struct Operand {
  enum class Kind : uint8_t { kExpr, kFunc, kNil };
  Kind kind;
  size_t pos;
  Expr* expr = nullptr;
  const FnInfo* fn = nullptr;
  bool paren = false;
  bool literal() const {
    return kind == Kind::kNil || (expr && expr->kind == Expr::Kind::kLiteral && !paren);
  }
};

// How an item list ended.
enum class End : uint8_t { kEOF, kElse, kElseIf, kEnd };

class Parser : public Lexer {
 public:
  Parser(std::string_view src, GoTemplate::Impl* impl) : Lexer(src), impl_(impl) {}

  bool Parse(std::string* error) {
    End end;
    if (ParseList(&impl_->items, &end, 0) && end != End::kEOF) {
      Fail(last_.pos, end == End::kEnd ? "unexpected {{end}}" : "unexpected {{else}}");
    }
    if (err_.empty()) return true;
    size_t line = 1, col_start = 0;
    for (size_t i = 0; i < err_pos_ && i < src_.size(); ++i) {
      if (src_[i] == '\n') {
        ++line;
        col_start = i + 1;
      }
    }
    *error = absl::StrCat("line ", line, " col ", err_pos_ - col_start + 1, ": ", err_);
    return false;
  }

 private:
  Expr* NewExpr(Expr::Kind kind, size_t pos) {
    impl_->exprs.push_back(std::make_unique<Expr>());
    Expr* e = impl_->exprs.back().get();
    e->kind = kind;
    e->pos = pos;
    return e;
  }

  // --- items ---------------------------------------------------------

  bool ParseList(std::vector<Item>* items, End* end, int depth) {
    if (depth > kMaxDepth) return Fail(pos_, "template nested too deeply");
    while (true) {
      const size_t x = src_.find("{{", pos_);
      std::string_view text = src_.substr(pos_, x == std::string_view::npos ? x : x - pos_);
      if (x == std::string_view::npos) {
        AddText(items, text);
        pos_ = src_.size();
        *end = End::kEOF;
        return true;
      }
      size_t p = x + 2;
      const bool trim = p + 1 < src_.size() && src_[p] == '-' && IsSpace(src_[p + 1]);
      if (trim) {
        while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
        p += 2;
      }
      AddText(items, text);
      if (src_.compare(p, 2, "/*") == 0) {
        if (!SkipComment(p)) return false;
        continue;
      }
      pos_ = p;
      paren_depth_ = 0;
      peeked_.clear();
      if (!ParseAction(items, end, depth)) return false;
      if (*end != End::kEOF) return true;
    }
  }

  void AddText(std::vector<Item>* items, std::string_view text) {
    if (text.empty()) return;
    Item it;
    it.text.assign(text);
    items->push_back(std::move(it));
  }

  bool SkipComment(size_t p) {
    const size_t close = src_.find("*/", p + 2);
    if (close == std::string_view::npos) return Fail(p, "unclosed comment");
    pos_ = close + 2;
    const size_t delim = RightDelimAt(pos_);
    if (delim == 0) return Fail(p, "comment ends before closing delimiter");
    const bool trim = delim == 4;
    pos_ += delim;
    if (trim) {
      while (pos_ < src_.size() && IsSpace(src_[pos_])) ++pos_;
    }
    return true;
  }

  // After "{{": an action, an if, or the else/end that ends the current list.
  bool ParseAction(std::vector<Item>* items, End* end, int depth) {
    *end = End::kEOF;
    Token t;
    if (!NextNonSpace(&t)) return false;
    if (t.t == Tok::kKeyword) {
      if (t.text == "if") return ParseIf(items, depth);
      if (t.text == "end") {
        *end = End::kEnd;
        return ExpectRightDelim("end");
      }
      if (t.text == "else") {
        Token n;
        if (!PeekNonSpace(&n)) return false;
        if (n.t == Tok::kKeyword && n.text == "if") {
          NextNonSpace(&n);
          *end = End::kElseIf;
          return true;
        }
        if (n.t == Tok::kKeyword && n.text == "with") {
          return Fail(n.pos, "{{else with}} is not supported");
        }
        *end = End::kElse;
        return ExpectRightDelim("else");
      }
      if (t.text != "nil") {
        return Fail(t.pos, absl::StrCat("{{", ToAbsl(t.text), "}} is not supported"));
      }
    }
    peeked_.insert(peeked_.begin(), t);
    Expr* e = ParsePipeline(Tok::kRightDelim, "command", depth);
    if (e == nullptr) return false;
    Item it;
    it.kind = Item::Kind::kAction;
    it.expr = e;
    items->push_back(std::move(it));
    return true;
  }

  // {{if pipeline}} list [{{else}} list | {{else if ...}}] {{end}}; the
  // "if" has been read.
  bool ParseIf(std::vector<Item>* items, int depth) {
    Item it;
    it.kind = Item::Kind::kIf;
    it.expr = ParsePipeline(Tok::kRightDelim, "if", depth);
    if (it.expr == nullptr) return false;
    End end;
    if (!ParseList(&it.then_items, &end, depth + 1)) return false;
    if (end == End::kElse) {
      if (!ParseList(&it.else_items, &end, depth + 1)) return false;
      if (end != End::kEnd) return Fail(last_.pos, "expected end; found else");
    } else if (end == End::kElseIf) {
      // {{else if b}} is {{else}}{{if b}}...{{end}}{{end}}: the inner if's
      // end closes both.
      if (!ParseIf(&it.else_items, depth + 1)) return false;
    }
    if (end == End::kEOF) return Fail(src_.size(), "unexpected EOF");
    items->push_back(std::move(it));
    return true;
  }

  bool ExpectRightDelim(std::string_view context) {
    Token t;
    if (!NextNonSpace(&t)) return false;
    if (t.t != Tok::kRightDelim) return Unexpected(t, context);
    return true;
  }

  bool Unexpected(const Token& t, std::string_view context) {
    return Fail(t.pos, absl::StrCat("unexpected \"", ToAbsl(t.text), "\" in ", ToAbsl(context)));
  }

  // --- pipelines -----------------------------------------------------

  // declarations? command ('|' command)* up to `end` (consumed).
  Expr* ParsePipeline(Tok end, std::string_view context, int depth) {
    if (depth > kMaxDepth) {
      Fail(pos_, "max expression depth exceeded");
      return nullptr;
    }
    Expr* prev = nullptr;
    int stage = 0;
    while (true) {
      Token t;
      if (!NextNonSpace(&t)) return nullptr;
      if (t.t == end) {
        if (prev == nullptr) {
          Fail(t.pos, absl::StrCat("missing value for ", ToAbsl(context)));
        }
        return prev;
      }
      switch (t.t) {
        case Tok::kVariable:
          Fail(t.pos, "variables ($) are not supported");
          return nullptr;
        case Tok::kBool:
        case Tok::kChar:
        case Tok::kNumber:
        case Tok::kDot:
        case Tok::kField:
        case Tok::kIdent:
        case Tok::kString:
        case Tok::kRawString:
        case Tok::kLParen:
          break;
        case Tok::kKeyword:
          if (t.text == "nil") break;
          [[fallthrough]];
        default:
          Unexpected(t, context);
          return nullptr;
      }
      Backup(t);
      std::vector<Operand> args;
      if (!ParseCommand(&args, depth)) return nullptr;
      prev = BuildCommand(args, prev, ++stage);
      if (prev == nullptr) return nullptr;
    }
  }

  // operand (space operand)*; a '|' after it is consumed.
  bool ParseCommand(std::vector<Operand>* args, int depth) {
    while (true) {
      Token t;
      if (!PeekNonSpace(&t)) return false;
      std::optional<Operand> op;
      if (!ParseOperand(&op, depth)) return false;
      if (op) args->push_back(*op);
      if (!Next(&t)) return false;
      if (t.t == Tok::kSpace) continue;
      if (t.t == Tok::kRightDelim || t.t == Tok::kRParen) {
        Backup(t);
      } else if (t.t != Tok::kPipe) {
        return Unexpected(t, "operand");
      }
      break;
    }
    if (args->empty()) return Fail(last_.pos, "empty command");
    return true;
  }

  // term .Field*
  bool ParseOperand(std::optional<Operand>* out, int depth) {
    if (!ParseTerm(out, depth) || !*out) return err_.empty();
    Token t;
    if (!Peek(&t)) return false;
    if (t.t != Tok::kField) return true;
    Operand& op = **out;
    if (op.kind == Operand::Kind::kExpr && op.expr->kind == Expr::Kind::kField && !op.paren) {
      // .x.y: the first field is looked up (in a map field, its key y);
      // any further one fails on a string (Go's "can't evaluate field y")
      // or keeps a missing value.
      Next(&t);
      if (op.expr->chained.empty()) op.expr->chained.assign(t.text.substr(1));
      while (Peek(&t) && t.t == Tok::kField) {
        Next(&t);
        if (op.expr->chained2.empty()) op.expr->chained2.assign(t.text.substr(1));
      }
      return err_.empty();
    }
    if (op.literal()) return Fail(t.pos, "unexpected . after term");
    return Fail(t.pos, "field access on a function or parenthesized result is not supported");
  }

  bool ParseTerm(std::optional<Operand>* out, int depth) {
    Token t;
    if (!NextNonSpace(&t)) return false;
    Operand op{Operand::Kind::kExpr, t.pos};
    switch (t.t) {
      case Tok::kIdent:
        op.kind = Operand::Kind::kFunc;
        op.fn = FindFunction(t.text);
        if (op.fn == nullptr) {
          return Fail(
              t.pos, absl::StrCat("function \"", ToAbsl(t.text),
                                  "\" is not supported (outpost implements ToLower, ToUpper, "
                                  "Replace, Trim, TrimLeft, TrimRight, TrimPrefix, TrimSuffix, "
                                  "TrimSpace, Hash, Sha2Hash, regexReplaceAll, "
                                  "regexReplaceAllLiteral, eq, ne, lt, le, gt, ge, and, or, not)"));
        }
        break;
      case Tok::kDot:
        return Fail(t.pos, "`.` (the whole data map) is not supported; use a field such as .Value");
      case Tok::kVariable:
        return Fail(t.pos, "variables ($) are not supported");
      case Tok::kKeyword:
        if (t.text != "nil") {
          Backup(t);
          return true;
        }
        op.kind = Operand::Kind::kNil;
        break;
      case Tok::kField:
        op.expr = NewExpr(Expr::Kind::kField, t.pos);
        op.expr->text.assign(t.text.substr(1));
        break;
      case Tok::kBool:
        op.expr = NewExpr(Expr::Kind::kLiteral, t.pos);
        op.expr->lit.kind = Val::Kind::kBool;
        op.expr->lit.b = t.text == "true";
        op.expr->text.assign(t.text);
        break;
      case Tok::kNumber:
      case Tok::kChar:
        op.expr = ParseNumber(t);
        if (op.expr == nullptr) return false;
        break;
      case Tok::kString:
      case Tok::kRawString:
        op.expr = NewExpr(Expr::Kind::kLiteral, t.pos);
        if (!UnquoteString(t.text, &op.expr->text))
          return Fail(t.pos, "invalid syntax in string literal");
        op.expr->lit.kind = Val::Kind::kString;
        op.expr->string_literal = true;
        break;
      case Tok::kLParen:
        op.expr = ParsePipeline(Tok::kRParen, "parenthesized pipeline", depth + 1);
        if (op.expr == nullptr) return false;
        op.paren = true;
        break;
      default:
        Backup(t);
        return true;
    }
    *out = op;
    return true;
  }

  Expr* ParseNumber(const Token& t) {
    Expr* e = NewExpr(Expr::Kind::kLiteral, t.pos);
    const std::string error = ParseNumberLiteral(t.text, t.t == Tok::kChar, e);
    if (error.empty()) return e;
    Fail(t.pos, error);
    return nullptr;
  }

  // One command of a pipeline; `final` is the previous command's value.
  Expr* BuildCommand(const std::vector<Operand>& args, Expr* final, int stage) {
    const Operand& first = args[0];
    if (stage > 1 && first.literal()) {
      Fail(first.pos, absl::StrCat("non executable command in pipeline stage ", stage));
      return nullptr;
    }
    if (first.kind == Operand::Kind::kFunc) {
      return MakeCall(first, std::vector<Operand>(args.begin() + 1, args.end()), final);
    }
    if (first.kind == Operand::Kind::kNil) {
      Fail(first.pos, "nil is not a command");
      return nullptr;
    }
    if (args.size() > 1 || final != nullptr) {
      if (first.expr->kind == Expr::Kind::kField && !first.paren) {
        Fail(first.pos, absl::StrCat(".", first.expr->text, " is not a method but has arguments"));
      } else {
        Fail(first.pos, "can't give argument to non-function");
      }
      return nullptr;
    }
    return first.expr;
  }

  Expr* MakeCall(const Operand& f, const std::vector<Operand>& args, Expr* final) {
    const FnInfo& fn = *f.fn;
    const size_t n = args.size() + (final != nullptr ? 1 : 0);
    if (n < fn.min_args || n > fn.max_args) {
      const std::string want =
          fn.max_args == 255 ? absl::StrCat("at least ", fn.min_args) : absl::StrCat(fn.min_args);
      Fail(f.pos,
           absl::StrCat("wrong number of args for ", ToAbsl(fn.name), ": want ", want, " got ", n));
      return nullptr;
    }
    Expr* call = NewExpr(Expr::Kind::kCall, f.pos);
    call->fn = &fn;
    for (size_t i = 0; i < args.size(); ++i) {
      Expr* a = ArgExpr(fn, i, args[i]);
      if (a == nullptr) return nullptr;
      call->args.push_back(a);
    }
    if (final != nullptr) {
      call->args.push_back(final);
      call->has_final = true;
    }
    call->argvals.resize(call->args.size());
    if ((fn.fn == Fn::kRegexReplaceAll || fn.fn == Fn::kRegexReplaceAllLiteral) &&
        call->args[0]->string_literal) {
      // A literal regex is compiled once; one that does not compile fails
      // each execution, as Go's MustCompile panics inside Execute.
      call->re = std::make_unique<re2::RE2>(call->args[0]->text, RegexOptions());
      call->re_literal = true;
    }
    return call;
  }

  // Argument i of `fn`; literals of the wrong type fail here (Go fails
  // when executing them).
  Expr* ArgExpr(const FnInfo& fn, size_t i, const Operand& op) {
    const Param want = fn.param(i);
    if (op.kind == Operand::Kind::kFunc) return MakeCall(op, {}, nullptr);
    if (op.kind == Operand::Kind::kNil) {
      if (want != Param::kAny) {
        Fail(op.pos,
             want == Param::kInt ? "cannot assign nil to int" : "cannot assign nil to string");
        return nullptr;
      }
      Expr* e = NewExpr(Expr::Kind::kLiteral, op.pos);
      e->text = "nil";
      return e;
    }
    Expr* e = op.expr;
    if (op.literal()) {
      if (want == Param::kString && !e->string_literal) {
        Fail(op.pos, absl::StrCat("expected string; found ", e->text));
        return nullptr;
      }
      if (want == Param::kInt && !e->int_literal) {
        Fail(op.pos, absl::StrCat("expected integer; found ",
                                  e->string_literal ? absl::StrCat("\"", e->text, "\"") : e->text));
        return nullptr;
      }
      if (want == Param::kInt) {
        // Typed int parameter: the literal's int value, even if written 1.0.
        Expr* c = NewExpr(Expr::Kind::kLiteral, op.pos);
        c->lit.kind = Val::Kind::kInt;
        c->lit.i = e->lit.i;
        c->text = e->text;
        c->int_literal = true;
        return c;
      }
    }
    return e;
  }

  GoTemplate::Impl* impl_;
};

}  // namespace
}  // namespace gotmpl

GoTemplate::GoTemplate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GoTemplate::~GoTemplate() = default;

std::unique_ptr<GoTemplate> GoTemplate::Parse(std::string_view text, std::string* error) {
  auto impl = std::make_unique<Impl>();
  gotmpl::Parser parser(text, impl.get());
  if (!parser.Parse(error)) return nullptr;
  return std::unique_ptr<GoTemplate>(new GoTemplate(std::move(impl)));
}

}  // namespace outpost::tmpl
