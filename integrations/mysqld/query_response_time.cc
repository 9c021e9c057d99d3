// info_schema.query_response_time: the Percona/MariaDB
// QUERY_RESPONSE_TIME plugin's distribution as histograms
// (mysqld_exporter collector/info_schema_query_response_time.go). Nothing
// when the plugin is absent or query_response_time_stats is off.
#include <array>
#include <cstdint>
#include <map>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class QueryResponseTimeCollector final : public Collector {
 public:
  QueryResponseTimeCollector() {
    f_[0] = {"mysql_info_schema_query_response_time_seconds", MetricType::kHistogram,
             "The number of all queries by duration they took to execute.", ""};
    f_[1] = {"mysql_info_schema_read_query_response_time_seconds", MetricType::kHistogram,
             "The number of read queries by duration they took to execute.", ""};
    f_[2] = {"mysql_info_schema_write_query_response_time_seconds", MetricType::kHistogram,
             "The number of write queries by duration they took to execute.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    // Upstream scans the value into a uint8; any failure means "not
    // available" (debug log only).
    if (!q.Query("SELECT @@query_response_time_stats", &rs_).ok()) return absl::OkStatus();
    if (rs_.num_rows() == 0 || rs_.num_columns() == 0) return absl::OkStatus();
    uint64_t on = 0;
    if (!ParseUint(rs_.Text(0, 0), &on) || on > 255 || on == 0) return absl::OkStatus();
    // Upper-case table names: a server bug otherwise returns the total
    // distribution for the read/write tables too.
    static constexpr std::array<std::string_view, 3> kQueries = {
        "SELECT TIME, COUNT, TOTAL FROM INFORMATION_SCHEMA.QUERY_RESPONSE_TIME",
        "SELECT TIME, COUNT, TOTAL FROM INFORMATION_SCHEMA.QUERY_RESPONSE_TIME_READ",
        "SELECT TIME, COUNT, TOTAL FROM INFORMATION_SCHEMA.QUERY_RESPONSE_TIME_WRITE"};
    for (size_t i = 0; i < kQueries.size(); ++i) {
      absl::Status st = q.Query(kQueries[i], &rs_);
      if (st.ok()) st = Emit(i);
      // Only the first table must exist (the others are Percona 5.6/5.7).
      if (i == 0 && !st.ok()) return st;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Emit(size_t i) {
    if (rs_.num_columns() != 3) return absl::InternalError("query_response_time: 3 columns");
    uint64_t total_count = 0;
    double sum = 0;
    buckets_.clear();
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      uint64_t count = 0;
      if (!ParseUint(rs_.Text(r, 1), &count)) {
        return absl::InvalidArgumentError(Cat("bad COUNT \"", rs_.Text(r, 1), "\""));
      }
      double length = 0, total = 0;
      // Unparsable TIME/TOTAL ("TOO LONG") count as 0, as upstream.
      if (!ParseGoFloat(Trim(rs_.Text(r, 0)), &length)) length = 0;
      if (!ParseGoFloat(Trim(rs_.Text(r, 2)), &total)) total = 0;
      total_count += count;
      sum += total;
      if (length == 0) continue;  // the "TOO LONG" row: only in count/sum
      buckets_[length] = total_count;
    }
    const MetricFamily& f = f_[i];
    for (const auto& [le, cumulative] : buckets_) {
      series_.Add(series_.Get(f, Labels{{"le", FormatGoFloat(le)}}, "_bucket"),
                  static_cast<double>(cumulative));
    }
    series_.Add(series_.Get(f, Labels{{"le", "+Inf"}}, "_bucket"),
                static_cast<double>(total_count));
    series_.Add(series_.Get(f, Labels{}, "_sum"), sum);
    series_.Add(series_.Get(f, Labels{}, "_count"), static_cast<double>(total_count));
    return absl::OkStatus();
  }

  std::array<MetricFamily, 3> f_;
  std::map<double, uint64_t> buckets_;
};

}  // namespace

CollectorOr NewQueryResponseTimeCollector(const Options&) {
  return std::make_unique<QueryResponseTimeCollector>();
}

}  // namespace outpost::integrations::mysqld
