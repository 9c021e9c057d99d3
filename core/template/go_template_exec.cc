// Execution of a GoTemplate: Go's text/template exec.go and funcs.go rules
// (truthiness, and/or short-circuit, eq/lt comparisons, printing with fmt's
// %v) and the functions Promtail registers (stages/template.go).
#include <openssl/evp.h>

#include <charconv>

#include "core/base/utf8.h"
#include "core/relabel/expand.h"
#include "core/relabel/text_case.h"
#include "core/template/go_template_internal.h"

namespace outpost::tmpl {

using gotmpl::Expr;
using gotmpl::Fn;
using gotmpl::Item;
using gotmpl::Param;
using gotmpl::Val;

namespace {

using K = Val::Kind;

// text/template isTrue.
bool Truth(const Val& v) {
  switch (v.kind) {
    case K::kInvalid:
      return false;
    case K::kString:
      return !v.s.empty();
    case K::kBool:
      return v.b;
    case K::kInt:
      return v.i != 0;
    case K::kFloat:
      return v.f != 0;
  }
  return false;
}

std::string_view TypeName(K k) {
  switch (k) {
    case K::kInvalid:
      return "<nil>";
    case K::kString:
      return "string";
    case K::kBool:
      return "bool";
    case K::kInt:
      return "int";
    case K::kFloat:
      return "float64";
  }
  return "?";
}

// fmt's %v of a float64: strconv 'g' with the shortest digits, but %e only
// for exponents < -4 or >= 21.
void AppendFloat(double f, std::string* out) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  const size_t e = sci.find('e');
  int exp = 0;
  if (e != std::string_view::npos) {
    std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp);
  }
  if (e == std::string_view::npos || exp < -4 || exp >= 21) {
    out->append(sci);  // also inf/nan, which literals cannot make
    return;
  }
  r = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::fixed);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

void Print(const Val& v, std::string* out) {
  switch (v.kind) {
    case K::kInvalid:
      out->append("<no value>");
      return;
    case K::kString:
      out->append(v.s);
      return;
    case K::kBool:
      out->append(v.b ? "true" : "false");
      return;
    case K::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), v.i);
      out->append(buf, static_cast<size_t>(r.ptr - buf));
      return;
    }
    case K::kFloat:
      AppendFloat(v.f, out);
      return;
  }
}

// The rune ending at s[end) (Go's utf8.DecodeLastRuneInString): its value
// (U+FFFD when invalid) and length.
uint32_t LastRune(std::string_view s, size_t end, size_t* len) {
  size_t start = end - 1;
  const size_t lim = end >= 4 ? end - 4 : 0;
  while (start > lim && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80) --start;
  bool valid;
  size_t n;
  const uint32_t r = DecodeRune(s.substr(0, end), start, &n, &valid);
  if (!valid || start + n != end) {
    *len = 1;
    return 0xfffd;
  }
  *len = n;
  return r;
}

uint32_t RuneAt(std::string_view s, size_t i, size_t* len) {
  bool valid;
  const uint32_t r = DecodeRune(s, i, len, &valid);
  return valid ? r : 0xfffd;
}

// strings.ContainsRune(cutset, r), where invalid bytes are U+FFFD.
bool InCutset(std::string_view cutset, uint32_t r) {
  for (size_t i = 0, len; i < cutset.size(); i += len) {
    if (RuneAt(cutset, i, &len) == r) return true;
  }
  return false;
}

std::string_view TrimLeftSet(std::string_view s, std::string_view cutset) {
  size_t i = 0, len;
  while (i < s.size() && InCutset(cutset, RuneAt(s, i, &len))) i += len;
  return s.substr(i);
}

std::string_view TrimRightSet(std::string_view s, std::string_view cutset) {
  size_t end = s.size(), len;
  while (end > 0 && InCutset(cutset, LastRune(s, end, &len))) end -= len;
  return s.substr(0, end);
}

// unicode.IsSpace.
bool IsUnicodeSpace(uint32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
  }
  return r >= 0x2000 && r <= 0x200a;
}

std::string_view TrimSpace(std::string_view s) {
  size_t i = 0, len;
  while (i < s.size() && IsUnicodeSpace(RuneAt(s, i, &len))) i += len;
  size_t end = s.size();
  while (end > i && IsUnicodeSpace(LastRune(s, end, &len))) end -= len;
  return s.substr(i, end - i);
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0, len; i < s.size(); i += len, ++n) RuneAt(s, i, &len);
  return n;
}

