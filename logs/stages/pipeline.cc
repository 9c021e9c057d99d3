#include "logs/stages/pipeline.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "logs/logs.h"

namespace outpost::logs::stages {

// Each stage's factory, defined in its own file.
std::unique_ptr<Stage> NewLabelsStage(const config::PipelineStage&, const StageContext&,
                                      config::Errors*);
std::unique_ptr<Stage> NewStaticLabelsStage(const config::PipelineStage&, const StageContext&,
                                            config::Errors*);
std::unique_ptr<Stage> NewLabelDropStage(const config::PipelineStage&, const StageContext&,
                                         config::Errors*);
std::unique_ptr<Stage> NewLabelAllowStage(const config::PipelineStage&, const StageContext&,
                                          config::Errors*);
std::unique_ptr<Stage> NewStructuredMetadataStage(const config::PipelineStage&,
                                                  const StageContext&, config::Errors*);
std::unique_ptr<Stage> NewTemplateStage(const config::PipelineStage&, const StageContext&,
                                        config::Errors*);

std::unique_ptr<Stage> NewRegexStage(const config::PipelineStage&, const StageContext&,
                                     config::Errors*);
std::unique_ptr<Stage> NewOutputStage(const config::PipelineStage&, const StageContext&,
                                      config::Errors*);
std::unique_ptr<Stage> NewTenantStage(const config::PipelineStage&, const StageContext&,
                                      config::Errors*);
std::unique_ptr<Stage> NewDecolorizeStage(const config::PipelineStage&, const StageContext&,
                                          config::Errors*);

std::unique_ptr<Stage> NewMultilineStage(const config::PipelineStage&, const StageContext&,
                                         config::Errors*);
std::unique_ptr<Stage> NewJsonStage(const config::PipelineStage&, const StageContext&,
                                    config::Errors*);
std::unique_ptr<Stage> NewLogfmtStage(const config::PipelineStage&, const StageContext&,
                                      config::Errors*);
std::unique_ptr<Stage> NewPackStage(const config::PipelineStage&, const StageContext&,
                                    config::Errors*);

std::unique_ptr<Stage> NewTimestampStage(const config::PipelineStage&, const StageContext&,
                                         config::Errors*);
std::unique_ptr<Stage> NewDropStage(const config::PipelineStage&, const StageContext&,
                                    config::Errors*);
std::unique_ptr<Stage> NewSamplingStage(const config::PipelineStage&, const StageContext&,
                                        config::Errors*);
std::unique_ptr<Stage> NewLimitStage(const config::PipelineStage&, const StageContext&,
                                     config::Errors*);
std::unique_ptr<Stage> NewMatchStage(const config::PipelineStage&, const StageContext&,
                                     config::Errors*);
std::unique_ptr<Stage> NewMetricsStage(const config::PipelineStage&, const StageContext&,
                                       config::Errors*);
std::unique_ptr<Stage> NewDockerStage(const config::PipelineStage&, const StageContext&,
                                      config::Errors*);
std::unique_ptr<Stage> NewCriStage(const config::PipelineStage&, const StageContext&,
                                   config::Errors*);
std::unique_ptr<Stage> NewReplaceStage(const config::PipelineStage&, const StageContext&,
                                       config::Errors*);

namespace {

struct Factory {
  std::string_view name;
  StageFactory make;
};

// Promtail's stage names (stages/stage.go New). non_indexed_labels is the
// deprecated name of structured_metadata.
constexpr Factory kFactories[] = {
    {"labels", NewLabelsStage},
    {"static_labels", NewStaticLabelsStage},
    {"labeldrop", NewLabelDropStage},
    {"labelallow", NewLabelAllowStage},
    {"structured_metadata", NewStructuredMetadataStage},
    {"non_indexed_labels", NewStructuredMetadataStage},
    {"regex", NewRegexStage},
    {"output", NewOutputStage},
    {"tenant", NewTenantStage},
    {"decolorize", NewDecolorizeStage},
    {"multiline", NewMultilineStage},
    {"template", NewTemplateStage},
    {"json", NewJsonStage},
    {"logfmt", NewLogfmtStage},
    {"pack", NewPackStage},
    {"timestamp", NewTimestampStage},
    {"drop", NewDropStage},
    {"sampling", NewSamplingStage},
    {"limit", NewLimitStage},
    {"match", NewMatchStage},
    {"metrics", NewMetricsStage},
    {"docker", NewDockerStage},
    {"cri", NewCriStage},
    {"replace", NewReplaceStage},
};

// Continues a pipeline after stage i-1.
class Continuation final : public Output {
 public:
  Continuation(Pipeline* p, size_t next, Output* sink) : p_(p), next_(next), sink_(sink) {}
  void Emit(Entry& e) override { p_->RunFrom(next_, e, *sink_); }
  void Dropped(const Entry& e) override { sink_->Dropped(e); }

 private:
  Pipeline* p_;
  size_t next_;
  Output* sink_;
};

}  // namespace

std::unique_ptr<Stage> BuildStage(const config::PipelineStage& spec, const StageContext& ctx,
                                  config::Errors* errors) {
  for (const Factory& f : kFactories) {
    if (f.name == spec.name) return f.make(spec, ctx, errors);
  }
  errors->errors.push_back(absl::StrCat(spec.where, ": not supported yet: stage `", spec.name,
                                        "` (job ", ctx.job_name, ")"));
  return nullptr;
}

std::unique_ptr<Pipeline> Pipeline::Build(const std::vector<config::PipelineStage>& specs,
                                          const StageContext& ctx, config::Errors* errors) {
  auto p = std::make_unique<Pipeline>();
  bool ok = true;
  for (const config::PipelineStage& s : specs) {
    std::unique_ptr<Stage> stage = BuildStage(s, ctx, errors);
    if (stage == nullptr) {
      ok = false;
      continue;
    }
    p->stages_.push_back(std::move(stage));
  }
  if (!ok) return nullptr;
  return p;
}

void Pipeline::RunFrom(size_t i, Entry& e, Output& sink) {
  for (; i < stages_.size(); ++i) {
    Continuation next(this, i + 1, &sink);
    switch (stages_[i]->Process(e, next)) {
      case Stage::Result::kContinue:
        continue;
      case Stage::Result::kDrop:
        sink.Dropped(e);
        return;
      case Stage::Result::kTaken:
        return;
    }
  }
  sink.Emit(e);
}

void Pipeline::Tick(absl::Time now, Output& sink) {
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (stages_[i]->NextDeadline() > now) continue;
    Continuation next(this, i + 1, &sink);
    stages_[i]->Tick(now, next);
  }
}

absl::Time Pipeline::NextDeadline() const {
  absl::Time t = absl::InfiniteFuture();
  for (const auto& s : stages_) t = std::min(t, s->NextDeadline());
  return t;
}

void Pipeline::Forget(uint64_t source) {
  for (auto& s : stages_) s->Forget(source);
}

void Pipeline::Flush(Output& sink) {
  for (size_t i = 0; i < stages_.size(); ++i) {
    Continuation next(this, i + 1, &sink);
    stages_[i]->Flush(next);
  }
}

}  // namespace outpost::logs::stages

namespace outpost::logs {

void CheckPipeline(const config::LogsScrapeConfig& sc, config::Errors* errors) {
  stages::StageContext ctx;
  ctx.job_name = sc.job_name;
  stages::Pipeline::Build(sc.pipeline_stages, ctx, errors);
}

}  // namespace outpost::logs
