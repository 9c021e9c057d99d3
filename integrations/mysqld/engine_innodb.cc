// engine_innodb_status: queries inside InnoDB, queued, and read views, from
// the text of SHOW ENGINE INNODB STATUS (mysqld_exporter collector/
// engine_innodb.go).
#include "integrations/mysqld/collectors.h"
#include "re2/re2.h"

namespace outpost::integrations::mysqld {
namespace {

class EngineInnodbStatusCollector final : public Collector {
 public:
  EngineInnodbStatusCollector()
      : queries_re_(R"((\d+) queries inside InnoDB, (\d+) queries in queue)"),
        views_re_(R"((\d+) read views open inside InnoDB)") {
    inside_ = {"mysql_engine_innodb_queries_inside_innodb", MetricType::kGauge,
               "Queries inside InnoDB.", ""};
    queue_ = {"mysql_engine_innodb_queries_in_queue", MetricType::kGauge, "Queries in queue.", ""};
    views_ = {"mysql_engine_innodb_read_views_open_inside_innodb", MetricType::kGauge,
              "Read views open inside InnoDB.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query("SHOW ENGINE INNODB STATUS", &rs_);
    if (!st.ok()) return st;
    std::string_view status;
    if (rs_.num_rows() > 0) {
      if (rs_.num_columns() != 3) return absl::InternalError("innodb status: expected 3 columns");
      std::string_view type, name;
      if (st = ScanString(rs_, 0, 0, &type); !st.ok()) return st;
      if (st = ScanString(rs_, 0, 1, &name); !st.ok()) return st;
      if (st = ScanString(rs_, 0, 2, &status); !st.ok()) return st;
    }
    while (!status.empty()) {
      const size_t nl = status.find('\n');
      const std::string_view line = status.substr(0, nl);
      status.remove_prefix(nl == std::string_view::npos ? status.size() : nl + 1);
      std::string a, b;
      if (RE2::PartialMatch(line, queries_re_, &a, &b)) {
        double v = 0;
        series_.Add(inside_, ParseGoFloat(a, &v) ? v : 0);
        series_.Add(queue_, ParseGoFloat(b, &v) ? v : 0);
      } else if (RE2::PartialMatch(line, views_re_, &a)) {
        double v = 0;
        series_.Add(views_, ParseGoFloat(a, &v) ? v : 0);
      }
    }
    return absl::OkStatus();
  }

 private:
  const RE2 queries_re_, views_re_;
  MetricFamily inside_, queue_, views_;
};

}  // namespace

CollectorOr NewEngineInnodbStatusCollector(const Options&) {
  return std::make_unique<EngineInnodbStatusCollector>();
}

}  // namespace outpost::integrations::mysqld
