#include "integrations/postgres/postgres.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "integrations/common/build_info.h"
#include "integrations/common/lazy_libraries.h"
#include "integrations/common/options_spec.h"
#include "integrations/common/text.h"
#include "integrations/postgres/connection.h"
#include "integrations/postgres/dsn.h"

namespace outpost::integrations::postgres {
namespace {

constexpr std::string_view kName = "postgres_exporter";

// datasource.go discoverDatabaseDSNs → queries.go queryDatabases.
constexpr std::string_view kDatabasesSql =
    "SELECT datname FROM pg_database WHERE datallowconn = true AND datistemplate = false "
    "AND datname != current_database()";

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

struct Server {
  Server(Dsn dsn, absl::Duration timeout, ServerInfo i)
      : conn(std::move(dsn), timeout), info(std::move(i)) {}

  Connection conn;
  ServerInfo info;
  std::unique_ptr<ServerCollector> collector;
  size_t parent = 0;  // discovered databases: index of their master
  uint64_t seen_round = 0;
  bool state_known = false, was_up = false;
  bool version_failing = false, collector_failing = false;
  SeriesRef static_ref = 0;
  std::string static_version;  // the version text static_ref was made for
};

class PostgresIntegration final : public Integration {
 public:
  PostgresIntegration(Options opts, absl::Duration timeout, ServerCollectorFactory factory,
                      std::vector<std::unique_ptr<Server>> masters)
      : opts_(std::move(opts)),
        include_(opts_.IncludeDatabases()),
        timeout_(timeout),
        factory_(std::move(factory)),
        masters_(std::move(masters)) {
    // postgres_exporter.go setupInternalMetrics, checkMapVersions.
    up_ = {"pg_up", MetricType::kGauge,
           "Whether the last scrape of metrics from PostgreSQL was able to connect to the server "
           "(1 for yes, 0 for no).",
           ""};
    duration_ = {"pg_exporter_last_scrape_duration_seconds", MetricType::kGauge,
                 "Duration of the last scrape of metrics from PostgreSQL.", ""};
    scrapes_ = {"pg_exporter_scrapes_total", MetricType::kCounter,
                "Total number of times PostgreSQL was scraped for metrics.", ""};
    last_error_ = {"pg_exporter_last_scrape_error", MetricType::kGauge,
                   "Whether the last scrape of metrics from PostgreSQL resulted in an error (1 for "
                   "error, 0 for success).",
                   ""};
    static_ = {"pg_static", MetricType::kUnknown, "Version string as reported by postgres", ""};
    // client_golang collectors/version NewCollector(<integration name>).
    build_info_ = BuildInfoFamily("postgres_exporter");
  }

  absl::Status Collect(Appender& app, absl::Time deadline) override {
    const absl::Time start = absl::Now();
    if (&app != last_app_) {
      up_ref_ = app.Series(up_, Labels{});
      duration_ref_ = app.Series(duration_, Labels{});
      scrapes_ref_ = app.Series(scrapes_, Labels{});
      last_error_ref_ = app.Series(last_error_, Labels{});
      build_info_ref_ = app.Series(build_info_, BuildInfoLabels());
      for (auto& s : masters_) s->static_ref = 0;
      for (auto& s : discovered_) s->static_ref = 0;
      last_app_ = &app;
    }
    ++scrapes_total_;
    ++round_;
    int attempted = 0, conn_errors = 0, errors = 0;
    std::vector<bool>& master_ok = master_ok_;
    master_ok.assign(masters_.size(), false);
    for (size_t i = 0; i < masters_.size(); ++i) {
      ++attempted;
      master_ok[i] = Connect(*masters_[i]);
      if (!master_ok[i]) ++conn_errors;
    }
    if (opts_.autodiscover_databases) {
      for (size_t i = 0; i < masters_.size(); ++i) {
        if (master_ok[i]) Discover(i);
      }
    }
    for (size_t i = 0; i < masters_.size(); ++i) {
      if (!master_ok[i]) continue;
      if (absl::Now() > deadline) return Late(masters_[i]->info);
      if (!Scrape(*masters_[i], app, deadline)) ++errors;
    }
    for (auto& s : discovered_) {
      if (!master_ok[s->parent]) continue;  // not listed this round
      ++attempted;
      if (absl::Now() > deadline) return Late(s->info);
      if (!Connect(*s)) {
        ++conn_errors;
        continue;
      }
      if (!Scrape(*s, app, deadline)) ++errors;
    }
    app.Add(build_info_ref_, 1);
    app.Add(duration_ref_, absl::ToDoubleSeconds(absl::Now() - start));
    app.Add(scrapes_ref_, scrapes_total_);
    app.Add(last_error_ref_, errors + conn_errors > 0 ? 1 : 0);
    const bool down = conn_errors >= attempted;
    app.Add(up_ref_, down ? 0 : 1);
    // `up` 0 with pg_up 0 kept (issue 19); Grafana Agent's scrape of the
    // exporter would say up 1 there, and dashboards alert on pg_up.
    if (down) return TargetDown("postgres_exporter: no server reachable");
    return absl::OkStatus();
  }

