// `limit`: a rate limit on entries (Promtail stages/limit.go), `rate` per
// second with `burst`. With `drop: true` an entry over the limit is dropped
// (logentry_dropped_lines_total{reason="ratelimit_drop_stage"}); without,
// the reader thread waits for a token (back-pressure). With
// `by_label_name` (drop must be true) each value of that label has its own
// bucket; entries without the label are not limited; at most
// `max_distinct_labels` (raised to 10000 as upstream) buckets are kept:
// when the newest generation is full, the older one is forgotten
// (pkg/util GenerationalMap) and logentry_dropped_lines_by_label_total
// {label_name, label_value} is reset, as upstream. The clock of buckets
// that drop is the entry's read time (stage.h).
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "logs/stages/stage.h"
#include "logs/token_bucket.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"

namespace outpost::logs::stages {
namespace {

// stages/limit.go MinReasonableMaxDistinctLabels.
constexpr int kMinDistinctLabels = 10000;
// Longest single sleep while waiting for a token.
constexpr absl::Duration kMaxSleep = absl::Milliseconds(100);

class LimitStage final : public Stage {
 public:
  LimitStage(double rate, int burst, bool drop, std::string by_label, int max_distinct,
             prometheus::Counter* dropped, prometheus::Family<prometheus::Counter>* by_value,
             std::string logs_config)
      : rate_(rate),
        burst_(burst),
        drop_(drop),
        by_label_(std::move(by_label)),
        max_distinct_(static_cast<size_t>(max_distinct)),
        bucket_(rate, burst),
        dropped_(dropped),
        by_value_(by_value),
        logs_config_(std::move(logs_config)) {}
  ~LimitStage() override { ResetByValue(); }

  Result Process(Entry& e, Output&) override {
    if (!by_label_.empty()) {
      const std::string_view value = e.labels.Get(by_label_);
      if (value.empty()) return Result::kContinue;  // absent
      PerValue& v = Bucket(value);
      const Result r = Take(v.bucket, e);
      if (r == Result::kDrop && by_value_ != nullptr) {
        if (v.dropped == nullptr) {
          v.dropped = &by_value_->Add({{"logs_config", logs_config_},
                                       {"label_name", by_label_},
                                       {"label_value", std::string(value)}});
          counters_.push_back(v.dropped);
        }
        v.dropped->Increment();
      }
      return r;
    }
    if (drop_) return Take(bucket_, e);
    // limit.go: rateLimiter.Wait. Sleep in short steps until the token
    // owed is due.
    const absl::Time due = absl::Now() + bucket_.Reserve(absl::Now());
    for (absl::Time now = absl::Now(); now < due; now = absl::Now()) {
      absl::SleepFor(std::min(due - now, kMaxSleep));
    }
    return Result::kContinue;
  }

 private:
  Result Take(TokenBucket& b, const Entry& e) {
    if (b.Allow(e.read_at)) return Result::kContinue;
    if (dropped_ != nullptr) dropped_->Increment();
    return Result::kDrop;
  }

  struct PerValue {
    TokenBucket bucket;
    prometheus::Counter* dropped = nullptr;  // made at the first drop
  };

  // GenerationalMap.GetOrCreate.
  PerValue& Bucket(std::string_view value) {
    auto it = newgen_.find(ToAbsl(value));
    if (it != newgen_.end()) return it->second;
    auto old = oldgen_.find(ToAbsl(value));
    PerValue v = old != oldgen_.end() ? old->second : PerValue{TokenBucket(rate_, burst_)};
    it = newgen_.emplace(std::string(value), v).first;
    if (newgen_.size() == max_distinct_) {
      oldgen_.swap(newgen_);
      newgen_.clear();
      ResetByValue();
      return oldgen_.find(ToAbsl(value))->second;
    }
    return it->second;
  }

  // Upstream resets the by-label counter vector when a generation goes.
  void ResetByValue() {
    if (by_value_ == nullptr) return;
    for (prometheus::Counter* c : counters_) by_value_->Remove(c);
    counters_.clear();
    for (auto& [k, v] : newgen_) v.dropped = nullptr;
    for (auto& [k, v] : oldgen_) v.dropped = nullptr;
  }

  double rate_;
  int burst_;
  bool drop_;
  std::string by_label_;
  size_t max_distinct_;
  TokenBucket bucket_;
  absl::flat_hash_map<std::string, PerValue> newgen_, oldgen_;
  prometheus::Counter* dropped_;
  prometheus::Family<prometheus::Counter>* by_value_;  // null: no registry
  std::string logs_config_;
  std::vector<prometheus::Counter*> counters_;  // of by_value_, made here
};

}  // namespace

std::unique_ptr<Stage> NewLimitStage(const config::PipelineStage& spec, const StageContext& ctx,
                                     config::Errors* errors) {
  config::MapReader m = BodyReader(spec, errors);
  const size_t before = errors->errors.size();
  double rate = 0;
  int burst = 0, max_distinct = 0;
  bool drop = false;
  std::string by_label;
  m.Double("rate", &rate);
  m.Int("burst", &burst);
  m.Bool("drop", &drop);
  m.String("by_label_name", &by_label);
  m.Int("max_distinct_labels", &max_distinct);
  if (errors->errors.size() != before) return nullptr;
  // limit.go validateLimitConfig.
  if (!(rate > 0) || burst <= 0) {
    m.Error("", "limit stage failed to parse rate or burst");
    return nullptr;
  }
  if (!by_label.empty() && !drop) {
    m.Error("by_label_name", "When ratelimiting by label, drop must be true");
    return nullptr;
  }
  if (!by_label.empty() && max_distinct < kMinDistinctLabels) {
    if (ctx.registry != nullptr) {
      log::Warn(absl::StrCat("max_distinct_labels was adjusted up to the minimal reasonable "
                             "value of ",
                             kMinDistinctLabels),
                {{"component", "stage"}, {"type", "limit"}, {"job", ctx.job_name}});
    }
    max_distinct = kMinDistinctLabels;
  }
  prometheus::Counter* dropped = nullptr;
  if (ctx.dropped_lines) dropped = &ctx.dropped_lines("ratelimit_drop_stage");
  prometheus::Family<prometheus::Counter>* by_value = nullptr;
  if (ctx.registry != nullptr && !by_label.empty()) {
    by_value = &prometheus::BuildCounter()
                    .Name("logentry_dropped_lines_by_label_total")
                    .Help("A count of all log lines dropped as a result of a pipeline stage")
                    .Register(*ctx.registry);
  }
  return std::make_unique<LimitStage>(rate, burst, drop, std::move(by_label), max_distinct,
                                      dropped, by_value, ctx.logs_config);
}

}  // namespace outpost::logs::stages
