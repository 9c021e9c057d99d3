#include "logs/stages/stage.h"

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"

namespace outpost::logs::stages {

const Value* Extracted::Find(std::string_view key) const {
  for (size_t i = 0; i < size_; ++i) {
    if (slots_[i].key == key) return &slots_[i].value;
  }
  return nullptr;
}

Value& Extracted::Put(std::string_view key) {
  for (size_t i = 0; i < size_; ++i) {
    if (slots_[i].key == key) return slots_[i].value;
  }
  if (size_ == slots_.size()) slots_.emplace_back();
  Slot& s = slots_[size_++];
  s.key.assign(key);
  s.value.kind = Value::Kind::kString;
  s.value.text.clear();
  s.value.number = 0;
  return s.value;
}

void Extracted::SetString(std::string_view key, std::string_view text) {
  Value& v = Put(key);
  v.kind = Value::Kind::kString;
  v.text.assign(text);
  v.number = 0;
}

void Extracted::Erase(std::string_view key) {
  for (size_t i = 0; i < size_; ++i) {
    if (slots_[i].key != key) continue;
    // Keep the order of the rest; the erased slot's buffers are reused.
    for (size_t j = i + 1; j < size_; ++j) std::swap(slots_[j - 1], slots_[j]);
    --size_;
    return;
  }
}

Extracted& Extracted::operator=(const Extracted& o) {
  if (this == &o) return *this;
  if (slots_.size() < o.size_) slots_.resize(o.size_);
  for (size_t i = 0; i < o.size_; ++i) {
    slots_[i].key.assign(o.slots_[i].key);
    slots_[i].value.kind = o.slots_[i].value.kind;
    slots_[i].value.text.assign(o.slots_[i].value.text);
    slots_[i].value.number = o.slots_[i].value.number;
  }
  size_ = o.size_;
  return *this;
}

config::MapReader BodyReader(const config::PipelineStage& spec, config::Errors* errors) {
  return config::MapReader(spec.body, absl::StrCat(spec.path, ".", spec.name), errors);
}

config::MapReader OuterReader(const config::PipelineStage& spec, config::Errors* errors) {
  YAML::Node wrap(YAML::NodeType::Map);
  wrap[spec.name] = spec.body;
  return config::MapReader(wrap, spec.path, errors);
}

void StageError(const config::PipelineStage& spec, const YAML::Node& node, std::string_view key,
                std::string_view message, config::Errors* errors) {
  std::string path = absl::StrCat(spec.path, ".", spec.name);
  if (!key.empty()) absl::StrAppend(&path, ".", ToAbsl(key));
  if (node.IsDefined() && node.Mark().line >= 0) {
    config::AddError(errors, node.Mark(), path, message);
    return;
  }
  // spec.where is "FILE:LINE:COL: <path>": keep its position.
  const std::string& w = spec.where;
  const size_t cut = w.size() >= spec.path.size() ? w.size() - spec.path.size() : w.size();
  errors->errors.push_back(absl::StrCat(w.substr(0, cut), path, ": ", ToAbsl(message)));
}

}  // namespace outpost::logs::stages