 private:
  static absl::Status Late(const ServerInfo& s) {
    return absl::DeadlineExceededError(
        Cat("postgres_exporter: deadline reached before server ", s.server));
  }

  // Connects (or checks the connection with SELECT version()); logs each
  // up/down state change once. False when the server is unreachable.
  bool Connect(Server& s) {
    absl::Status st = s.conn.Ensure();
    if (st.ok()) {
      st = s.conn.RefreshVersion();
      if (!st.ok() && s.conn.connected()) {
        // Reachable, but the version is unknown: go on with the last one,
        // as upstream ("Proceeding with outdated query maps").
        if (!s.version_failing) {
          log::Warn("cannot determine the PostgreSQL version",
                    {{"integration", kName}, {"server", s.info.server},
                     {"err", ToStd(st.message())}});
        }
        s.version_failing = true;
        st = absl::OkStatus();
      } else {
        s.version_failing = false;
      }
    }
    const bool up = st.ok();
    if (!s.state_known || s.was_up != up) {
      if (up) {
        log::Info("connected to postgres",
                  {{"integration", kName}, {"server", s.info.server}, {"dsn", s.info.masked_dsn}});
      } else {
        log::Error("cannot reach postgres", {{"integration", kName},
                                             {"server", s.info.server},
                                             {"dsn", s.info.masked_dsn},
                                             {"err", ToStd(st.message())}});
      }
    }
    s.state_known = true;
    s.was_up = up;
    return up;
  }

  // pg_static and the server's collector; false when the collector failed.
  bool Scrape(Server& s, Appender& app, absl::Time deadline) {
    const std::string& version = s.conn.version_text();
    if (s.info.master && !opts_.disable_default_metrics && !s.version_failing &&
        !version.empty()) {
      if (s.static_ref == 0 || s.static_version != version) {
        s.static_ref = app.Series(static_, Labels{{"server", s.info.server},
                                                  {"version", version},
                                                  {"short_version", s.conn.version().String()}});
        s.static_version = version;
      }
      app.Add(s.static_ref, 1);
    }
    if (s.collector == nullptr) return true;
    absl::Status st = s.collector->Collect(s.conn, s.conn.version(), app, deadline);
    if (st.ok() != !s.collector_failing) {
      if (st.ok()) {
        log::Info("server collection succeeded again",
                  {{"integration", kName}, {"server", s.info.server}});
      } else {
        log::Error("server collection failed", {{"integration", kName},
                                                {"server", s.info.server},
                                                {"err", ToStd(st.message())}});
      }
    }
    s.collector_failing = !st.ok();
    return st.ok();
  }

  // Lists the other databases of master `m` and keeps a server for each
  // one the filters let through; closes those that are gone.
  void Discover(size_t m) {
    Server& master = *masters_[m];
    absl::Status st = master.conn.Query(kDatabasesSql, &databases_rs_);
    if (!st.ok()) {
      log::Error("cannot list databases", {{"integration", kName},
                                           {"server", master.info.server},
                                           {"err", ToStd(st.message())}});
      // Keep what was found before; it is not scraped this round.
      for (auto& s : discovered_) {
        if (s->parent == m) s->seen_round = round_;
      }
      return;
    }
    for (size_t r = 0; r < databases_rs_.num_rows(); ++r) {
      const std::string_view db = databases_rs_.Text(r, 0);
      if (Contains(opts_.exclude_databases, db)) continue;
      if (!include_.empty() && !Contains(include_, db)) continue;
      const std::string text = DatabaseDsn(master.conn.dsn(), db);
      auto it = std::find_if(discovered_.begin(), discovered_.end(),
                             [&](const auto& s) { return s->conn.dsn().text == text; });
      if (it != discovered_.end()) {
        (*it)->seen_round = round_;
        continue;
      }
      absl::StatusOr<Dsn> d = ParseDsn(text);
      if (!d.ok()) {
        log::Error("cannot use discovered database", {{"integration", kName},
                                                      {"server", master.info.server},
                                                      {"err", ToStd(d.status().message())}});
        continue;
      }
      ServerInfo info{ServerLabel(*d), MaskDsn(text), false, false};
      auto s = std::make_unique<Server>(std::move(*d), timeout_, info);
      absl::StatusOr<std::unique_ptr<ServerCollector>> c = factory_(opts_, info);
      if (c.ok()) {
        s->collector = std::move(*c);
      } else {
        log::Error("cannot set up discovered database", {{"integration", kName},
                                                         {"dsn", info.masked_dsn},
                                                         {"err", ToStd(c.status().message())}});
      }
      s->parent = m;
      s->seen_round = round_;
      discovered_.push_back(std::move(s));
    }
    std::erase_if(discovered_,
                  [&](const auto& s) { return s->parent == m && s->seen_round != round_; });
  }

