#include "integrations/memcached/memcached.h"

#include <string>
#include <utility>

#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "integrations/common/build_info.h"
#include "integrations/common/options_spec.h"
#include "integrations/common/series_cache.h"
#include "integrations/common/text.h"
#include "integrations/memcached/client.h"
#include "integrations/memcached/exporter.h"
#include "integrations/memcached/stats.h"

namespace outpost::integrations::memcached {
namespace {

constexpr std::string_view kName = "memcached_exporter";

class MemcachedIntegration final : public Integration {
 public:
  MemcachedIntegration(const Options& o, StreamEndpoint ep, std::shared_ptr<TlsContext> tls)
      : address_(o.memcached_address),
        client_(std::move(ep), std::move(tls), o.timeout),
        build_info_(BuildInfoFamily(kName)) {}

  absl::Status Collect(Appender& app, absl::Time deadline) override {
    if (&app != last_app_) {
      build_info_ref_ = app.Series(build_info_, BuildInfoLabels());
      last_app_ = &app;
    }
    cache_.Begin(app);
    absl::Status st = client_.Fetch(deadline);
    bool up = st.ok();
    if (st.ok()) {
      // Upstream: a failed Stats() or StatsSettings() call, or a value
      // that does not parse, is up 0 (exporter.go Collect).
      if (ParseStats(client_.reply(kStats), client_.reply(kStatsSlabs), client_.reply(kStatsItems),
                     &stats_)) {
        up &= AddStats(stats_, cache_);
      } else {
        up = false;
        st = absl::DataLossError("cannot parse the stats replies");
      }
      if (ParseSettings(client_.reply(kStatsSettings), &settings_)) {
        up &= AddSettings(settings_, cache_);
      } else {
        up = false;
        if (st.ok()) st = absl::DataLossError("cannot parse the stats settings reply");
      }
      if (!up && st.ok()) st = absl::DataLossError("a stats value does not parse");
    }
    cache_.Add(Families()[kMetricUp], up ? 1 : 0);
    app.Add(build_info_ref_, 1);
    LogState(st);
    if (!up) return TargetDown(Cat(kName, ": ", address_, ": ", ToStd(st.message())));
    return absl::OkStatus();
  }

 private:
  void LogState(const absl::Status& st) {
    if (st.ok() == up_) return;
    up_ = st.ok();
    if (up_) {
      log::Info("memcached reachable again", {{"integration", kName}, {"address", address_}});
    } else {
      const std::string msg(ToStd(st.message()));
      log::Error("failed to collect stats from memcached",
                 {{"integration", kName}, {"address", address_}, {"err", msg}});
    }
  }

  std::string address_;
  Client client_;
  SeriesCache cache_;
  Stats stats_;
  Settings settings_;
  MetricFamily build_info_;
  const Appender* last_app_ = nullptr;
  SeriesRef build_info_ref_ = 0;
  bool up_ = true;  // last logged state
};

class MemcachedSpec final : public OptionsSpec<Options, ParseOptions, DumpOptions> {
 public:
  std::string_view name() const override { return kName; }
  bool allows_list() const override { return true; }

 protected:
  // memcached_exporter.go InstanceKey: the address.
  std::string Instance(const Options& o, const config::HostInfo&) const override {
    return o.memcached_address;
  }
  absl::StatusOr<std::unique_ptr<Integration>> Make(const Options& o, const config::IntegrationConfig&,
                                                    const config::HostInfo&) const override {
    return NewMemcachedIntegration(o);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Integration>> NewMemcachedIntegration(const Options& o) {
  absl::StatusOr<StreamEndpoint> ep = ParseAddress(o.memcached_address);
  if (!ep.ok())
    return absl::InvalidArgumentError(
        Cat("memcached_exporter: memcached_address: ", ToStd(ep.status().message())));
  std::shared_ptr<TlsContext> tls;
  if (o.tls_config.has_value()) {
    absl::StatusOr<TlsSettings> ts = ToTlsSettings(*o.tls_config);
    if (!ts.ok()) return ts.status();
    absl::StatusOr<std::shared_ptr<TlsContext>> ctx = TlsContext::Create(*ts);
    if (!ctx.ok())
      return absl::InvalidArgumentError(Cat("memcached_exporter: ", ToStd(ctx.status().message())));
    tls = *ctx;
  }
  return std::make_unique<MemcachedIntegration>(o, std::move(*ep), std::move(tls));
}

const config::IntegrationSpec& Spec() {
  static const MemcachedSpec spec;
  return spec;
}

}  // namespace outpost::integrations::memcached
