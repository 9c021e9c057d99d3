// `json`: extracts values from a JSON line (or an extracted value) with
// JMESPath expressions (Promtail stages/json.go). The line must be a JSON
// object (or null: every expression then finds nothing); anything else is
// malformed: the entry passes unchanged, or is dropped with drop_malformed
// (uncounted, as upstream). A value is stored as Promtail's unmarshalled
// interface{}: string, float64 number, bool, nil (also for an expression
// that finds nothing); an object or array as its JSON re-marshalled by Go.
//
// simdjson parses into one DOM parser kept by the stage; its buffers and
// the padded copy of the input are reused, so a warm stage allocates only
// when a line is longer than any before.
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/utf8.h"
#include "logs/stages/go_json.h"
#include "logs/stages/jmespath.h"
#include "logs/stages/source.h"
#include "logs/stages/stage.h"
#include "simdjson.h"

namespace outpost::logs::stages {
namespace {

namespace dom = simdjson::dom;

class JsonStage final : public Stage {
 public:
  struct Expr {
    std::string key;
    std::vector<jmespath::Step> steps;
  };

  JsonStage(std::vector<Expr> exprs, std::optional<std::string> source, bool drop_malformed)
      : exprs_(std::move(exprs)), source_(std::move(source)), drop_malformed_(drop_malformed) {}

  Result Process(Entry& e, Output&) override {
    std::string_view text;
    if (!SourceText(e, source_, &text)) return Result::kContinue;
    dom::element root;
    // Go's json.Unmarshal into a map accepts an object or null only.
    if (!Parse(text, &root) || !(root.is_object() || root.is_null())) {
      return drop_malformed_ ? Result::kDrop : Result::kContinue;
    }
    for (const Expr& x : exprs_) {
      dom::element v;
      const bool found = Search(root, x.steps, &v);
      Store(found, v, e.extracted.Put(x.key));
    }
    return Result::kContinue;
  }

 private:
  // Parses a padded copy of `text` (it may live in e.extracted, which the
  // stage writes to). Two inputs Go's decoder takes and simdjson rejects
  // are parsed again after a rewrite (rare lines only): invalid UTF-8, with
  // each invalid byte replaced by U+FFFD (what Go's encoder writes for it),
  // and integers beyond 64 bits, made decimals (Go reads them as float64).
  bool Parse(std::string_view text, dom::element* root) {
    repaired_ = false;
    Pad(text);
    simdjson::error_code err = parser_.parse(buf_.data(), text.size(), false).get(*root);
    if (err == simdjson::UTF8_ERROR) {
      fixed_.clear();
      for (size_t i = 0, len; i < text.size(); i += len) {
        bool valid;
        DecodeRune(text, i, &len, &valid);
        if (valid) {
          fixed_.append(text.data() + i, len);
        } else {
          fixed_ += "\xef\xbf\xbd";
        }
      }
      repaired_ = true;
      text = fixed_;
      Pad(text);
      err = parser_.parse(buf_.data(), text.size(), false).get(*root);
    }
    if (err == simdjson::NUMBER_ERROR && WidenIntegers(text)) {
      Pad(widened_);
      err = parser_.parse(buf_.data(), widened_.size(), false).get(*root);
    }
    return err == simdjson::SUCCESS;
  }

  // widened_ = text with ".0" after each integer of 20 digits or more
  // outside strings; false when there is none.
  bool WidenIntegers(std::string_view text) {
    widened_.clear();
    bool in_string = false, changed = false;
    for (size_t i = 0; i < text.size();) {
      const char c = text[i];
      if (in_string) {
        widened_ += c;
        if (c == '\\' && i + 1 < text.size()) {
          widened_ += text[++i];
        } else if (c == '"') {
          in_string = false;
        }
        ++i;
        continue;
      }
      if (c == '"') in_string = true;
      if (c != '-' && (c < '0' || c > '9')) {
        widened_ += c;
        ++i;
        continue;
      }
      const size_t start = i;
      bool integer = true;
      size_t digits = 0;
      for (; i < text.size(); ++i) {
        const char d = text[i];
        if (d >= '0' && d <= '9') {
          ++digits;
        } else if (d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-') {
          integer = integer && d == '-' && i == start;
        } else {
          break;
        }
      }
      widened_.append(text.data() + start, i - start);
      if (integer && digits >= 20) {
        widened_ += ".0";
        changed = true;
      }
    }
    return changed;
  }

