// `tenant`: sets the reserved label __tenant_id__ (the entry's tenant,
// over the client's tenant_id) from `source` (extracted), `label` or
// `value` (Promtail stages/tenant.go); an empty tenant changes nothing.
#include <memory>
#include <string>

#include "logs/stages/stage.h"

namespace outpost::logs::stages {
namespace {

class TenantStage final : public Stage {
 public:
  TenantStage(std::string source, std::string label, std::string value)
      : source_(std::move(source)), label_(std::move(label)), value_(std::move(value)) {}
  Result Process(Entry& e, Output&) override {
    std::string_view tenant = value_;
    if (!source_.empty()) {
      const Value* v = e.extracted.Find(source_);
      tenant = v == nullptr || v->kind == Value::Kind::kNull ? std::string_view() : v->text;
    } else if (!label_.empty()) {
      tenant = e.labels.Get(label_);
    }
    if (tenant.empty()) return Result::kContinue;
    // e.labels may own `tenant` (label): copy it first.
    scratch_.assign(tenant);
    e.labels.Set(kTenantLabel, scratch_);
    return Result::kContinue;
  }

 private:
  std::string source_, label_, value_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<Stage> NewTenantStage(const config::PipelineStage& spec, const StageContext&,
                                      config::Errors* errors) {
  std::string source, label, value;
  if (spec.body.IsMap()) {
    config::MapReader r = BodyReader(spec, errors);
    r.String("source", &source);
    r.String("label", &label);
    r.String("value", &value);
  }
  const int set = !source.empty() + !label.empty() + !value.empty();
  if (set == 0) {
    StageError(spec, spec.body, "", "label, source or value config are required", errors);
    return nullptr;
  }
  if (set > 1) {
    StageError(spec, spec.body, "",
               "label, source and value are mutually exclusive: you should set source, value "
               "or label but not all",
               errors);
    return nullptr;
  }
  return std::make_unique<TenantStage>(std::move(source), std::move(label), std::move(value));
}

}  // namespace outpost::logs::stages
