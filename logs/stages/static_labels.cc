// `static_labels`: constant labels (Promtail stages/static_labels.go); a
// name must be a valid label name, a value must be given.
#include <map>
#include <memory>
#include <string>

#include "logs/stages/stage.h"

namespace outpost::logs::stages {
namespace {

class StaticLabelsStage final : public Stage {
 public:
  explicit StaticLabelsStage(std::map<std::string, std::string> labels)
      : labels_(std::move(labels)) {}
  Result Process(Entry& e, Output&) override {
    for (const auto& [name, value] : labels_) e.labels.Set(name, value);
    return Result::kContinue;
  }

 private:
  std::map<std::string, std::string> labels_;
};

}  // namespace

std::unique_ptr<Stage> NewStaticLabelsStage(const config::PipelineStage& spec,
                                            const StageContext&, config::Errors* errors) {
  if (!spec.body.IsMap() || spec.body.size() == 0) {
    StageError(spec, spec.body, "", "static_labels stage config cannot be empty", errors);
    return nullptr;
  }
  std::map<std::string, std::string> labels;
  const size_t before = errors->errors.size();
  OuterReader(spec, errors).LabelMap(spec.name, &labels);
  for (const auto& [name, value] : labels) {
    if (value.empty()) {
      StageError(spec, spec.body[name], name, "empty label value", errors);
    }
  }
  if (errors->errors.size() != before) return nullptr;
  return std::make_unique<StaticLabelsStage>(std::move(labels));
}

}  // namespace outpost::logs::stages
