// auto_increment.columns: the current value and the type's maximum of every
// auto_increment column (information_schema.tables joined with columns)
// (mysqld_exporter collector/info_schema_auto_increment.go).
#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class AutoIncrementColumnsCollector final : public Collector {
 public:
  AutoIncrementColumnsCollector() {
    value_ = {"mysql_info_schema_auto_increment_column", MetricType::kGauge,
              "The current value of an auto_increment column from information_schema.", ""};
    max_ = {"mysql_info_schema_auto_increment_column_max", MetricType::kGauge,
            "The max value of an auto_increment column from information_schema.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT table_schema, table_name, column_name, auto_increment, pow(2, case data_type "
        "when 'tinyint' then 7 when 'smallint' then 15 when 'mediumint' then 23 when 'int' then "
        "31 when 'bigint' then 63 end+(column_type like '% unsigned'))-1 as max_int FROM "
        "information_schema.tables t JOIN information_schema.columns c USING "
        "(table_schema,table_name) WHERE c.extra = 'auto_increment' AND t.auto_increment IS "
        "NOT NULL",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 5) return absl::InternalError("auto_increment: expected 5 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view schema, table, column;
      double value, max;
      if (st = ScanString(rs_, r, 0, &schema); !st.ok()) return st;
      if (st = ScanString(rs_, r, 1, &table); !st.ok()) return st;
      if (st = ScanString(rs_, r, 2, &column); !st.ok()) return st;
      if (st = ScanFloat(rs_, r, 3, &value); !st.ok()) return st;
      if (st = ScanFloat(rs_, r, 4, &max); !st.ok()) return st;
      series_.Add(value_, {{"schema", schema}, {"table", table}, {"column", column}}, value);
      series_.Add(max_, {{"schema", schema}, {"table", table}, {"column", column}}, max);
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily value_, max_;
};

}  // namespace

CollectorOr NewAutoIncrementColumnsCollector(const Options&) {
  return std::make_unique<AutoIncrementColumnsCollector>();
}

}  // namespace outpost::integrations::mysqld
