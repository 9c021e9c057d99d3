// `template`: a Go text/template over the extracted map, its result stored
// into extracted[source] (Promtail stages/template.go). The template sees
// every extracted value by its key (null values are left out: getString
// fails on them), `.Value` (the source's value, when present) and `.Entry`
// (the line). An empty result deletes the source key; an execution error
// leaves the map unchanged. The engine is core/template/go_template.h.
#include <memory>
#include <string>

#include "core/template/go_template.h"
#include "logs/stages/stage.h"

namespace outpost::logs::stages {
namespace {

// The template's view of an entry (Promtail builds a map per line; this
// looks each field up when the template reads it).
class EntryFields final : public tmpl::GoTemplate::Fields {
 public:
  EntryFields(const Entry& e, const std::string& source) : e_(e), source_(source) {}
  bool Get(std::string_view name, std::string_view* value) const override {
    if (name == "Entry") {
      *value = e_.line;
      return true;
    }
    // Upstream sets "Value" from the source while copying the map; when
    // the map also has a key "Value", Go's map order decides. The source
    // wins here.
    if (name == "Value" && Lookup(source_, value)) return true;
    return Lookup(name, value);
  }

 private:
  bool Lookup(std::string_view key, std::string_view* value) const {
    const Value* v = e_.extracted.Find(key);
    if (v == nullptr || v->kind == Value::Kind::kNull) return false;
    *value = v->text;
    return true;
  }
  const Entry& e_;
  const std::string& source_;
};

class TemplateStage final : public Stage {
 public:
  TemplateStage(std::string source, std::unique_ptr<tmpl::GoTemplate> tmpl)
      : source_(std::move(source)), tmpl_(std::move(tmpl)) {}

  Result Process(Entry& e, Output&) override {
    if (!tmpl_->Execute(EntryFields(e, source_), &out_)) return Result::kContinue;
    if (out_.empty()) {
      e.extracted.Erase(source_);
    } else {
      e.extracted.SetString(source_, out_);
    }
    return Result::kContinue;
  }

 private:
  std::string source_;
  std::unique_ptr<tmpl::GoTemplate> tmpl_;
  std::string out_;  // reused
};

}  // namespace

std::unique_ptr<Stage> NewTemplateStage(const config::PipelineStage& spec, const StageContext&,
                                        config::Errors* errors) {
  const size_t before = errors->errors.size();
  config::MapReader body = BodyReader(spec, errors);
  std::string source, text;
  body.String("source", &source);
  body.String("template", &text);
  if (errors->errors.size() != before) return nullptr;
  if (source.empty()) {
    // Promtail's ErrTemplateSourceRequired.
    StageError(spec, spec.body.IsMap() ? spec.body["source"] : spec.body, "source",
               "template source value is required", errors);
    return nullptr;
  }
  std::string error;
  std::unique_ptr<tmpl::GoTemplate> tmpl = tmpl::GoTemplate::Parse(text, &error);
  if (tmpl == nullptr) {
    StageError(spec, spec.body["template"], "template", error, errors);
    return nullptr;
  }
  return std::make_unique<TemplateStage>(std::move(source), std::move(tmpl));
}

}  // namespace outpost::logs::stages
