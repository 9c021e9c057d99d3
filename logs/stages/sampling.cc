// `sampling`: keeps each entry with probability `rate` (Promtail
// stages/sampling.go, after jaeger's probabilistic sampler: a random
// 63-bit id, never 0, is kept when it is at most rate * (2^63 - 1)).
// Dropped entries count in logentry_dropped_lines_total{reason=
// drop_counter_reason, default sampling_stage}.
#include <memory>
#include <random>
#include <string>

#include "absl/strings/str_format.h"
#include "logs/stages/stage.h"
#include "prometheus/counter.h"

namespace outpost::logs::stages {
namespace {

constexpr uint64_t kMaxRandom = (uint64_t{1} << 63) - 1;

class SamplingStage final : public Stage {
 public:
  SamplingStage(double rate, prometheus::Counter* dropped)
      : boundary_(static_cast<uint64_t>(static_cast<double>(kMaxRandom) * rate)),
        rng_(std::random_device{}()),
        dropped_(dropped) {}

  Result Process(Entry&, Output&) override {
    uint64_t id = 0;
    while (id == 0) id = rng_() >> 1;  // Go's rand.Source Int63
    if (boundary_ >= id) return Result::kContinue;
    if (dropped_ != nullptr) dropped_->Increment();
    return Result::kDrop;
  }

 private:
  uint64_t boundary_;
  std::mt19937_64 rng_;
  prometheus::Counter* dropped_;
};

}  // namespace

std::unique_ptr<Stage> NewSamplingStage(const config::PipelineStage& spec,
                                        const StageContext& ctx, config::Errors* errors) {
  config::MapReader m = BodyReader(spec, errors);
  const size_t before = errors->errors.size();
  double rate = 0;
  std::string reason;
  m.Double("rate", &rate);
  m.String("drop_counter_reason", &reason);
  if (errors->errors.size() != before) return nullptr;
  if (!(rate >= 0.0 && rate <= 1.0)) {
    m.ValueError("rate", absl::StrFormat("sampling stage failed to parse rate,Sampling Rate must "
                                         "be between 0.0 and 1.0, received %f",
                                         rate));
    return nullptr;
  }
  prometheus::Counter* dropped = nullptr;
  if (ctx.dropped_lines) dropped = &ctx.dropped_lines(reason.empty() ? "sampling_stage" : reason);
  return std::make_unique<SamplingStage>(rate, dropped);
}

}  // namespace outpost::logs::stages
