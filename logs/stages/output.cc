// `output`: the line becomes extracted[source] (Promtail stages/output.go);
// a missing or null source leaves the line as it is.
#include <memory>
#include <string>

#include "logs/stages/stage.h"

namespace outpost::logs::stages {
namespace {

class OutputStage final : public Stage {
 public:
  explicit OutputStage(std::string source) : source_(std::move(source)) {}
  Result Process(Entry& e, Output&) override {
    const Value* v = e.extracted.Find(source_);
    if (v != nullptr && v->kind != Value::Kind::kNull) e.line.assign(v->text);
    return Result::kContinue;
  }

 private:
  std::string source_;
};

}  // namespace

std::unique_ptr<Stage> NewOutputStage(const config::PipelineStage& spec, const StageContext&,
                                      config::Errors* errors) {
  std::string source;
  if (spec.body.IsMap()) BodyReader(spec, errors).String("source", &source);
  if (source.empty()) {
    // Promtail output.go ErrOutputSourceRequired.
    StageError(spec, spec.body["source"], "source", "output source value is required", errors);
    return nullptr;
  }
  return std::make_unique<OutputStage>(std::move(source));
}

}  // namespace outpost::logs::stages
