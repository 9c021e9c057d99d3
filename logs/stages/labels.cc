// `labels` and `structured_metadata` (alias non_indexed_labels): set labels
// (or structured metadata) from extracted values (Promtail stages/labels.go,
// structuredmetadata.go). A null source is the label's own name; a missing
// or null value, or one that is not valid UTF-8, is skipped as upstream.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/utf8.h"
#include "core/relabel/relabel.h"
#include "logs/stages/stage.h"

namespace outpost::logs::stages {
namespace {

class LabelsStage final : public Stage {
 public:
  LabelsStage(std::vector<std::pair<std::string, std::string>> map, bool metadata)
      : map_(std::move(map)), metadata_(metadata) {}

  Result Process(Entry& e, Output&) override {
    Labels& to = metadata_ ? e.structured_metadata : e.labels;
    for (const auto& [name, source] : map_) {
      const Value* v = e.extracted.Find(source);
      if (v == nullptr || v->kind == Value::Kind::kNull) continue;
      if (!IsValidUtf8(v->text)) continue;
      to.Set(name, v->text);
    }
    return Result::kContinue;
  }

 private:
  std::vector<std::pair<std::string, std::string>> map_;  // label -> extracted key
  bool metadata_;
};

std::unique_ptr<Stage> Make(const config::PipelineStage& spec, config::Errors* errors,
                            bool metadata) {
  std::map<std::string, std::string> raw;
  const size_t before = errors->errors.size();
  if (!spec.body.IsMap() || spec.body.size() == 0) {
    // Promtail validateLabelsConfig / validateLabelsConfig for metadata.
    StageError(spec, spec.body, "",
               metadata ? "structured_metadata stage config cannot be empty"
                        : "labels stage config cannot be empty",
               errors);
    return nullptr;
  }
  OuterReader(spec, errors).LabelMap(spec.name, &raw);
  if (errors->errors.size() != before) return nullptr;
  std::vector<std::pair<std::string, std::string>> map;
  for (auto& [name, source] : raw) map.emplace_back(name, source.empty() ? name : source);
  return std::make_unique<LabelsStage>(std::move(map), metadata);
}

}  // namespace

std::unique_ptr<Stage> NewLabelsStage(const config::PipelineStage& spec, const StageContext&,
                                      config::Errors* errors) {
  return Make(spec, errors, false);
}

std::unique_ptr<Stage> NewStructuredMetadataStage(const config::PipelineStage& spec,
                                                  const StageContext&, config::Errors* errors) {
  return Make(spec, errors, true);
}

}  // namespace outpost::logs::stages
