// The IntegrationSpec of an integration whose own keys are one options
// struct, parsed and dumped by two free functions: Parse and Dump go
// through them, Create checks the options' type. An integration's spec
// then says only what is its own: name(), allows_list(), Instance() and
// Make().
#ifndef OUTPOST_INTEGRATIONS_COMMON_OPTIONS_SPEC_H_
#define OUTPOST_INTEGRATIONS_COMMON_OPTIONS_SPEC_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "integrations/common/text.h"

namespace outpost::integrations {

template <typename Opts, Opts (*ParseFn)(config::MapReader&),
          void (*DumpFn)(const Opts&, YAML::Emitter&)>
class OptionsSpec : public config::IntegrationSpec {
 public:
  std::shared_ptr<const config::IntegrationOptions> Parse(config::MapReader& m) const override {
    auto opts = std::make_shared<Opts>(ParseFn(m));
    Check(*opts, m);
    return opts;
  }

  void Dump(const config::IntegrationOptions& opts, YAML::Emitter& out) const override {
    DumpFn(static_cast<const Opts&>(opts), out);
  }

  std::string InstanceKey(const config::IntegrationOptions& opts,
                          const config::HostInfo& host) const override {
    return Instance(static_cast<const Opts&>(opts), host);
  }

  absl::StatusOr<std::unique_ptr<Integration>> Create(const config::IntegrationConfig& cfg,
                                                      const config::HostInfo& host) const override {
    const auto* opts = dynamic_cast<const Opts*>(cfg.options.get());
    if (opts == nullptr) return absl::InternalError(Cat(name(), ": options of another type"));
    return Make(*opts, cfg, host);
  }

 protected:
  // More load-time checks of parsed options (errors to m.Error); none by
  // default.
  virtual void Check(const Opts&, config::MapReader&) const {}
  // The instance label when `instance` is not set.
  virtual std::string Instance(const Opts& opts, const config::HostInfo& host) const = 0;
  // Builds the integration from its options.
  virtual absl::StatusOr<std::unique_ptr<Integration>> Make(const Opts& opts,
                                                            const config::IntegrationConfig& cfg,
                                                            const config::HostInfo& host) const = 0;

  // The block's scrape_timeout, or Grafana Agent's default 10 s when unset.
  static absl::Duration ScrapeTimeout(const config::IntegrationConfig& cfg) {
    return cfg.common.scrape_timeout > absl::ZeroDuration() ? cfg.common.scrape_timeout
                                                            : absl::Seconds(10);
  }
};

// The spec of a handler integration (blackbox, snmp): one job per target
// (the integration's Targets()), every target with the agent's instance,
// as Grafana Agent's handler integrations' InstanceKey; NewTarget(opts, i)
// builds the integration collecting target i (and keeps `opts` alive).
template <typename Opts, Opts (*ParseFn)(config::MapReader&),
          void (*DumpFn)(const Opts&, YAML::Emitter&),
          absl::StatusOr<std::unique_ptr<Integration>> (*NewTarget)(std::shared_ptr<const Opts>,
                                                                    size_t)>
class HandlerSpec : public OptionsSpec<Opts, ParseFn, DumpFn> {
 public:
  bool has_targets() const override { return true; }

  absl::StatusOr<std::unique_ptr<Integration>> CreateTarget(const config::IntegrationConfig& cfg,
                                                            const config::HostInfo&,
                                                            size_t index) const override {
    auto opts = std::dynamic_pointer_cast<const Opts>(cfg.options);
    if (opts == nullptr) return absl::InternalError(Cat(this->name(), ": options of another type"));
    return NewTarget(std::move(opts), index);
  }

 protected:
  std::string Instance(const Opts&, const config::HostInfo& host) const override {
    return host.agent_key;
  }
  absl::StatusOr<std::unique_ptr<Integration>> Make(const Opts&, const config::IntegrationConfig&,
                                                    const config::HostInfo&) const override {
    return absl::InternalError(Cat(this->name(), ": a handler integration is built per target"));
  }
};

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_OPTIONS_SPEC_H_
