#include "integrations/mysqld/mysqld.h"

#include <time.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "integrations/common/options_spec.h"
#include "integrations/mysqld/collector.h"
#include "integrations/mysqld/dsn.h"
#include "integrations/mysqld/sql.h"

namespace outpost::integrations::mysqld {
namespace {

constexpr std::string_view kName = "mysqld_exporter";

double MonotonicSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class MysqldIntegration final : public Integration {
 public:
  struct Entry {
    const CollectorInfo* info;
    std::string label;  // "collect.<name>"
    std::unique_ptr<Collector> collector;
    double errors = 0;  // mysql_exporter_scrape_errors_total
    bool failing = false;
    SeriesRef duration = 0, errors_ref = 0;
  };

  MysqldIntegration(ConnectionSettings settings, std::string instance, std::vector<Entry> entries)
      : conn_(std::move(settings)), instance_(std::move(instance)), entries_(std::move(entries)) {
    // mysqld_exporter collector/exporter.go (NewMetrics, scrapeDurationDesc).
    up_ = {"mysql_up", MetricType::kGauge, "Whether the MySQL server is up.", ""};
    scrapes_ = {"mysql_exporter_scrapes_total", MetricType::kCounter,
                "Total number of times MySQL was scraped for metrics.", ""};
    errors_ = {"mysql_exporter_scrape_errors_total", MetricType::kCounter,
               "Total number of times an error occurred scraping a MySQL.", ""};
    last_error_ = {"mysql_exporter_last_scrape_error", MetricType::kGauge,
                   "Whether the last scrape of metrics from MySQL resulted in an error (1 for "
                   "error, 0 for success).",
                   ""};
    duration_ = {"mysql_exporter_collector_duration_seconds", MetricType::kGauge,
                 "Collector time duration.", ""};
  }

  absl::Status Collect(Appender& app, absl::Time deadline) override {
    if (&app != last_app_) {
      up_ref_ = app.Series(up_, Labels{});
      scrapes_ref_ = app.Series(scrapes_, Labels{});
      last_error_ref_ = app.Series(last_error_, Labels{});
      conn_duration_ref_ = app.Series(duration_, Labels{{"collector", "connection"}});
      for (Entry& e : entries_) {
        e.duration = app.Series(duration_, Labels{{"collector", e.label}});
        e.errors_ref = 0;
      }
      last_app_ = &app;
    }
    ++scrapes_total_;
    const double start = MonotonicSeconds();
    absl::Status st;
    const absl::Time now = absl::Now();
    if (!conn_.connected() && now < next_attempt_) {
      st = absl::UnavailableError("waiting before reconnecting");  // backing off
    } else {
      st = conn_.Ensure();
      OnConnectAttempt(st, now);
    }
    double last_error = 1;
    if (st.ok()) {
      last_error = 0;
      app.Add(conn_duration_ref_, MonotonicSeconds() - start);
      const double version = ServerVersion();
      for (Entry& e : entries_) {
        if (version < e.info->min_version) continue;
        if (absl::Now() > deadline) {
          return absl::DeadlineExceededError(
              Cat("mysqld_exporter: deadline reached before collector ", e.info->name));
        }
        const double t0 = MonotonicSeconds();
        absl::Status cst = e.collector->Collect(conn_, app);
        if (!cst.ok()) {
          e.errors += 1;
          last_error = 1;
        }
        LogCollector(e, cst);
        app.Add(e.duration, MonotonicSeconds() - t0);
      }
    }
    app.Add(scrapes_ref_, scrapes_total_);
    app.Add(last_error_ref_, last_error);
    for (Entry& e : entries_) {
      if (e.errors == 0) continue;
      if (e.errors_ref == 0) e.errors_ref = app.Series(errors_, Labels{{"collector", e.label}});
      app.Add(e.errors_ref, e.errors);
    }
    app.Add(up_ref_, st.ok() ? 1 : 0);
    return absl::OkStatus();
  }

 private:
  // The leading "N.N" of SELECT @@version (999 when unknown, as upstream).
  double ServerVersion() {
    if (!conn_.Query("SELECT @@version", &version_rs_).ok() || version_rs_.num_rows() == 0 ||
        version_rs_.num_columns() == 0) {
      return 999;
    }
    return ParseServerVersion(version_rs_.Text(0, 0));
  }

  // Backoff bookkeeping and one log line per up/down state change.
  void OnConnectAttempt(const absl::Status& st, absl::Time now) {
    if (st.ok()) {
      failures_ = 0;
      if (!up_state_known_ || !was_up_) {
        log::Info("connected to mysqld", {{"integration", kName}, {"instance", instance_}});
      }
      up_state_known_ = true;
      was_up_ = true;
      return;
    }
    ++failures_;
    const int shift = std::min(failures_ - 1, 5);
    next_attempt_ = now + std::min(absl::Seconds(1) * (1 << shift), absl::Seconds(30));
    if (!up_state_known_ || was_up_) {
      log::Error("cannot reach mysqld",
                 {{"integration", kName}, {"instance", instance_}, {"err", ToStd(st.message())}});
    }
    up_state_known_ = true;
    was_up_ = false;
  }

  static void LogCollector(Entry& e, const absl::Status& st) {
    if (st.ok()) {
      if (e.failing) {
        log::Info("collector succeeded again", {{"integration", kName}, {"collector", e.info->name}});
      }
      e.failing = false;
      return;
    }
    if (e.failing) return;
    e.failing = true;
    log::Error("collector failed", {{"integration", kName},
                                    {"collector", e.info->name},
                                    {"err", ToStd(st.message())}});
  }

  Connection conn_;
  std::string instance_;
  std::vector<Entry> entries_;
  ResultSet version_rs_;
  MetricFamily up_, scrapes_, errors_, last_error_, duration_;
  const Appender* last_app_ = nullptr;
  SeriesRef up_ref_ = 0, scrapes_ref_ = 0, last_error_ref_ = 0, conn_duration_ref_ = 0;
  double scrapes_total_ = 0;
  int failures_ = 0;
  absl::Time next_attempt_ = absl::InfinitePast();
  bool up_state_known_ = false, was_up_ = false;
};

class MysqldSpec final : public OptionsSpec<Options, ParseOptions, DumpOptions> {
 public:
  std::string_view name() const override { return kName; }
  bool allows_list() const override { return true; }

