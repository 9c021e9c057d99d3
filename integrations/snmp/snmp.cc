#include "integrations/snmp/snmp.h"

#include <string>
#include <utility>
#include <vector>

#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "integrations/common/options_spec.h"
#include "integrations/common/series_cache.h"
#include "integrations/common/text.h"
#include "integrations/snmp/client.h"

namespace outpost::integrations::snmp {
namespace {

constexpr std::string_view kName = "snmp";

// snmp_exporter v0.26 collector/collector.go collect(): names and HELP.
const MetricFamily kWalkDuration{"snmp_scrape_walk_duration_seconds", MetricType::kGauge,
                                 "Time SNMP walk/bulkwalk took.", ""};
const MetricFamily kPacketsSent{"snmp_scrape_packets_sent", MetricType::kGauge,
                                "Packets sent for get, bulkget, and walk; including retries.", ""};
const MetricFamily kPacketsRetried{"snmp_scrape_packets_retried", MetricType::kGauge,
                                   "Packets retried for get, bulkget, and walk.", ""};
const MetricFamily kPdusReturned{"snmp_scrape_pdus_returned", MetricType::kGauge,
                                 "PDUs returned from get, bulkget, and walk.", ""};
const MetricFamily kScrapeDuration{"snmp_scrape_duration_seconds", MetricType::kGauge,
                                   "Total SNMP time scrape took (walk and processing).", ""};

class TargetIntegration final : public Integration {
 public:
  TargetIntegration(std::shared_ptr<const Options> opts, const SnmpTarget& target,
                    const ModuleConfig& module, std::unique_ptr<Client> client)
      : opts_(std::move(opts)),
        target_(target),
        module_(module),
        walk_params_(TargetWalkParams(*opts_, target, module)),
        client_(std::move(client)) {}

  absl::Status Collect(Appender& app, absl::Time deadline) override {
    const absl::Time start = absl::Now();
    cache_.Begin(app);
    pdus_.clear();
    absl::Status st = client_->Scrape(module_.get, module_.walk, walk_params_, deadline, &pdus_);
    if (!st.ok()) {
      LogState(st);
      return TargetDown(Cat(kName, ": ", target_.name, ": ", ToStd(st.message())));
    }
    const absl::Duration walk = absl::Now() - start;
    st = module_.engine->Collect(pdus_, cache_);
    if (!st.ok()) {
      LogState(st);
      return absl::DataLossError(Cat(kName, ": ", target_.name, ": ", ToStd(st.message())));
    }
    const std::string& module = target_.ModuleName();
    const ScrapeCounts& n = client_->counts();
    cache_.Add(kWalkDuration, {{"module", module}}, absl::ToDoubleSeconds(walk));
    cache_.Add(kPacketsSent, {{"module", module}}, static_cast<double>(n.packets_sent));
    cache_.Add(kPacketsRetried, {{"module", module}}, static_cast<double>(n.packets_retried));
    cache_.Add(kPdusReturned, {{"module", module}}, static_cast<double>(pdus_.size()));
    cache_.Add(kScrapeDuration, {{"module", module}}, absl::ToDoubleSeconds(absl::Now() - start));
    LogState(st);
    return absl::OkStatus();
  }

 private:
  void LogState(const absl::Status& st) {
    if (st.ok() == up_) return;
    up_ = st.ok();
    const std::string& module = target_.ModuleName();
    if (up_) {
      log::Info("SNMP target reachable again", {{"integration", kName},
                                                {"target", target_.name},
                                                {"address", target_.address},
                                                {"module", module}});
    } else {
      const std::string err(ToStd(st.message()));
      log::Error("error scraping SNMP target", {{"integration", kName},
                                                {"target", target_.name},
                                                {"address", target_.address},
                                                {"module", module},
                                                {"err", err}});
    }
  }

  std::shared_ptr<const Options> opts_;  // keeps module_ and its engine alive
  const SnmpTarget& target_;
  const ModuleConfig& module_;
  WalkParams walk_params_;
  std::unique_ptr<Client> client_;
  SeriesCache cache_;
  std::vector<Pdu> pdus_;
  bool up_ = true;  // last logged state
};

class SnmpSpec final
    : public HandlerSpec<Options, ParseOptions, DumpOptions, NewTargetIntegration> {
 public:
  std::string_view name() const override { return kName; }

  // Agent's ScrapeConfigs: target, then module, auth, walk_params and
  // snmp_context when set.
  std::vector<config::IntegrationTarget> Targets(const config::IntegrationOptions& opts) const override {
    std::vector<config::IntegrationTarget> out;
    for (const SnmpTarget& t : static_cast<const Options&>(opts).snmp_targets) {
      config::IntegrationTarget it;
      it.name = t.name;
      it.params.emplace_back("target", t.address);
      if (!t.module.empty()) it.params.emplace_back("module", t.module);
      if (!t.auth.empty()) it.params.emplace_back("auth", t.auth);
      if (!t.walk_params.empty()) it.params.emplace_back("walk_params", t.walk_params);
      if (!t.snmp_context.empty()) it.params.emplace_back("snmp_context", t.snmp_context);
      out.push_back(std::move(it));
    }
    return out;
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Integration>> NewTargetIntegration(
    std::shared_ptr<const Options> opts, size_t index) {
  if (opts == nullptr || index >= opts->snmp_targets.size())
    return absl::InvalidArgumentError("snmp: no such target");
  const SnmpTarget& t = opts->snmp_targets[index];
  auto module = opts->snmp->modules.find(t.ModuleName());
  if (module == opts->snmp->modules.end() || module->second.engine == nullptr)
    return absl::InvalidArgumentError(Cat("snmp: ", t.name, ": unknown module \"", t.ModuleName(), "\""));
  auto auth = opts->snmp->auths.find(t.AuthName());
  if (auth == opts->snmp->auths.end())
    return absl::InvalidArgumentError(Cat("snmp: ", t.name, ": unknown auth \"", t.AuthName(), "\""));
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(t.address, auth->second, t.snmp_context);
  if (!client.ok())
    return absl::InvalidArgumentError(Cat("snmp: ", t.name, ": ", ToStd(client.status().message())));
  const ModuleConfig& m = module->second;
  return std::make_unique<TargetIntegration>(std::move(opts), t, m, *std::move(client));
}

const config::IntegrationSpec& Spec() {
  static const SnmpSpec spec;
  return spec;
}

}  // namespace outpost::integrations::snmp
