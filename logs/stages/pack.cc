// `pack`: folds the named extracted values (labels are in extracted too)
// into a JSON line {"<name>":"<value>",...,"_entry":"<line>"}, names in
// sorted order, and removes those names from the labels (Promtail
// stages/pack.go). A null value is not packed. With ingest_timestamp
// (default true) the entry's timestamp becomes the time it is packed.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "logs/stages/go_json.h"
#include "logs/stages/stage.h"

namespace outpost::logs::stages {
namespace {

class PackStage final : public Stage {
 public:
  PackStage(std::vector<std::string> names, bool ingest_timestamp)
      : names_(std::move(names)), ingest_timestamp_(ingest_timestamp) {}

  Result Process(Entry& e, Output&) override {
    out_.clear();
    out_ += '{';
    found_.clear();
    for (size_t i = 0; i < names_.size(); ++i) {
      const Value* v = e.extracted.Find(names_[i]);
      if (v == nullptr || v->kind == Value::Kind::kNull) continue;
      AppendGoJsonString(out_, names_[i]);
      out_ += ':';
      AppendGoJsonString(out_, v->text);
      out_ += ',';
      found_.push_back(i);
    }
    out_ += "\"_entry\":";  // logqlmodel.PackedEntryKey
    AppendGoJsonString(out_, e.line);
    out_ += '}';
    for (size_t i : found_) e.labels.Set(names_[i], "");
    e.line.swap(out_);
    if (ingest_timestamp_) e.ts_ns = absl::ToUnixNanos(absl::Now());
    return Result::kContinue;
  }

 private:
  std::vector<std::string> names_;  // sorted, unique
  bool ingest_timestamp_;
  std::string out_;
  std::vector<size_t> found_;
};

}  // namespace

std::unique_ptr<Stage> NewPackStage(const config::PipelineStage& spec, const StageContext&,
                                    config::Errors* errors) {
  const size_t before = errors->errors.size();
  config::MapReader m = BodyReader(spec, errors);
  std::vector<std::string> names;
  // Upstream decodes weakly: a single name is a list of one.
  const YAML::Node labels = m.Raw("labels");
  if (labels.IsScalar()) {
    m.String("labels", &names.emplace_back());
  } else {
    m.StringList("labels", &names);
  }
  bool ingest_timestamp = true;
  m.Bool("ingest_timestamp", &ingest_timestamp);
  if (errors->errors.size() != before) return nullptr;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return std::make_unique<PackStage>(std::move(names), ingest_timestamp);
}

}  // namespace outpost::logs::stages
