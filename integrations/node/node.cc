#include "integrations/node/node.h"

#include <time.h>

#include <string>
#include <utility>
#include <vector>

#include "core/base/log.h"
#include "integrations/common/options_spec.h"
#include "integrations/node/collector.h"

namespace outpost::integrations::node {
namespace {

double MonotonicSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class NodeIntegration final : public Integration {
 public:
  struct Entry {
    std::string name;
    std::unique_ptr<Collector> collector;
    SeriesRef duration = 0;
    SeriesRef success = 0;
    bool failing = false;  // for logging once per state change
    // Last returned NoData: skipped until then (Options::no_data_recheck).
    absl::Time no_data_until = absl::InfinitePast();
  };

  NodeIntegration(std::vector<Entry> entries, absl::Duration no_data_recheck)
      : entries_(std::move(entries)), no_data_recheck_(no_data_recheck) {
    duration_family_ = {"node_scrape_collector_duration_seconds", MetricType::kGauge,
                        "node_exporter: Duration of a collector scrape.", ""};
    success_family_ = {"node_scrape_collector_success", MetricType::kGauge,
                       "node_exporter: Whether a collector succeeded.", ""};
  }

  absl::Status Collect(Appender& app, absl::Time deadline) override {
    if (&app != last_app_) {
      for (Entry& e : entries_) {
        e.duration = app.Series(duration_family_, Labels{{"collector", e.name}});
        e.success = app.Series(success_family_, Labels{{"collector", e.name}});
      }
      last_app_ = &app;
    }
    for (Entry& e : entries_) {
      const absl::Time now = absl::Now();
      if (now > deadline) {
        return absl::DeadlineExceededError(
            Cat("node_exporter: deadline reached before collector ", e.name));
      }
      if (now < e.no_data_until) {  // still nothing to read, as last time
        app.Add(e.duration, 0);
        app.Add(e.success, 0.0);
        continue;
      }
      double start = MonotonicSeconds();
      absl::Status st = e.collector->Collect(app);
      app.Add(e.duration, MonotonicSeconds() - start);
      app.Add(e.success, st.ok() ? 1.0 : 0.0);
      if (IsNoData(st)) e.no_data_until = now + no_data_recheck_;
      LogTransition(e, st);
    }
    return absl::OkStatus();
  }

 private:
  // Logs a collector's failure when it starts failing and its recovery,
  // not every collection. "No data" is only a debug message, as upstream.
  static void LogTransition(Entry& e, const absl::Status& st) {
    if (st.ok()) {
      if (e.failing)
        log::Info("collector succeeded again",
                  {{"integration", "node_exporter"}, {"collector", e.name}});
      e.failing = false;
      return;
    }
    if (e.failing) return;
    e.failing = true;
    const std::string msg(ToStd(st.message()));
    if (IsNoData(st)) {
      log::Debug("collector returned no data",
                 {{"integration", "node_exporter"}, {"collector", e.name}, {"err", msg}});
    } else {
      log::Error("collector failed",
                 {{"integration", "node_exporter"}, {"collector", e.name}, {"err", msg}});
    }
  }

  std::vector<Entry> entries_;
  MetricFamily duration_family_;
  MetricFamily success_family_;
  const Appender* last_app_ = nullptr;
  const absl::Duration no_data_recheck_;
};

class NodeSpec final : public OptionsSpec<Options, ParseOptions, DumpOptions> {
 public:
  std::string_view name() const override { return "node_exporter"; }

 protected:
  // Unknown or unimplemented collector names are config errors, reported
  // at load time on the list that names them.
  void Check(const Options& opts, config::MapReader& m) const override {
    absl::StatusOr<std::vector<const CollectorInfo*>> sel = SelectCollectors(opts);
    if (sel.ok()) return;
    const std::string msg(ToStd(sel.status().message()));
    std::string_view key = "";
    for (const auto& [k, list] : {std::pair{"set_collectors", &opts.set_collectors},
                                  std::pair{"enable_collectors", &opts.enable_collectors},
                                  std::pair{"disable_collectors", &opts.disable_collectors}}) {
      for (const std::string& name : *list) {
        if (key.empty() && msg.find(Cat("\"", name, "\"")) != std::string::npos) key = k;
      }
    }
    m.Error(key, msg);
  }
  std::string Instance(const Options&, const config::HostInfo& host) const override {
    return host.agent_key;
  }
  absl::StatusOr<std::unique_ptr<Integration>> Make(const Options& o, const config::IntegrationConfig&,
                                                    const config::HostInfo&) const override {
    return NewNodeIntegration(o);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Integration>> NewNodeIntegration(const Options& opts) {
  absl::StatusOr<std::vector<const CollectorInfo*>> sel = SelectCollectors(opts);
  if (!sel.ok()) return sel.status();
  const Paths paths = Paths::FromOptions(opts);
  std::vector<NodeIntegration::Entry> entries;
  for (const CollectorInfo* c : *sel) {
    absl::StatusOr<std::unique_ptr<Collector>> col = c->factory(opts, paths);
    if (!col.ok()) {
      return absl::InvalidArgumentError(
          Cat("node_exporter: collector ", c->name, ": ", col.status().message()));
    }
    entries.push_back(NodeIntegration::Entry{std::string(c->name), std::move(*col)});
  }
  return std::make_unique<NodeIntegration>(std::move(entries), opts.no_data_recheck);
}

const config::IntegrationSpec& Spec() {
  static const NodeSpec spec;
  return spec;
}

}  // namespace outpost::integrations::node
