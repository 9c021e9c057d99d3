// `labeldrop`: removes the listed labels (Promtail stages/labeldrop.go).
#include <memory>
#include <string>
#include <vector>

#include "logs/stages/stage.h"

namespace outpost::logs::stages {
namespace {

class LabelDropStage final : public Stage {
 public:
  explicit LabelDropStage(std::vector<std::string> names) : names_(std::move(names)) {}
  Result Process(Entry& e, Output&) override {
    for (const std::string& n : names_) e.labels.Del(n);
    return Result::kContinue;
  }

 private:
  std::vector<std::string> names_;
};

}  // namespace

// The body of labeldrop/labelallow: a list of label names.
bool ReadLabelList(const config::PipelineStage& spec, config::Errors* errors,
                   std::vector<std::string>* out) {
  const size_t before = errors->errors.size();
  OuterReader(spec, errors).StringList(spec.name, out);
  if (errors->errors.size() != before) return false;
  if (out->empty()) {
    StageError(spec, spec.body, "", spec.name + " stage config cannot be empty", errors);
    return false;
  }
  return true;
}

std::unique_ptr<Stage> NewLabelDropStage(const config::PipelineStage& spec, const StageContext&,
                                         config::Errors* errors) {
  std::vector<std::string> names;
  if (!ReadLabelList(spec, errors, &names)) return nullptr;
  return std::make_unique<LabelDropStage>(std::move(names));
}

}  // namespace outpost::logs::stages