 protected:
  std::string Instance(const Options& o, const config::HostInfo&) const override {
    const std::string dsn = o.EffectiveDsn();
    // go-sql-driver parses "" as all defaults.
    absl::StatusOr<Dsn> d = ParseDsn(dsn.empty() ? "/" : dsn);
    if (!d.ok()) return MaskDsn(dsn);
    return DsnInstanceKey(*d);
  }
  absl::StatusOr<std::unique_ptr<Integration>> Make(const Options& o, const config::IntegrationConfig& cfg,
                                                    const config::HostInfo&) const override {
    return NewMysqldIntegration(o, ScrapeTimeout(cfg));
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Integration>> NewMysqldIntegration(const Options& opts,
                                                                  absl::Duration timeout) {
  const std::string dsn = opts.EffectiveDsn();
  if (dsn.empty()) {
    return absl::InvalidArgumentError(
        "cannot create mysqld_exporter; neither mysqld_exporter.data_source_name or "
        "$MYSQLD_EXPORTER_DATA_SOURCE_NAME is set");
  }
  absl::StatusOr<Dsn> d = ParseDsn(dsn);
  if (!d.ok()) {
    return absl::InvalidArgumentError(
        Cat("mysqld_exporter: data_source_name: ", d.status().message()));
  }
  absl::StatusOr<std::vector<const CollectorInfo*>> sel = SelectCollectors(opts);
  if (!sel.ok()) return sel.status();
  std::vector<MysqldIntegration::Entry> entries;
  for (const CollectorInfo* c : *sel) {
    CollectorOr col = c->factory(opts);
    if (!col.ok()) {
      return absl::InvalidArgumentError(
          Cat("mysqld_exporter: collector ", c->name, ": ", col.status().message()));
    }
    MysqldIntegration::Entry e;
    e.info = c;
    e.label = Cat("collect.", c->name);
    e.collector = std::move(*col);
    entries.push_back(std::move(e));
  }
  ConnectionSettings settings;
  settings.dsn = std::move(*d);
  settings.lock_wait_timeout = opts.lock_wait_timeout;
  settings.log_slow_filter = opts.log_slow_filter;
  settings.timeout = timeout;
  std::string instance = DsnInstanceKey(settings.dsn);
  return std::make_unique<MysqldIntegration>(std::move(settings), std::move(instance),
                                             std::move(entries));
}

const config::IntegrationSpec& Spec() {
  static const MysqldSpec spec;
  return spec;
}

}  // namespace outpost::integrations::mysqld