size_t Count(std::string_view s, std::string_view sub) {
  if (sub.empty()) return RuneCount(s) + 1;
  size_t n = 0;
  for (size_t p = s.find(sub); p != std::string_view::npos; p = s.find(sub, p + sub.size())) ++n;
  return n;
}

// strings.Replace(s, old, new, n); the result is s itself or *buf.
std::string_view Replace(std::string_view s, std::string_view old, std::string_view repl, int64_t n,
                         std::string* buf) {
  if (old == repl || n == 0) return s;
  const size_t m = Count(s, old);
  if (m == 0) return s;
  if (n < 0 || m < static_cast<uint64_t>(n)) n = static_cast<int64_t>(m);
  buf->clear();
  size_t start = 0;
  for (int64_t i = 0; i < n; ++i) {
    size_t j = start;
    if (old.empty()) {
      if (i > 0 && start < s.size()) {
        size_t len;
        RuneAt(s, start, &len);
        j += len;
      }
    } else {
      j = s.find(old, start);
    }
    buf->append(s.substr(start, j - start));
    buf->append(repl);
    start = j + old.size();
  }
  buf->append(s.substr(start));
  return *buf;
}

// eq for one pair (funcs.go eq): false with *err set when not comparable.
bool Equal(const Val& a, const Val& b, const char** err) {
  if (a.kind != b.kind) {
    if (a.kind != K::kInvalid && b.kind != K::kInvalid) *err = "incompatible types for comparison";
    return false;
  }
  switch (a.kind) {
    case K::kInvalid:
      return true;
    case K::kString:
      return a.s == b.s;
    case K::kBool:
      return a.b == b.b;
    case K::kInt:
      return a.i == b.i;
    case K::kFloat:
      return a.f == b.f;
  }
  return false;
}

// lt (funcs.go lt).
bool Less(const Val& a, const Val& b, const char** err) {
  if (a.kind == K::kInvalid || b.kind == K::kInvalid || a.kind == K::kBool) {
    *err = "invalid type for comparison";
    return false;
  }
  if (a.kind != b.kind) {
    *err = "incompatible types for comparison";
    return false;
  }
  switch (a.kind) {
    case K::kString:
      return a.s < b.s;
    case K::kInt:
      return a.i < b.i;
    case K::kFloat:
      return a.f < b.f;
    default:
      return false;
  }
}

Val Str(std::string_view s) {
  Val v;
  v.kind = K::kString;
  v.s = s;
  return v;
}

Val Bool(bool b) {
  Val v;
  v.kind = K::kBool;
  v.b = b;
  return v;
}

}  // namespace

GoTemplate::Impl::~Impl() {
  if (md != nullptr) EVP_MD_CTX_free(md);
}

bool GoTemplate::Impl::Fail(std::string_view a, std::string_view b, std::string_view c) {
  if (error != nullptr) {
    error->assign(a);
    error->append(b);
    error->append(c);
  }
  return false;
}

bool GoTemplate::Impl::Run(const std::vector<Item>& list) {
  for (const Item& it : list) {
    switch (it.kind) {
      case Item::Kind::kText:
        out->append(it.text);
        break;
      case Item::Kind::kAction: {
        Val v;
        if (!Eval(*it.expr, &v)) return false;
        Print(v, out);
        break;
      }
      case Item::Kind::kIf: {
        Val v;
        if (!Eval(*it.expr, &v)) return false;
        if (!Run(Truth(v) ? it.then_items : it.else_items)) return false;
        break;
      }
    }
  }
  return true;
}

