// The parsed form of a GoTemplate, shared by its parser (go_template.cc)
// and its evaluator (go_template_exec.cc). Internal to those two files.
#ifndef OUTPOST_CORE_TEMPLATE_GO_TEMPLATE_INTERNAL_H_
#define OUTPOST_CORE_TEMPLATE_GO_TEMPLATE_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/template/go_template.h"
#include "re2/re2.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace outpost::tmpl::gotmpl {

// A value while executing: Go's reflect.Value for the kinds a template of
// this engine can make. kInvalid is Go's missing value ("<no value>").
struct Val {
  enum class Kind : uint8_t { kInvalid, kString, kBool, kInt, kFloat };
  Kind kind = Kind::kInvalid;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string_view s;  // kString; points into the data, a literal or a call's buffer
};

enum class Fn : uint8_t {
  kToLower,
  kToUpper,
  kReplace,
  kTrim,
  kTrimLeft,
  kTrimRight,
  kTrimPrefix,
  kTrimSuffix,
  kTrimSpace,
  kHash,
  kSha2Hash,
  kRegexReplaceAll,
  kRegexReplaceAllLiteral,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kNot,
};

// What a parameter accepts: a Go string, a Go int, or any value
// (reflect.Value parameters of the builtins).
enum class Param : uint8_t { kString, kInt, kAny };

struct FnInfo {
  std::string_view name;
  Fn fn;
  uint8_t min_args;
  uint8_t max_args;  // 255: variadic
  Param params[4];   // parameter i (the last repeats)
  Param param(size_t i) const { return params[i < 4 ? i : 3]; }
};

// The function `name`, or null when this engine does not implement it.
const FnInfo* FindFunction(std::string_view name);

struct Expr {
  enum class Kind : uint8_t { kLiteral, kField, kCall };
  Kind kind = Kind::kLiteral;
  size_t pos = 0;  // byte offset in the template text
  // kLiteral: the value (a string's text is `text`); kField: the name.
  Val lit;
  std::string text;
  bool int_literal = false;  // a number literal Go accepts as an int
  bool string_literal = false;
  std::string chained;   // kField .x.y: "y" (the first field after x)
  std::string chained2;  // kField .x.y.z: "z" (the second one)
  // kCall. When has_final, the last argument is the pipeline's previous
  // command (evaluated first, as Go does).
  const FnInfo* fn = nullptr;
  std::vector<Expr*> args;
  bool has_final = false;
  // Reused per execution: each node runs at most once per Execute.
  std::vector<Val> argvals;
  std::string buf;
  // regexReplaceAll*: the compiled regex; compiled at parse when the regex
  // argument is a literal, else per call when the pattern changes.
  std::unique_ptr<re2::RE2> re;
  std::string re_source;
  bool re_literal = false;
  std::vector<re2::StringPiece> groups;
  std::vector<std::string_view> group_views;
};

struct Item {
  enum class Kind : uint8_t { kText, kAction, kIf };
  Kind kind = Kind::kText;
  std::string text;      // kText
  Expr* expr = nullptr;  // kAction: the pipeline; kIf: the condition
  std::vector<Item> then_items, else_items;
};

re2::RE2::Options RegexOptions();

// Go's strconv.Unquote of a "..." or `...` literal; false when invalid.
bool UnquoteString(std::string_view lit, std::string* out);
// A number or character literal into e->lit (and e->int_literal when Go
// accepts it as an int): "" or the error.
std::string ParseNumberLiteral(std::string_view text, bool is_char, Expr* e);

}  // namespace outpost::tmpl::gotmpl

namespace outpost::tmpl {

struct GoTemplate::Impl {
  ~Impl();
  std::vector<std::unique_ptr<gotmpl::Expr>> exprs;
  std::vector<gotmpl::Item> items;
  EVP_MD_CTX* md = nullptr;  // Hash / Sha2Hash, created when used

  // Execution (go_template_exec.cc).
  bool Run(const std::vector<gotmpl::Item>& items);
  bool Eval(gotmpl::Expr& e, gotmpl::Val* v);
  bool Call(gotmpl::Expr& e, gotmpl::Val* v);
  bool Apply(gotmpl::Expr& e, gotmpl::Val* v);
  bool RegexReplace(gotmpl::Expr& e, bool literal, gotmpl::Val* v);
  bool Digest(gotmpl::Expr& e, bool sha3, gotmpl::Val* v);
  // Records an execution error (only when the caller asked for the text).
  bool Fail(std::string_view a, std::string_view b = {}, std::string_view c = {});
  const Fields* fields = nullptr;
  std::string* out = nullptr;
  std::string* error = nullptr;
};

}  // namespace outpost::tmpl

#endif  // OUTPOST_CORE_TEMPLATE_GO_TEMPLATE_INTERNAL_H_
