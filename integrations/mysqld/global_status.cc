// global_status: SHOW GLOBAL STATUS (mysqld_exporter collector/
// global_status.go). Prefix families fold into labels
// (Com_select → mysql_global_status_commands_total{command="select"});
// other numeric values are untyped mysql_global_status_<name>; Galera text
// fields become mysql_galera_status_info and the evs latency gauges.
#include <array>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

constexpr std::string_view kGenericHelp = "Generic metric from SHOW GLOBAL STATUS.";

class GlobalStatusCollector final : public Collector {
 public:
  GlobalStatusCollector() {
    commands_ = {"mysql_global_status_commands_total", MetricType::kCounter,
                 "Total number of executed MySQL commands.", ""};
    handlers_ = {"mysql_global_status_handlers_total", MetricType::kCounter,
                 "Total number of executed MySQL handlers.", ""};
    connection_errors_ = {"mysql_global_status_connection_errors_total", MetricType::kCounter,
                          "Total number of MySQL connection errors.", ""};
    pages_ = {"mysql_global_status_buffer_pool_pages", MetricType::kGauge,
              "Innodb buffer pool pages by state.", ""};
    dirty_pages_ = {"mysql_global_status_buffer_pool_dirty_pages", MetricType::kGauge,
                    "Innodb buffer pool dirty pages.", ""};
    page_changes_ = {"mysql_global_status_buffer_pool_page_changes_total", MetricType::kCounter,
                     "Innodb buffer pool page state changes.", ""};
    row_ops_ = {"mysql_global_status_innodb_row_ops_total", MetricType::kCounter,
                "Total number of MySQL InnoDB row operations.", ""};
    ps_lost_ = {"mysql_global_status_performance_schema_lost_total", MetricType::kCounter,
                "Total number of MySQL instrumentations that could not be loaded or created due "
                "to memory constraints.",
                ""};
    galera_info_ = {"mysql_galera_status_info", MetricType::kGauge,
                    "PXC/Galera status information.", ""};
    evs_[0] = {"mysql_galera_evs_repl_latency_min_seconds", MetricType::kGauge,
               "PXC/Galera group communication latency. Min value.", ""};
    evs_[1] = {"mysql_galera_evs_repl_latency_avg_seconds", MetricType::kGauge,
               "PXC/Galera group communication latency. Avg value.", ""};
    evs_[2] = {"mysql_galera_evs_repl_latency_max_seconds", MetricType::kGauge,
               "PXC/Galera group communication latency. Max value.", ""};
    evs_[3] = {"mysql_galera_evs_repl_latency_stdev", MetricType::kGauge,
               "PXC/Galera group communication latency. Standard Deviation.", ""};
    evs_[4] = {"mysql_galera_evs_repl_latency_sample_size", MetricType::kGauge,
               "PXC/Galera group communication latency. Sample Size.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    if (absl::Status st = q.Query("SHOW GLOBAL STATUS", &rs_); !st.ok()) return st;
    if (rs_.num_columns() < 2) return absl::InternalError("SHOW GLOBAL STATUS: expected 2 columns");
    for (std::string& t : text_) t.clear();
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      const std::string_view raw = rs_.Text(r, 0);
      const ResultSet::Cell val = rs_.Get(r, 1);
      double v;
      if (val.has_value() && ParseStatus(*val, &v)) {
        ValidPrometheusName(raw, &key_);
        Emit(key_, v);
        continue;
      }
      for (size_t i = 0; i < kTextKeys.size(); ++i) {
        if (raw == kTextKeys[i]) text_[i] = std::string(val.value_or(""));
      }
    }
    if (!text_[0].empty()) {
      series_.Add(galera_info_,
                  {{"wsrep_local_state_uuid", text_[0]},
                   {"wsrep_cluster_state_uuid", text_[1]},
                   {"wsrep_provider_version", text_[2]}},
                  1);
    }
    if (!text_[3].empty()) EmitEvsLatency(text_[3]);
    return absl::OkStatus();
  }

 private:
  static constexpr std::array<std::string_view, 4> kTextKeys = {
      "wsrep_local_state_uuid", "wsrep_cluster_state_uuid", "wsrep_provider_version",
      "wsrep_evs_repl_latency"};

  // The families of globalStatusRE
  // `^(com|handler|connection_errors|innodb_buffer_pool_pages|innodb_rows|performance_schema)_(.*)$`.
  void Emit(std::string_view key, double v) {
    auto rest = [&](std::string_view prefix, std::string_view* out) {
      if (key.size() <= prefix.size() || key.substr(0, prefix.size()) != prefix ||
          key[prefix.size()] != '_') {
        return false;
      }
      *out = key.substr(prefix.size() + 1);
      return true;
    };
    std::string_view r;
    if (rest("com", &r)) {
      series_.Add(commands_, {{"command", r}}, v);
    } else if (rest("handler", &r)) {
      series_.Add(handlers_, {{"handler", r}}, v);
    } else if (rest("connection_errors", &r)) {
      series_.Add(connection_errors_, {{"error", r}}, v);
    } else if (rest("innodb_buffer_pool_pages", &r)) {
      if (r == "data" || r == "free" || r == "misc" || r == "old") {
        series_.Add(pages_, {{"state", r}}, v);
      } else if (r == "dirty") {
        series_.Add(dirty_pages_, v);
      } else if (r != "total") {
        series_.Add(page_changes_, {{"operation", r}}, v);
      }
    } else if (rest("innodb_rows", &r)) {
      series_.Add(row_ops_, {{"operation", r}}, v);
    } else if (rest("performance_schema", &r)) {
      series_.Add(ps_lost_, {{"instrumentation", r}}, v);
    } else {
      const MetricFamily& f = generic_.Get(key, [](std::string_view k) {
        return MetricFamily{Cat("mysql_global_status_", k), MetricType::kUnknown,
                            std::string(kGenericHelp), ""};
      });
      series_.Add(f, v);
    }
  }

  // "min/avg/max/stdev/samples", all five numbers or nothing.
  void EmitEvsLatency(std::string_view s) {
    std::array<double, 5> v;
    size_t n = 0;
    while (true) {
      size_t slash = s.find('/');
      std::string_view part = s.substr(0, slash);
      if (n >= v.size() || !ParseGoFloat(part, &v[n])) return;
      ++n;
      if (slash == std::string_view::npos) break;
      s.remove_prefix(slash + 1);
    }
    if (n != v.size()) return;
    for (size_t i = 0; i < v.size(); ++i) series_.Add(evs_[i], v[i]);
  }

  MetricFamily commands_, handlers_, connection_errors_, pages_, dirty_pages_, page_changes_,
      row_ops_, ps_lost_, galera_info_;
  std::array<MetricFamily, 5> evs_;
  DynamicFamilies generic_;
  std::string key_;
  std::array<std::string, 4> text_;
};

}  // namespace

CollectorOr NewGlobalStatusCollector(const Options&) {
  return std::make_unique<GlobalStatusCollector>();
}

}  // namespace outpost::integrations::mysqld
