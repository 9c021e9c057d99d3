// A scrape config's pipeline_stages, run in order on each entry (Promtail
// stages/pipeline.go): a stage passes the entry on, drops it, or takes it
// and emits entries later (multiline, cri partials). What comes out of the
// last stage goes to the sink's Emit; a dropped entry to its Dropped.
//
// Thread-compatible: one reader thread.
#ifndef OUTPOST_LOGS_STAGES_PIPELINE_H_
#define OUTPOST_LOGS_STAGES_PIPELINE_H_

#include <memory>
#include <string_view>
#include <vector>

#include "logs/stages/stage.h"

namespace outpost::logs::stages {

class Pipeline {
 public:
  // Builds `specs` in order; null when one is invalid (errors added).
  static std::unique_ptr<Pipeline> Build(const std::vector<config::PipelineStage>& specs,
                                         const StageContext& ctx, config::Errors* errors);

  // Runs `e` through every stage; what comes out goes to `sink`.
  void Process(Entry& e, Output& sink) { RunFrom(0, e, sink); }
  // Held entries due at `now` go on through the stages after their holder.
  void Tick(absl::Time now, Output& sink);
  absl::Time NextDeadline() const;
  void Forget(uint64_t source);
  void Flush(Output& sink);
  bool empty() const { return stages_.empty(); }

  // Runs `e` from stage `i` on (Output continuations of the stages).
  void RunFrom(size_t i, Entry& e, Output& sink);

 private:
  std::vector<std::unique_ptr<Stage>> stages_;
};

// The stage for one pipeline_stages item; null (errors added) when its
// body is invalid or the stage is not built.
std::unique_ptr<Stage> BuildStage(const config::PipelineStage& spec, const StageContext& ctx,
                                  config::Errors* errors);

}  // namespace outpost::logs::stages

#endif  // OUTPOST_LOGS_STAGES_PIPELINE_H_
