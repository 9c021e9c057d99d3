// `replace`: rewrites the captured parts of every match of a regex
// (Promtail stages/replace.go). The input is the line, or extracted[source]
// (missing or null: no change). For each match (Go's FindAll: successive,
// non-overlapping; an empty match right after a match is skipped) and each
// capture group that took part, the captured text is replaced by the
// `replace` template's result, run over the extracted map with `.Value` =
// the captured text; a group nested in an already replaced one is not
// replaced again. Without capture groups nothing is replaced. The result
// goes to the line or to extracted[source]; each named group of the first
// match is set in extracted to the replacement of its captured text (when
// some group captured that text). A template error leaves the entry
// unchanged. Buffers are reused: no allocation per line once warm.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/utf8.h"
#include "core/template/go_template.h"
#include "logs/stages/stage.h"
#include "re2/re2.h"

namespace outpost::logs::stages {
namespace {

// The template's data: extracted (non-null values) plus Value (which wins
// over an extracted "Value", as upstream sets it last).
class ReplaceFields final : public tmpl::GoTemplate::Fields {
 public:
  ReplaceFields(const Extracted& x, std::string_view value) : x_(x), value_(value) {}
  bool Get(std::string_view name, std::string_view* value) const override {
    if (name == "Value") {
      *value = value_;
      return true;
    }
    const Value* v = x_.Find(name);
    if (v == nullptr || v->kind == Value::Kind::kNull) return false;
    *value = v->text;
    return true;
  }

 private:
  const Extracted& x_;
  std::string_view value_;
};

class ReplaceStage final : public Stage {
 public:
  ReplaceStage(std::unique_ptr<RE2> re, std::optional<std::string> source,
               std::unique_ptr<tmpl::GoTemplate> tmpl)
      : re_(std::move(re)), source_(std::move(source)), tmpl_(std::move(tmpl)) {
    groups_ = 1 + re_->NumberOfCapturingGroups();
    pieces_.resize(groups_);
    first_.resize(groups_);
    for (const auto& [name, index] : re_->NamedCapturingGroups()) names_.emplace_back(name, index);
    picks_.resize(names_.size());
  }

  Result Process(Entry& e, Output&) override {
    std::string_view input;
    if (source_.has_value()) {
      const Value* v = e.extracted.Find(*source_);
      if (v == nullptr || v->kind == Value::Kind::kNull) return Result::kContinue;
      input = v->text;
    } else {
      input = e.line;
    }
    if (!Replace(e.extracted, input)) return Result::kContinue;
    // Each named group's value: the last replacement of the text the group
    // captured in the first match (upstream's map of captured text), picked
    // while `input` (in the map or the line) is still unchanged.
    for (size_t n = 0; n < names_.size(); ++n) {
      const std::optional<std::string_view>& text = first_[names_[n].second];
      picks_[n] = captured_;
      if (!text.has_value()) continue;
      for (size_t j = 0; j < captured_; ++j) {
        if (captures_[j].first == *text) picks_[n] = j;
      }
    }
    if (source_.has_value()) {
      e.extracted.SetString(*source_, result_);
    } else {
      e.line.swap(result_);
    }
    for (size_t n = 0; n < names_.size(); ++n) {
      if (picks_[n] != captured_) e.extracted.SetString(names_[n].first, captures_[picks_[n]].second);
    }
    return Result::kContinue;
  }

 private:
  // Builds result_ from `input`; false when nothing matched or the
  // template failed.
  bool Replace(const Extracted& x, std::string_view input) {
    result_.clear();
    captured_ = 0;
    const re2::StringPiece text(input.data(), input.size());
    size_t pos = 0, prev_end = 0;
    int64_t prev_match_end = -1;
    bool any = false;
    while (pos <= input.size()) {
      if (!re_->Match(text, pos, input.size(), RE2::UNANCHORED, pieces_.data(), groups_)) break;
      const size_t start = static_cast<size_t>(pieces_[0].data() - input.data());
      const size_t end = start + pieces_[0].size();
      bool accept = true;
      if (end == pos) {  // an empty match at pos
        if (static_cast<int64_t>(start) == prev_match_end) accept = false;
        size_t width = 1;
        if (pos < input.size()) DecodeRune(input, pos, &width);
        pos += width;
      } else {
        pos = end;
      }
      prev_match_end = static_cast<int64_t>(end);
      if (!accept) continue;
      if (!any) {
        // The first match's groups (FindStringSubmatch).
        for (int i = 0; i < groups_; ++i) {
          if (pieces_[i].data() == nullptr) {
            first_[i] = std::string_view();  // Go's "" for a group that took no part
          } else {
            first_[i] = std::string_view(pieces_[i].data(), pieces_[i].size());
          }
        }
        any = true;
      }
      for (int i = 1; i < groups_; ++i) {
        if (pieces_[i].data() == nullptr) continue;
        const size_t s = static_cast<size_t>(pieces_[i].data() - input.data());
        const std::string_view cap(pieces_[i].data(), pieces_[i].size());
        if (captures_.size() == captured_) captures_.emplace_back();
        auto& [from, to] = captures_[captured_++];
        from = cap;
        if (!tmpl_->Execute(ReplaceFields(x, cap), &to)) return false;
        if (prev_end <= s) {
          result_.append(input.substr(prev_end, s - prev_end)).append(to);
          prev_end = s + cap.size();
        }
      }
    }
    if (!any) return false;
    result_.append(input.substr(prev_end));
    return true;
  }

  std::unique_ptr<RE2> re_;
  std::optional<std::string> source_;
  std::unique_ptr<tmpl::GoTemplate> tmpl_;
  int groups_ = 1;
  std::vector<std::pair<std::string, int>> names_;
  // Reused per line.
  std::vector<re2::StringPiece> pieces_;
  std::vector<std::optional<std::string_view>> first_;
  std::vector<std::pair<std::string_view, std::string>> captures_;
  size_t captured_ = 0;
  std::vector<size_t> picks_;
  std::string result_;
};

}  // namespace

std::unique_ptr<Stage> NewReplaceStage(const config::PipelineStage& spec, const StageContext&,
                                       config::Errors* errors) {
  const size_t before = errors->errors.size();
  config::MapReader r = BodyReader(spec, errors);  // a null body: "expression is required"
  if (errors->errors.size() != before) return nullptr;
  std::unique_ptr<RE2> re = CompileStageRegex(spec, r, errors);
  std::optional<std::string> source;
  if (r.Has("source") && !spec.body["source"].IsNull()) {
    std::string s;
    r.String("source", &s);
    if (s.empty()) StageError(spec, spec.body["source"], "source",
                              "empty source in replace stage", errors);
    source = std::move(s);
  }
  std::string text;
  r.String("replace", &text);
  if (re == nullptr || errors->errors.size() != before) return nullptr;
  // Upstream parses the template per entry and skips the entry when it does
  // not parse; a template that can never run is reported here instead.
  std::string error;
  std::unique_ptr<tmpl::GoTemplate> tmpl = tmpl::GoTemplate::Parse(text, &error);
  if (tmpl == nullptr) {
    StageError(spec, spec.body["replace"], "replace", error, errors);
    return nullptr;
  }
  return std::make_unique<ReplaceStage>(std::move(re), std::move(source), std::move(tmpl));
}

}  // namespace outpost::logs::stages
