// global_variables: SHOW GLOBAL VARIABLES (mysqld_exporter collector/
// global_variables.go): numeric values as gauges
// mysql_global_variables_<name>, plus mysql_version_info,
// mysql_transaction_isolation and the Galera variables.
//
// Upstream has specific HELP texts for MyRocks (rocksdb_*) variables;
// outpost gives them the generic HELP (a known difference).
#include <array>

#include "integrations/mysqld/collectors.h"
#include "re2/re2.h"

namespace outpost::integrations::mysqld {

double ParseWsrepGcacheSize(std::string_view provider_options) {
  // Upstream's regexp, unanchored ('.' matches any character).
  static const RE2 re(R"(gcache.size = (\d+)([MG]?);)");
  std::string digits, unit;
  if (!RE2::PartialMatch(provider_options, re, &digits, &unit)) return 0;
  double v = 0;
  if (!ParseGoFloat(digits, &v)) return 0;
  if (unit == "M") v *= 1024.0 * 1024.0;
  if (unit == "G") v *= 1024.0 * 1024.0 * 1024.0;
  return v;
}

namespace {

enum TextKey { kInnodbVersion, kVersion, kVersionComment, kClusterName, kProviderOptions,
               kTxIsolation, kTransactionIsolation, kNumTextKeys };
constexpr std::array<std::string_view, kNumTextKeys> kTextKeys = {
    "innodb_version",         "version",      "version_comment",      "wsrep_cluster_name",
    "wsrep_provider_options", "tx_isolation", "transaction_isolation"};

class GlobalVariablesCollector final : public Collector {
 public:
  GlobalVariablesCollector() {
    version_info_ = {"mysql_version_info", MetricType::kGauge, "MySQL version and distribution.",
                     ""};
    galera_info_ = {"mysql_galera_variables_info", MetricType::kGauge,
                    "PXC/Galera variables information.", ""};
    gcache_ = {"mysql_galera_gcache_size_bytes", MetricType::kGauge, "PXC/Galera gcache size.",
               ""};
    isolation_ = {"mysql_transaction_isolation", MetricType::kGauge,
                  "MySQL transaction isolation.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    if (absl::Status st = q.Query("SHOW GLOBAL VARIABLES", &rs_); !st.ok()) return st;
    if (rs_.num_columns() < 2) {
      return absl::InternalError("SHOW GLOBAL VARIABLES: expected 2 columns");
    }
    for (std::string& t : text_) t.clear();
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      ValidPrometheusName(rs_.Text(r, 0), &key_);
      const ResultSet::Cell val = rs_.Get(r, 1);
      double v;
      if (val.has_value() && ParseStatus(*val, &v)) {
        const MetricFamily& f = generic_.Get(key_, [](std::string_view k) {
          return MetricFamily{Cat("mysql_global_variables_", k), MetricType::kGauge,
                              "Generic gauge metric from SHOW GLOBAL VARIABLES.", ""};
        });
        series_.Add(f, v);
        continue;
      }
      for (size_t i = 0; i < kTextKeys.size(); ++i) {
        if (key_ == kTextKeys[i]) text_[i] = std::string(val.value_or(""));
      }
    }
    series_.Add(version_info_,
                {{"innodb_version", text_[kInnodbVersion]},
                 {"version", text_[kVersion]},
                 {"version_comment", text_[kVersionComment]}},
                1);
    if (!text_[kClusterName].empty()) {
      series_.Add(galera_info_, {{"wsrep_cluster_name", text_[kClusterName]}}, 1);
    }
    if (!text_[kProviderOptions].empty()) {
      series_.Add(gcache_, ParseWsrepGcacheSize(text_[kProviderOptions]));
    }
    const std::string& level =
        text_[kTransactionIsolation].empty() ? text_[kTxIsolation] : text_[kTransactionIsolation];
    if (!level.empty()) series_.Add(isolation_, {{"level", level}}, 1);
    return absl::OkStatus();
  }

 private:
  MetricFamily version_info_, galera_info_, gcache_, isolation_;
  DynamicFamilies generic_;
  std::string key_;
  std::array<std::string, kNumTextKeys> text_;
};

}  // namespace

CollectorOr NewGlobalVariablesCollector(const Options&) {
  return std::make_unique<GlobalVariablesCollector>();
}

}  // namespace outpost::integrations::mysqld
