// `drop`: drops entries that meet every condition set (Promtail
// stages/drop.go): `longer_than` (line bytes), `older_than` (the entry's
// time before read time - duration), `source` present in the extracted map
// (all of them), `expression` (RE2, unanchored) matched against the line,
// or with `source` against the present sources' values joined by
// `separator`; `value` is an exact match of that joined text. Dropped
// entries count in logentry_dropped_lines_total{reason=drop_counter_reason}.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "logs/stages/byte_size.h"
#include "logs/stages/go_duration.h"
#include "logs/stages/go_time.h"
#include "logs/stages/stage.h"
#include "prometheus/counter.h"
#include "re2/re2.h"

namespace outpost::logs::stages {
namespace {

struct DropConfig {
  std::optional<std::vector<std::string>> sources;
  std::string separator = ";";
  std::optional<std::string> value;
  std::unique_ptr<RE2> regex;
  std::optional<absl::Duration> older_than;
  std::optional<uint64_t> longer_than;
};

class DropStage final : public Stage {
 public:
  DropStage(DropConfig cfg, prometheus::Counter* dropped)
      : cfg_(std::move(cfg)), dropped_(dropped) {}

  Result Process(Entry& e, Output&) override {
    if (!ShouldDrop(e)) return Result::kContinue;
    if (dropped_ != nullptr) dropped_->Increment();
    return Result::kDrop;
  }

 private:
  bool ShouldDrop(const Entry& e) {
    // drop.go shouldDrop: every condition set must hold.
    if (cfg_.longer_than && e.line.size() <= *cfg_.longer_than) return false;
    if (cfg_.older_than && e.ts_ns >= absl::ToUnixNanos(e.read_at - *cfg_.older_than)) {
      return false;
    }
    const bool matches = cfg_.regex != nullptr || cfg_.value.has_value();
    if (!cfg_.sources) return !matches || Match(e.line);
    if (!matches) {
      for (const std::string& s : *cfg_.sources) {
        if (e.extracted.Find(s) == nullptr) return false;
      }
      return true;
    }
    joined_.clear();
    bool first = true;
    for (const std::string& s : *cfg_.sources) {
      const Value* v = e.extracted.Find(s);
      if (v == nullptr) continue;
      if (v->kind == Value::Kind::kNull) return false;  // getString fails on nil
      if (!first) joined_ += cfg_.separator;
      joined_ += v->text;
      first = false;
    }
    return Match(joined_);
  }

  bool Match(std::string_view text) const {
    if (cfg_.value) return text == *cfg_.value;  // upstream: ^QuoteMeta(value)$
    return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *cfg_.regex);
  }

  DropConfig cfg_;
  prometheus::Counter* dropped_;
  std::string joined_;  // reused
};

}  // namespace

std::unique_ptr<Stage> NewDropStage(const config::PipelineStage& spec, const StageContext& ctx,
                                    config::Errors* errors) {
  config::MapReader m = BodyReader(spec, errors);
  const size_t before = errors->errors.size();
  // Pointers in upstream's config: a key is set when present and not null.
  auto opt = [&](std::string_view key) -> std::optional<std::string> {
    if (!m.Has(key) || m.node()[std::string(key)].IsNull()) {
      m.Consume(key);
      return std::nullopt;
    }
    std::string s;
    m.String(key, &s);
    return s;
  };
  std::optional<std::string> reason = opt("drop_counter_reason");
  std::optional<std::string> separator = opt("separator");
  std::optional<std::string> value = opt("value");
  std::optional<std::string> expression = opt("expression");
  std::optional<std::string> older_than = opt("older_than");
  std::optional<std::string> longer_than = opt("longer_than");
  if (errors->errors.size() != before) return nullptr;
  DropConfig cfg;
  const YAML::Node source = m.Raw("source");
  // drop.go validateDropConfig, in its order.
  if (source.IsNull() && !expression && !older_than && !longer_than) {
    StageError(spec, spec.body, "",
               "drop stage config must contain at least one of `source`, `expression`, "
               "`older_than` or `longer_than`",
               errors);
    return nullptr;
  }
  if (!source.IsNull()) {
    cfg.sources.emplace();
    bool ok = source.IsScalar();
    if (ok) cfg.sources->push_back(source.Scalar());
    if (source.IsSequence()) {
      ok = true;
      for (const YAML::Node& item : source) {
        ok = ok && item.IsScalar();
        if (ok) cfg.sources->push_back(item.Scalar());
      }
    }
    if (!ok) {
      m.ValueError("source", "drop stage source invalid type should be string or list of strings");
      return nullptr;
    }
  }
  if (separator) cfg.separator = *separator;
  if (older_than) {
    absl::StatusOr<int64_t> d = ParseGoDuration(*older_than);
    if (!d.ok()) {
      m.ValueError("older_than", absl::StrCat("drop stage invalid duration, ", *older_than,
                                              " cannot be converted to a duration: ",
                                              d.status().message()));
      return nullptr;
    }
    cfg.older_than = absl::Nanoseconds(*d);
  }
  if (value && !cfg.sources) {
    m.Error("value", "drop stage config must contain `source` if `value` is specified");
    return nullptr;
  }
  if (value && expression) {
    m.Error("", "drop stage config error, `value` and `expression` cannot both be defined at "
                "the same time.");
    return nullptr;
  }
  if (expression) {
    cfg.regex = std::make_unique<RE2>(*expression, RE2::Quiet);
    if (!cfg.regex->ok()) {
      m.ValueError("expression",
                   absl::StrCat("drop stage regex compilation error: ", cfg.regex->error()));
      return nullptr;
    }
  }
  cfg.value = value;
  if (longer_than) {
    uint64_t n = 0;
    std::string err;
    if (!ParseByteSize(*longer_than, &n, &err)) {
      m.ValueError("longer_than",
                   absl::StrCat("drop stage failed to parse longer_than to bytes: ", err));
      return nullptr;
    }
    cfg.longer_than = n;
  }
  prometheus::Counter* dropped = nullptr;
  if (ctx.dropped_lines) {
    dropped = &ctx.dropped_lines(reason && !reason->empty() ? *reason : "drop_stage");
  }
  return std::make_unique<DropStage>(std::move(cfg), dropped);
}

}  // namespace outpost::logs::stages
