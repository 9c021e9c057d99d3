// `labelallow`: keeps only the listed labels (Promtail stages/labelallow.go).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "logs/stages/stage.h"

namespace outpost::logs::stages {

bool ReadLabelList(const config::PipelineStage& spec, config::Errors* errors,
                   std::vector<std::string>* out);

namespace {

class LabelAllowStage final : public Stage {
 public:
  explicit LabelAllowStage(std::vector<std::string> names) : names_(std::move(names)) {}
  Result Process(Entry& e, Output&) override {
    for (size_t i = e.labels.size(); i-- > 0;) {
      const std::string& name = e.labels[i].name;
      if (std::find(names_.begin(), names_.end(), name) == names_.end()) e.labels.Del(name);
    }
    return Result::kContinue;
  }

 private:
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<Stage> NewLabelAllowStage(const config::PipelineStage& spec, const StageContext&,
                                          config::Errors* errors) {
  std::vector<std::string> names;
  if (!ReadLabelList(spec, errors, &names)) return nullptr;
  return std::make_unique<LabelAllowStage>(std::move(names));
}

}  // namespace outpost::logs::stages
