// `match`: runs nested stages on the entries a LogQL selector matches, or
// drops them (Promtail stages/match.go). Keys: selector (required, see
// logql.h), stages, action (keep|drop, default keep; case-sensitive as
// upstream), drop_counter_reason (default match_stage), pipeline_name
// (may be absent, not empty; upstream names a pipeline-duration histogram
// with it, which outpost does not have).
//
// keep: a matching entry runs through the nested pipeline, whose output
// continues in the outer pipeline after this stage (so Process returns
// kTaken once the sub-pipeline has emitted or dropped it); other entries
// pass unchanged. drop: a matching entry is dropped and counted in
// logentry_dropped_lines_total{reason=<drop_counter_reason>}.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "logs/stages/logql.h"
#include "logs/stages/pipeline.h"
#include "prometheus/counter.h"

namespace outpost::logs::stages {
namespace {

class MatchStage final : public Stage {
 public:
  MatchStage(LogSelector selector, std::unique_ptr<Pipeline> stages, prometheus::Counter* dropped)
      : selector_(std::move(selector)), stages_(std::move(stages)), dropped_(dropped) {}

  Result Process(Entry& e, Output& out) override {
    if (!selector_.Matches(e.labels, e.line)) return Result::kContinue;
    if (stages_ == nullptr) {  // action: drop
      if (dropped_ != nullptr) dropped_->Increment();
      return Result::kDrop;
    }
    // A nested Pipeline.Run seeds the extracted map with the entry's labels
    // again (stages/pipeline.go Run), overwriting same-named keys.
    for (const Label& l : e.labels) e.extracted.SetString(l.name, l.value);
    stages_->Process(e, out);
    return Result::kTaken;
  }

  void Tick(absl::Time now, Output& out) override {
    if (stages_ != nullptr) stages_->Tick(now, out);
  }
  absl::Time NextDeadline() const override {
    return stages_ != nullptr ? stages_->NextDeadline() : absl::InfiniteFuture();
  }
  void Forget(uint64_t source) override {
    if (stages_ != nullptr) stages_->Forget(source);
  }
  void Flush(Output& out) override {
    if (stages_ != nullptr) stages_->Flush(out);
  }

 private:
  LogSelector selector_;
  std::unique_ptr<Pipeline> stages_;  // null: action drop
  prometheus::Counter* dropped_;      // null when checking a config
};

// Promtail's messages (stages/match.go).
constexpr std::string_view kEmptyConfig = "match stage config cannot be empty";
constexpr std::string_view kPipelineNameRequired =
    "match stage pipeline name can be omitted but cannot be an empty string";
constexpr std::string_view kSelectorRequired = "selector statement required for match stage";
constexpr std::string_view kRequiresStages =
    "match stage requires at least one additional stage to be defined in '- stages'";
constexpr std::string_view kSelectorSyntax = "invalid selector syntax for match stage";
constexpr std::string_view kStagesWithDrop =
    "match stage configured to drop entries cannot contains stages";
constexpr std::string_view kUnknownAction = "match stage action should be 'keep' or 'drop'";

}  // namespace

std::unique_ptr<Stage> NewMatchStage(const config::PipelineStage& spec, const StageContext& ctx,
                                     config::Errors* errors) {
  if (!spec.body.IsDefined() || spec.body.IsNull()) {
    StageError(spec, YAML::Node(), "", kEmptyConfig, errors);  // at the stage's name
    return nullptr;
  }
  const size_t before = errors->errors.size();
  config::MapReader m = BodyReader(spec, errors);
  std::string selector, action, reason, pipeline_name;
  m.String("selector", &selector);
  m.String("action", &action);
  m.String("drop_counter_reason", &reason);
  if (m.Has("pipeline_name")) {
    m.String("pipeline_name", &pipeline_name);
    if (pipeline_name.empty()) m.ValueError("pipeline_name", kPipelineNameRequired);
  }
  if (errors->errors.size() != before) return nullptr;
  if (selector.empty()) {
    m.Error(m.Has("selector") ? "selector" : "", kSelectorRequired);
    return nullptr;
  }
  if (action.empty()) action = "keep";
  if (action != "keep" && action != "drop") {
    m.ValueError("action", kUnknownAction);
    return nullptr;
  }
  const bool drop = action == "drop";
  const YAML::Node list = m.Raw("stages");
  const bool has_stages = list.IsDefined() && !list.IsNull() && (!list.IsSequence() || list.size());
  if (!drop && !has_stages) {
    m.Error(m.Has("stages") ? "stages" : "", kRequiresStages);
    return nullptr;
  }
  if (drop && has_stages) {
    m.Error("stages", kStagesWithDrop);
    return nullptr;
  }
  absl::StatusOr<LogSelector> parsed = LogSelector::Parse(selector);
  if (!parsed.ok()) {
    m.ValueError("selector",
                 absl::StrCat(ToAbsl(kSelectorSyntax), ": ", parsed.status().message()));
    return nullptr;
  }
  if (drop) {
    if (reason.empty()) reason = "match_stage";
    prometheus::Counter* dropped = ctx.dropped_lines ? &ctx.dropped_lines(reason) : nullptr;
    return std::make_unique<MatchStage>(*std::move(parsed), nullptr, dropped);
  }
  if (!list.IsSequence()) {
    m.ValueError("stages", "expected a list of stages");
    return nullptr;
  }
  std::vector<config::PipelineStage> specs;
  config::ReadPipelineStages(list, m.KeyPath("stages"), errors, &specs);
  if (errors->errors.size() != before) return nullptr;
  std::unique_ptr<Pipeline> stages = Pipeline::Build(specs, ctx, errors);
  if (stages == nullptr) return nullptr;
  return std::make_unique<MatchStage>(*std::move(parsed), std::move(stages), nullptr);
}

}  // namespace outpost::logs::stages
