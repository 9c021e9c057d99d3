#include "integrations/blackbox/blackbox.h"

#include <string>
#include <utility>

#include "core/base/log.h"
#include "integrations/common/lazy_libraries.h"
#include "integrations/common/options_spec.h"
#include "integrations/common/series_cache.h"
#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {
namespace {

constexpr std::string_view kName = "blackbox";

const MetricFamily kSuccess{"probe_success", MetricType::kGauge,
                            "Displays whether or not the probe was a success", ""};
const MetricFamily kDuration{"probe_duration_seconds", MetricType::kGauge,
                             "Returns how long the probe took to complete in seconds", ""};

class TargetIntegration final : public Integration {
 public:
  TargetIntegration(std::shared_ptr<const Options> opts, const Target& target,
                    const Module& module)
      : opts_(std::move(opts)), target_(target), module_(module) {}

  absl::Status Collect(Appender& app, absl::Time deadline) override {
    cache_.Begin(app);
    const absl::Time start = absl::Now();
    const absl::Duration timeout =
        ProbeTimeout(deadline - start, module_.timeout, opts_->probe_timeout_offset);
    Probe probe{target_.address, start + timeout, cache_, {}};
    const bool ok = module_.prober->run(*module_.settings, probe);
    cache_.Add(kSuccess, ok ? 1 : 0);
    cache_.Add(kDuration, absl::ToDoubleSeconds(absl::Now() - start));
    if (!ok) {
      log::Debug("probe failed", {{"integration", kName},
                                  {"target", target_.name},
                                  {"address", target_.address},
                                  {"module", TargetModule(target_)},
                                  {"reason", probe.reason}});
    }
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<const Options> opts_;  // keeps target_ and module_ alive
  const Target& target_;
  const Module& module_;
  SeriesCache cache_;
};

class BlackboxSpec final
    : public HandlerSpec<Options, ParseOptions, DumpOptions, NewTargetIntegration> {
 public:
  std::string_view name() const override { return kName; }

  std::vector<config::IntegrationTarget> Targets(
      const config::IntegrationOptions& opts) const override {
    std::vector<config::IntegrationTarget> out;
    for (const Target& t : static_cast<const Options&>(opts).targets) {
      config::IntegrationTarget it;
      it.name = t.name;
      it.params.emplace_back("target", t.address);
      // The Agent leaves `module` out when empty (ScrapeConfigs).
      if (!t.module.empty()) it.params.emplace_back("module", t.module);
      out.push_back(std::move(it));
    }
    return out;
  }
};

}  // namespace

absl::Duration ProbeTimeout(absl::Duration scrape_timeout, absl::Duration module_timeout,
                            double offset_seconds) {
  const absl::Duration max = scrape_timeout - absl::Seconds(offset_seconds);
  if ((module_timeout < max && module_timeout > absl::ZeroDuration()) ||
      max < absl::ZeroDuration()) {
    return module_timeout;
  }
  return max;
}

absl::StatusOr<std::unique_ptr<Integration>> NewTargetIntegration(
    std::shared_ptr<const Options> opts, size_t index) {
  if (index >= opts->targets.size())
    return absl::InvalidArgumentError(Cat("blackbox: no target ", index));
  for (LazyLibrary* lib : {&LibCares(), &LibLdns()}) {
    if (absl::Status s = lib->Load(); !s.ok())
      return absl::FailedPreconditionError(Cat("blackbox: ", ToStd(s.message())));
  }
  const Target& t = opts->targets[index];
  auto it = opts->modules->find(TargetModule(t));
  if (it == opts->modules->end())
    return absl::InvalidArgumentError(
        Cat("blackbox: target ", t.name, ": unknown module \"", TargetModule(t), "\""));
  const Module& m = it->second;
  return std::make_unique<TargetIntegration>(std::move(opts), t, m);
}

const config::IntegrationSpec& Spec() {
  static const BlackboxSpec spec;
  return spec;
}

}  // namespace outpost::integrations::blackbox
