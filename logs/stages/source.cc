#include "logs/stages/source.h"

namespace outpost::logs::stages {

std::optional<std::string> ReadSource(const config::PipelineStage& spec, config::MapReader& m,
                                      config::Errors* errors) {
  const YAML::Node node = m.Raw("source");
  if (!node.IsDefined() || node.IsNull()) return std::nullopt;
  std::string s;
  m.String("source", &s);
  if (node.IsScalar() && s.empty()) StageError(spec, node, "source", "empty source", errors);
  return s;
}

bool SourceText(const Entry& e, const std::optional<std::string>& source, std::string_view* text) {
  if (!source.has_value()) {
    *text = e.line;
    return true;
  }
  const Value* v = e.extracted.Find(*source);
  if (v == nullptr || v->kind == Value::Kind::kNull) return false;
  *text = v->text;
  return true;
}

}  // namespace outpost::logs::stages
