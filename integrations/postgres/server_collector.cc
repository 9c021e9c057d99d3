// DefaultServerCollector: what runs on each server once its connection and
// SELECT version() succeeded, as Grafana Agent v0.44 builds the exporter
// (static/integrations/postgres_exporter/postgres_exporter.go):
// NewExporter's builtin namespaces, pg_settings and user queries on every
// server (autodiscovered databases run only non-master user queries), and,
// unless disable_default_metrics, the collector package on the first DSN
// only (upstream comment there: postgres_exporter#999).
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_join.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "integrations/common/series_cache.h"
#include "integrations/postgres/collector.h"
#include "integrations/postgres/namespaces.h"
#include "integrations/postgres/postgres.h"
#include "integrations/postgres/user_queries.h"

namespace outpost::integrations::postgres {
namespace {

class DefaultCollector final : public ServerCollector {
 public:
  DefaultCollector(const Options& opts, ServerInfo info, UserQueries uq)
      : info_(std::move(info)),
        has_query_path_(!opts.query_path.empty()),
        user_queries_(std::move(uq)),
        namespaces_(NamespacesOptions{!opts.disable_default_metrics,
                                      !opts.disable_settings_metrics,
                                      user_queries_.namespaces}) {
    if (info_.first && !opts.disable_default_metrics) {
      collectors_ = CollectorSet::Create(opts.exclude_databases);
    }
  }

  absl::Status Collect(Querier& q, const ServerVersion& version, Appender& app,
                       absl::Time deadline) override {
    errors_.errors.clear();
    errors_.warnings.clear();
    namespaces_.Collect(q, version, info_.master, info_.server, app, absl::Now(), &errors_);
    if (collectors_ != nullptr) collectors_->Collect(q, version, app, deadline);
    if (info_.first && has_query_path_) {
      load_error_.Begin(app);
      AddUserQueriesLoadError(user_queries_, load_error_);
    }
    if (!errors_.warnings.empty() && !warned_) {
      // Upstream logs skipped cells at info level on every scrape; once is
      // enough to find them.
      log::Info("postgres_exporter: values skipped",
                {{"server", info_.server}, {"warnings", absl::StrJoin(errors_.warnings, "; ")}});
      warned_ = true;
    }
    if (errors_.errors.empty()) return absl::OkStatus();
    return absl::UnknownError(absl::StrJoin(errors_.errors, "; "));
  }

 private:
  const ServerInfo info_;
  const bool has_query_path_;
  const UserQueries user_queries_;
  Namespaces namespaces_;
  std::unique_ptr<CollectorSet> collectors_;
  SeriesCache load_error_;
  CollectErrors errors_;
  bool warned_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServerCollector>> DefaultServerCollector(const Options& opts,
                                                                        const ServerInfo& server) {
  UserQueries uq;
  if (!opts.query_path.empty()) {
    uq = LoadUserQueries(opts.query_path);
    if (!uq.ok() && server.first) {
      log::Error("postgres_exporter: query_path not loaded; no user query runs",
                 {{"file", opts.query_path}, {"err", absl::StrJoin(uq.errors, "; ")}});
    }
  }
  return std::unique_ptr<ServerCollector>(
      std::make_unique<DefaultCollector>(opts, server, std::move(uq)));
}

}  // namespace outpost::integrations::postgres
