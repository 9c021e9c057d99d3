// info_schema.innodb_metrics: the enabled rows of
// information_schema.innodb_metrics (mysqld_exporter collector/
// info_schema_innodb_metrics.go). buffer_page_io and buffer_pool_pages
// rows fold into labelled families; the others become
// mysql_info_schema_innodb_metrics_<subsystem>_<name>[_total] with the
// row's comment as HELP.
#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class InnodbMetricsCollector final : public Collector {
 public:
  InnodbMetricsCollector() {
    page_read_ = {"mysql_info_schema_innodb_metrics_buffer_page_read_total", MetricType::kCounter,
                  "Total number of buffer pages read total.", ""};
    page_written_ = {"mysql_info_schema_innodb_metrics_buffer_page_written_total",
                     MetricType::kCounter, "Total number of buffer pages written total.", ""};
    pool_pages_ = {"mysql_info_schema_innodb_metrics_buffer_pool_pages", MetricType::kGauge,
                   "Total number of buffer pool pages by state.", ""};
    pool_dirty_ = {"mysql_info_schema_innodb_metrics_buffer_pool_dirty_pages", MetricType::kGauge,
                   "Total number of dirty pages in the buffer pool.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'INNODB_METRICS' "
        "AND column_name IN ('status', 'enabled')",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_rows() == 0 || rs_.num_columns() == 0) {
      return absl::NotFoundError("sql: no rows in result set");
    }
    const std::string_view col = rs_.Text(0, 0);
    const char* query;
    if (col == "STATUS") {
      query =
          "SELECT name, subsystem, type, comment, count FROM information_schema.innodb_metrics "
          "WHERE `status` = 'enabled'";
    } else if (col == "ENABLED") {
      query =
          "SELECT name, subsystem, type, comment, count FROM information_schema.innodb_metrics "
          "WHERE `enabled` = '1'";
    } else {
      return absl::NotFoundError("Couldn't find column STATUS or ENABLED in innodb_metrics table.");
    }
    if (st = q.Query(query, &rs_); !st.ok()) return st;
    if (rs_.num_columns() != 5) return absl::InternalError("innodb_metrics: expected 5 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      for (size_t c = 0; c < 4; ++c) {
        if (!rs_.Get(r, c).has_value()) {
          return absl::InvalidArgumentError(
              Cat("column ", rs_.columns()[c], ": converting NULL to string is unsupported"));
        }
      }
      const std::string_view name = rs_.Text(r, 0), subsystem = rs_.Text(r, 1),
                             type = rs_.Text(r, 2), comment = rs_.Text(r, 3);
      double v;
      if (absl::Status s = ScanFloat(rs_, r, 4, &v); !s.ok()) return s;
      Emit(name, subsystem, type, comment, v);
    }
    return absl::OkStatus();
  }

 private:
  static bool CutPrefix(std::string_view s, std::string_view prefix, std::string_view* rest) {
    if (s.substr(0, prefix.size()) != prefix) return false;
    *rest = s.substr(prefix.size());
    return true;
  }

  void Emit(std::string_view name, std::string_view subsystem, std::string_view type,
            std::string_view comment, double v) {
    std::string_view rest;
    if (subsystem == "buffer_page_io") {
      // ^buffer_page_(read|written)_(.*)$; other names are skipped (upstream
      // logs a warning).
      if (CutPrefix(name, "buffer_page_read_", &rest)) {
        series_.Add(page_read_, {{"type", rest}}, v);
      } else if (CutPrefix(name, "buffer_page_written_", &rest)) {
        series_.Add(page_written_, {{"type", rest}}, v);
      }
      return;
    }
    if (subsystem == "buffer" && CutPrefix(name, "buffer_pool_pages_", &rest)) {
      if (rest == "total") return;  // the sum of the others
      if (rest == "dirty") {
        series_.Add(pool_dirty_, v);
      } else {
        series_.Add(pool_pages_, {{"state", rest}}, v);
      }
      return;
    }
    // "counter" and "status_counter" are counters unless negative
    // (http://bugs.mysql.com/bug.php?id=75966).
    const bool counter = (type == "counter" || type == "status_counter") && v >= 0;
    key_.clear();
    key_.append("mysql_info_schema_innodb_metrics_");
    key_.append(subsystem);
    key_.push_back('_');
    key_.append(name);
    if (counter) key_.append("_total");
    const MetricFamily& f = dynamic_.Get(key_, [&](std::string_view n) {
      return MetricFamily{std::string(n), counter ? MetricType::kCounter : MetricType::kGauge,
                          std::string(comment), ""};
    });
    series_.Add(f, v);
  }

  MetricFamily page_read_, page_written_, pool_pages_, pool_dirty_;
  DynamicFamilies dynamic_;
  std::string key_;
};

}  // namespace

CollectorOr NewInnodbMetricsCollector(const Options&) {
  return std::make_unique<InnodbMetricsCollector>();
}

}  // namespace outpost::integrations::mysqld