bool GoTemplate::Impl::Eval(Expr& e, Val* v) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      *v = e.lit;
      if (v->kind == K::kString) v->s = e.text;
      return true;
    case Expr::Kind::kField: {
      std::string_view s;
      if (!e.chained.empty()) {
        // A map field: .m.key is the key's value, "<no value>" when absent
        // (Go's default missingkey option).
        switch (fields->GetKey(e.text, e.chained, &s)) {
          case Fields::Lookup::kNotMap:
            break;
          case Fields::Lookup::kMissing:
            *v = Val{};
            return true;
          case Fields::Lookup::kFound:
            if (!e.chained2.empty()) {
              return Fail("can't evaluate field ", e.chained2, " in type string");
            }
            *v = Str(s);
            return true;
        }
      }
      if (!fields->Get(e.text, &s)) {
        *v = Val{};  // a missing key; so is any field of it
        return true;
      }
      if (!e.chained.empty()) return Fail("can't evaluate field ", e.chained, " in type string");
      *v = Str(s);
      return true;
    }
    case Expr::Kind::kCall:
      return Call(e, v);
  }
  return false;
}

bool GoTemplate::Impl::Call(Expr& e, Val* v) {
  const size_t n = e.args.size();
  const size_t given = e.has_final ? n - 1 : n;
  // The pipeline's previous command runs first.
  if (e.has_final && !Eval(*e.args[n - 1], &e.argvals[n - 1])) return false;
  if (e.fn->fn == Fn::kAnd || e.fn->fn == Fn::kOr) {
    // Short-circuit: the first argument that decides, else the last one.
    const bool is_or = e.fn->fn == Fn::kOr;
    for (size_t i = 0; i < given; ++i) {
      if (!Eval(*e.args[i], v)) return false;
      if (Truth(*v) == is_or) return true;
    }
    if (e.has_final) *v = e.argvals[n - 1];
    return true;
  }
  for (size_t i = 0; i < n; ++i) {
    Val& a = e.argvals[i];
    if (i < given && !Eval(*e.args[i], &a)) return false;
    const Param p = e.fn->param(i);
    const K want = p == Param::kString ? K::kString : K::kInt;
    if (p != Param::kAny && a.kind != want) {
      if (a.kind == K::kInvalid) return Fail("invalid value; expected ", TypeName(want));
      return Fail("wrong type for value; expected ", TypeName(want),
                  a.kind == K::kString ? "; got string" : "; got another type");
    }
  }
  return Apply(e, v);
}

bool GoTemplate::Impl::Apply(Expr& e, Val* v) {
  const Val* a = e.argvals.data();
  const char* err = nullptr;
  switch (e.fn->fn) {
    case Fn::kToLower:
    case Fn::kToUpper:
      e.buf.clear();
      if (e.fn->fn == Fn::kToLower) {
        relabel::AppendLower(a[0].s, &e.buf);
      } else {
        relabel::AppendUpper(a[0].s, &e.buf);
      }
      *v = Str(e.buf);
      return true;
    case Fn::kReplace:
      *v = Str(Replace(a[0].s, a[1].s, a[2].s, a[3].i, &e.buf));
      return true;
    case Fn::kTrim:
      *v = Str(TrimLeftSet(TrimRightSet(a[0].s, a[1].s), a[1].s));
      return true;
    case Fn::kTrimLeft:
      *v = Str(TrimLeftSet(a[0].s, a[1].s));
      return true;
    case Fn::kTrimRight:
      *v = Str(TrimRightSet(a[0].s, a[1].s));
      return true;
    case Fn::kTrimPrefix:
      *v = Str(a[0].s.substr(a[0].s.starts_with(a[1].s) ? a[1].s.size() : 0));
      return true;
    case Fn::kTrimSuffix:
      *v = Str(a[0].s.substr(0, a[0].s.size() - (a[0].s.ends_with(a[1].s) ? a[1].s.size() : 0)));
      return true;
    case Fn::kTrimSpace:
      *v = Str(TrimSpace(a[0].s));
      return true;
    case Fn::kHash:
    case Fn::kSha2Hash:
      return Digest(e, e.fn->fn == Fn::kHash, v);
    case Fn::kRegexReplaceAll:
    case Fn::kRegexReplaceAllLiteral:
      return RegexReplace(e, e.fn->fn == Fn::kRegexReplaceAllLiteral, v);
    case Fn::kEq: {
      bool truth = false;
      for (size_t i = 1; i < e.args.size() && !truth; ++i) truth = Equal(a[0], a[i], &err);
      *v = Bool(truth);
      break;
    }
    case Fn::kNe:
      *v = Bool(!Equal(a[0], a[1], &err));
      break;
    case Fn::kLt:
    case Fn::kGe:
      *v = Bool(Less(a[0], a[1], &err) == (e.fn->fn == Fn::kLt));
      break;
    case Fn::kLe:
    case Fn::kGt: {
      bool le = Less(a[0], a[1], &err);
      if (!le && err == nullptr) le = Equal(a[0], a[1], &err);
      *v = Bool(le == (e.fn->fn == Fn::kLe));
      break;
    }
    case Fn::kNot:
      *v = Bool(!Truth(a[0]));
      break;
    case Fn::kAnd:
    case Fn::kOr:
      break;  // handled by Call
  }
  if (err == nullptr) return true;
  Fail("error calling ", e.fn->name, ": ");
  if (error != nullptr) error->append(err);
  return false;
}