  Options opts_;
  std::vector<std::string> include_;
  absl::Duration timeout_;
  ServerCollectorFactory factory_;
  std::vector<std::unique_ptr<Server>> masters_, discovered_;
  ResultSet databases_rs_;
  std::vector<bool> master_ok_;  // this collection's connect results, reused
  MetricFamily up_, duration_, scrapes_, last_error_, static_, build_info_;
  const Appender* last_app_ = nullptr;
  SeriesRef up_ref_ = 0, duration_ref_ = 0, scrapes_ref_ = 0, last_error_ref_ = 0,
            build_info_ref_ = 0;
  double scrapes_total_ = 0;
  uint64_t round_ = 0;
};

class PostgresSpec final : public OptionsSpec<Options, ParseOptions, DumpOptions> {
 public:
  std::string_view name() const override { return kName; }
  bool allows_list() const override { return true; }

 protected:
  std::string Instance(const Options& o, const config::HostInfo&) const override {
    absl::StatusOr<std::vector<std::string>> dsns = o.EffectiveDsns();
    if (!dsns.ok() || dsns->empty()) return std::string(kName);
    absl::StatusOr<std::string> key = DsnInstanceKey(*dsns);
    // Parse reported the error already; something masked and stable.
    return key.ok() ? *key : MaskDsn((*dsns)[0]);
  }
  absl::StatusOr<std::unique_ptr<Integration>> Make(const Options& o, const config::IntegrationConfig& cfg,
                                                    const config::HostInfo&) const override {
    if (cfg.common.instance.empty()) {
      absl::StatusOr<std::vector<std::string>> dsns = o.EffectiveDsns();
      if (dsns.ok()) {
        absl::StatusOr<std::string> key = DsnInstanceKey(*dsns);
        if (!key.ok()) return absl::InvalidArgumentError(Cat("postgres_exporter: ", key.status().message()));
      }
    }
    return NewPostgresIntegration(o, ScrapeTimeout(cfg));
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Integration>> NewPostgresIntegration(const Options& opts,
                                                                    absl::Duration timeout,
                                                                    ServerCollectorFactory factory) {
  if (absl::Status s = LibPq().Load(); !s.ok())
    return absl::FailedPreconditionError(Cat("postgres_exporter: ", ToStd(s.message())));
  absl::StatusOr<std::vector<std::string>> dsns = opts.EffectiveDsns();
  if (!dsns.ok()) return dsns.status();
  std::vector<std::unique_ptr<Server>> masters;
  for (size_t i = 0; i < dsns->size(); ++i) {
    absl::StatusOr<Dsn> d = ParseDsn((*dsns)[i]);
    if (!d.ok()) {
      return absl::InvalidArgumentError(
          Cat("postgres_exporter: data_source_names[", i, "]: ", d.status().message()));
    }
    ServerInfo info{ServerLabel(*d), MaskDsn((*dsns)[i]), true, i == 0};
    auto s = std::make_unique<Server>(std::move(*d), timeout, info);
    if (factory) {
      absl::StatusOr<std::unique_ptr<ServerCollector>> c = factory(opts, info);
      if (!c.ok()) {
        return absl::InvalidArgumentError(Cat("postgres_exporter: ", c.status().message()));
      }
      s->collector = std::move(*c);
    }
    masters.push_back(std::move(s));
  }
  return std::make_unique<PostgresIntegration>(opts, timeout, std::move(factory),
                                               std::move(masters));
}

const config::IntegrationSpec& Spec() {
  static const PostgresSpec spec;
  return spec;
}

}  // namespace outpost::integrations::postgres