  void Pad(std::string_view text) {
    const size_t need = text.size() + simdjson::SIMDJSON_PADDING;
    if (buf_.size() < need) buf_.resize(need);
    std::memcpy(buf_.data(), text.data(), text.size());
    std::memset(buf_.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  }

  // go-jmespath: a field of a non-object, an index of a non-array or out
  // of range finds nothing. Of duplicate keys the last counts (Go's map).
  static bool Search(dom::element cur, const std::vector<jmespath::Step>& steps,
                     dom::element* out) {
    for (const jmespath::Step& s : steps) {
      if (s.is_index) {
        dom::array a;
        if (cur.get_array().get(a) != simdjson::SUCCESS) return false;
        const int64_t n = static_cast<int64_t>(a.size());
        const int64_t i = s.index < 0 ? n + s.index : s.index;
        if (i < 0 || i >= n) return false;
        if (a.at(static_cast<size_t>(i)).get(cur) != simdjson::SUCCESS) return false;
        continue;
      }
      dom::object o;
      if (cur.get_object().get(o) != simdjson::SUCCESS) return false;
      bool hit = false;
      for (dom::key_value_pair kv : o) {
        if (kv.key == s.field) {
          cur = kv.value;
          hit = true;
        }
      }
      if (!hit) return false;
    }
    *out = cur;
    return true;
  }

  void Store(bool found, dom::element v, Value& out) {
    out.number = 0;
    out.text.clear();
    if (!found || v.is_null()) {
      out.kind = Value::Kind::kNull;
      return;
    }
    switch (v.type()) {
      case dom::element_type::STRING:
        out.kind = Value::Kind::kString;
        out.text.assign(v.get_string().value_unsafe());
        return;
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE:
        out.kind = Value::Kind::kNumber;
        out.number = v.get_double().value_unsafe();
        AppendGoFloatF(out.text, out.number);
        return;
      case dom::element_type::BOOL:
        out.kind = Value::Kind::kBool;
        out.number = v.get_bool().value_unsafe() ? 1 : 0;
        out.text.assign(out.number != 0 ? "true" : "false");
        return;
      default:
        out.kind = Value::Kind::kString;
        Marshal(v, out.text);
        return;
    }
  }

  // Writes `v` as Go's encoder writes the unmarshalled value: compact,
  // object keys sorted (Go maps), numbers as float64.
  void Marshal(dom::element v, std::string& out) {
    switch (v.type()) {
      case dom::element_type::OBJECT: {
        const size_t base = members_.size();
        size_t order = 0;
        dom::object o;
        if (v.get_object().get(o) != simdjson::SUCCESS) return;
        for (dom::key_value_pair kv : o) {
          members_.push_back(Member{kv.key, kv.value, order++});
        }
        std::sort(members_.begin() + static_cast<ptrdiff_t>(base), members_.end(),
                  [](const Member& a, const Member& b) {
                    return a.key != b.key ? a.key < b.key : a.order < b.order;
                  });
        out += '{';
        bool first = true;
        for (size_t i = base; i < members_.size(); ++i) {
          // Of duplicate keys the last one stays in Go's map.
          if (i + 1 < members_.size() && members_[i + 1].key == members_[i].key) continue;
          if (!first) out += ',';
          first = false;
          AppendGoJsonString(out, members_[i].key, repaired_);
          out += ':';
          Marshal(members_[i].value, out);
        }
        out += '}';
        members_.resize(base);
        return;
      }
      case dom::element_type::ARRAY: {
        out += '[';
        bool first = true;
        dom::array a;
        if (v.get_array().get(a) != simdjson::SUCCESS) return;
        for (dom::element x : a) {
          if (!first) out += ',';
          first = false;
          Marshal(x, out);
        }
        out += ']';
        return;
      }
      case dom::element_type::STRING:
        AppendGoJsonString(out, v.get_string().value_unsafe(), repaired_);
        return;
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE:
        AppendGoJsonFloat(out, v.get_double().value_unsafe());
        return;
      case dom::element_type::BOOL:
        out += v.get_bool().value_unsafe() ? "true" : "false";
        return;
      case dom::element_type::NULL_VALUE:
        out += "null";
        return;
    }
  }

  struct Member {
    std::string_view key;
    dom::element value;
    size_t order;
  };

  std::vector<Expr> exprs_;
  std::optional<std::string> source_;
  bool drop_malformed_;
  dom::parser parser_;
  std::string buf_;    // the input and simdjson's padding
  std::string fixed_;    // the input with invalid UTF-8 replaced
  bool repaired_ = false;  // the line parsed is fixed_
  std::string widened_;  // the input with long integers made decimals
  std::vector<Member> members_;  // object members being sorted (a stack)
};

}  // namespace

std::unique_ptr<Stage> NewJsonStage(const config::PipelineStage& spec, const StageContext&,
                                    config::Errors* errors) {
  const size_t before = errors->errors.size();
  config::MapReader m = BodyReader(spec, errors);
  std::map<std::string, std::string> raw;
  m.StringMap("expressions", &raw);
  bool drop_malformed = false;
  m.Bool("drop_malformed", &drop_malformed);
  std::optional<std::string> source = ReadSource(spec, m, errors);
  if (errors->errors.size() != before) return nullptr;
  const YAML::Node node = m.Raw("expressions");
  if (raw.empty()) {
    // Promtail validateJSONConfig.
    StageError(spec, node, "expressions", "JMES expression is required", errors);
    return nullptr;
  }
  std::vector<JsonStage::Expr> exprs;
  for (auto it = node.begin(); it != node.end(); ++it) {
    JsonStage::Expr x;
    x.key = it->first.Scalar();
    const std::string& text = raw[x.key];
    const std::string& expr = text.empty() ? x.key : text;
    std::string what;
    const YAML::Node where = it->second.IsNull() ? it->first : it->second;
    const jmespath::Status st = jmespath::Compile(expr, &x.steps, &what);
    switch (st) {
      case jmespath::Status::kOk:
        exprs.push_back(std::move(x));
        continue;
      case jmespath::Status::kSyntax:
      case jmespath::Status::kUnsupported: {
        // Upstream's text for what go-jmespath cannot compile.
        const std::string msg =
            absl::StrCat(st == jmespath::Status::kSyntax ? "could not compile JMES expression "
                                                          : "json stage: unsupported JMESPath "
                                                            "expression ",
                         expr, ": ", what);
        const std::string key = absl::StrCat("expressions.", x.key);
        StageError(spec, where, key, msg, errors);
        break;
      }
    }
  }
  if (errors->errors.size() != before) return nullptr;
  return std::make_unique<JsonStage>(std::move(exprs), std::move(source), drop_malformed);
}

}  // namespace outpost::logs::stages