bool GoTemplate::Impl::Digest(Expr& e, bool sha3, Val* v) {
  // Hash(salt, input) = hex(SHA3-256(salt + input)); Sha2Hash with SHA-256.
  if (md == nullptr) md = EVP_MD_CTX_new();
  unsigned char sum[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string_view salt = e.argvals[0].s, input = e.argvals[1].s;
  if (md == nullptr || EVP_DigestInit_ex(md, sha3 ? EVP_sha3_256() : EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(md, salt.data(), salt.size()) != 1 ||
      EVP_DigestUpdate(md, input.data(), input.size()) != 1 ||
      EVP_DigestFinal_ex(md, sum, &len) != 1) {
    return Fail("error calling ", e.fn->name, ": digest failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  e.buf.clear();
  for (unsigned int i = 0; i < len; ++i) {
    e.buf.push_back(kHex[sum[i] >> 4]);
    e.buf.push_back(kHex[sum[i] & 0xf]);
  }
  *v = Str(e.buf);
  return true;
}

// Go's Regexp.ReplaceAllString / ReplaceAllLiteralString (regexp.go
// replaceAll): an empty match right after a match is not replaced, and the
// search always advances by at least one rune.
bool GoTemplate::Impl::RegexReplace(Expr& e, bool literal, Val* v) {
  const std::string_view pattern = e.argvals[0].s, s = e.argvals[1].s, repl = e.argvals[2].s;
  if (!e.re_literal && (e.re == nullptr || e.re_source != pattern)) {
    e.re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                      gotmpl::RegexOptions());
    e.re_source.assign(pattern);
  }
  const re2::RE2& re = *e.re;
  if (!re.ok()) return Fail("error calling ", e.fn->name, ": regexp does not compile");
  const int ngroups = literal ? 1 : re.NumberOfCapturingGroups() + 1;
  e.groups.resize(static_cast<size_t>(ngroups));
  e.group_views.resize(static_cast<size_t>(ngroups));
  const re2::StringPiece text(s.data(), s.size());
  e.buf.clear();
  size_t last_end = 0, search = 0;
  while (search <= s.size()) {
    if (!re.Match(text, search, s.size(), re2::RE2::UNANCHORED, e.groups.data(), ngroups)) break;
    const size_t a0 = static_cast<size_t>(e.groups[0].data() - s.data());
    const size_t a1 = a0 + e.groups[0].size();
    e.buf.append(s.substr(last_end, a0 - last_end));
    if (a1 > last_end || a0 == 0) {
      if (literal) {
        e.buf.append(repl);
      } else {
        for (int g = 0; g < ngroups; ++g) {
          const re2::StringPiece& p = e.groups[static_cast<size_t>(g)];
          e.group_views[static_cast<size_t>(g)] =
              p.data() == nullptr ? std::string_view() : std::string_view(p.data(), p.size());
        }
        relabel::ExpandTemplate(re, repl, e.group_views, e.buf);
      }
    }
    last_end = a1;
    size_t width = 0;
    if (search < s.size()) RuneAt(s, search, &width);
    if (search + width > a1) {
      search += width;
    } else if (search + 1 > a1) {
      ++search;  // at the end of the input
    } else {
      search = a1;
    }
  }
  e.buf.append(s.substr(last_end));
  *v = Str(e.buf);
  return true;
}

bool GoTemplate::Execute(const Fields& fields, std::string* out, std::string* error) {
  out->clear();
  impl_->fields = &fields;
  impl_->out = out;
  impl_->error = error;
  return impl_->Run(impl_->items);
}

}  // namespace outpost::tmpl
