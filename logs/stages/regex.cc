// `regex`: named groups of an RE2 expression into extracted (Promtail
// stages/regex.go). The input is the line, or extracted[source] (a missing
// or null source: no change). Unanchored, leftmost-first as Go's regexp;
// no match: no change. Every named group is set, also when it matched
// nothing (""). Allocation-free per line: the submatch pieces are reused
// and extracted values assigned in place.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "logs/stages/stage.h"
#include "re2/re2.h"

namespace outpost::logs::stages {
namespace {

class RegexStage final : public Stage {
 public:
  RegexStage(std::unique_ptr<RE2> re, std::optional<std::string> source)
      : re_(std::move(re)), source_(std::move(source)) {
    pieces_.resize(static_cast<size_t>(re_->NumberOfCapturingGroups()) + 1);
    for (const auto& [name, index] : re_->NamedCapturingGroups()) {
      names_.push_back({name, static_cast<size_t>(index)});
    }
  }

  Result Process(Entry& e, Output&) override {
    std::string_view input = e.line;
    if (source_) {
      const Value* v = e.extracted.Find(*source_);
      if (v == nullptr || v->kind == Value::Kind::kNull) return Result::kContinue;
      // The value is copied: setting a group may reuse the source's slot.
      scratch_.assign(v->text);
      input = scratch_;
    }
    if (!re_->Match(re2::StringPiece(input.data(), input.size()), 0, input.size(), RE2::UNANCHORED, pieces_.data(),
                    static_cast<int>(pieces_.size()))) {
      return Result::kContinue;
    }
    for (const Group& g : names_) {
      const auto& p = pieces_[g.index];
      e.extracted.SetString(g.name, std::string_view(p.data() == nullptr ? "" : p.data(), p.size()));
    }
    return Result::kContinue;
  }

 private:
  struct Group {
    std::string name;
    size_t index;
  };
  std::unique_ptr<RE2> re_;
  std::optional<std::string> source_;
  std::vector<re2::StringPiece> pieces_;
  std::vector<Group> names_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<RE2> CompileStageRegex(const config::PipelineStage& spec, config::MapReader& r,
                                       config::Errors* errors) {
  std::string expr;
  r.String("expression", &expr);
  if (expr.empty()) {
    StageError(spec, spec.body["expression"], "expression", "expression is required", errors);
    return nullptr;
  }
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_unique<RE2>(expr, o);
  if (!re->ok()) {
    StageError(spec, spec.body["expression"], "expression",
               absl::StrCat("could not compile regular expression: ", re->error()), errors);
    return nullptr;
  }
  return re;
}

std::unique_ptr<Stage> NewRegexStage(const config::PipelineStage& spec, const StageContext&,
                                     config::Errors* errors) {
  if (!spec.body.IsMap()) {
    StageError(spec, spec.body, "", "empty regex stage configuration", errors);
    return nullptr;
  }
  const size_t before = errors->errors.size();
  config::MapReader r = BodyReader(spec, errors);
  std::unique_ptr<RE2> re = CompileStageRegex(spec, r, errors);
  std::optional<std::string> source;
  if (r.Has("source")) {
    std::string s;
    r.String("source", &s);
    if (s.empty()) StageError(spec, spec.body["source"], "source", "empty source", errors);
    source = s;
  }
  if (re == nullptr || errors->errors.size() != before) return nullptr;
  return std::make_unique<RegexStage>(std::move(re), std::move(source));
}

}  // namespace outpost::logs::stages
