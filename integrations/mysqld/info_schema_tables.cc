// info_schema.tables: version, rows and sizes of each table from
// information_schema.tables, for every non-system schema or the
// comma-separated info_schema_tables_databases (mysqld_exporter collector/
// info_schema_tables.go).
#include <array>
#include <vector>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class InfoSchemaTablesCollector final : public Collector {
 public:
  explicit InfoSchemaTablesCollector(const Options& o)
      : databases_(o.info_schema_tables_databases) {
    version_ = {"mysql_info_schema_table_version", MetricType::kGauge,
                "The version number of the table's .frm file", ""};
    rows_ = {"mysql_info_schema_table_rows", MetricType::kGauge,
             "The estimated number of rows in the table from information_schema.tables", ""};
    size_ = {"mysql_info_schema_table_size", MetricType::kGauge,
             "The size of the table components from information_schema.tables", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    std::vector<std::string> dbs;
    if (databases_ == "*") {
      absl::Status st = q.Query(
          "SELECT SCHEMA_NAME FROM information_schema.schemata WHERE SCHEMA_NAME NOT IN "
          "('mysql', 'performance_schema', 'information_schema')",
          &rs_);
      if (!st.ok()) return st;
      for (size_t r = 0; r < rs_.num_rows(); ++r) {
        std::string_view db;
        if (st = ScanString(rs_, r, 0, &db); !st.ok()) return st;
        dbs.emplace_back(db);
      }
    } else {
      // strings.Split: "" is one empty name, as upstream.
      std::string_view rest = databases_;
      for (size_t p; (p = rest.find(',')) != std::string_view::npos; rest.remove_prefix(p + 1)) {
        dbs.emplace_back(rest.substr(0, p));
      }
      dbs.emplace_back(rest);
    }
    for (const std::string& db : dbs) {
      absl::Status st = q.Query(
          Cat("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ifnull(ENGINE, 'NONE') as ENGINE, "
              "ifnull(VERSION, '0') as VERSION, ifnull(ROW_FORMAT, 'NONE') as ROW_FORMAT, "
              "ifnull(TABLE_ROWS, '0') as TABLE_ROWS, ifnull(DATA_LENGTH, '0') as DATA_LENGTH, "
              "ifnull(INDEX_LENGTH, '0') as INDEX_LENGTH, ifnull(DATA_FREE, '0') as DATA_FREE, "
              "ifnull(CREATE_OPTIONS, 'NONE') as CREATE_OPTIONS FROM information_schema.tables "
              "WHERE TABLE_SCHEMA = ",
              SqlQuote(db)),
          &rs_);
      if (!st.ok()) return st;
      if (rs_.num_columns() != 11) return absl::InternalError("tables: expected 11 columns");
      for (size_t r = 0; r < rs_.num_rows(); ++r) {
        std::array<std::string_view, 6> text;  // schema, table, type, engine, row_format, options
        std::array<double, 5> v;               // version, rows, data, index, free
        static constexpr std::array<size_t, 6> kTextCols = {0, 1, 2, 3, 5, 10};
        static constexpr std::array<size_t, 5> kNumCols = {4, 6, 7, 8, 9};
        for (size_t i = 0; i < kTextCols.size(); ++i) {
          if (st = ScanString(rs_, r, kTextCols[i], &text[i]); !st.ok()) return st;
        }
        for (size_t i = 0; i < kNumCols.size(); ++i) {
          if (st = ScanUint(rs_, r, kNumCols[i], &v[i]); !st.ok()) return st;
        }
        series_.Add(version_,
                    {{"schema", text[0]},
                     {"table", text[1]},
                     {"type", text[2]},
                     {"engine", text[3]},
                     {"row_format", text[4]},
                     {"create_options", text[5]}},
                    v[0]);
        series_.Add(rows_, {{"schema", text[0]}, {"table", text[1]}}, v[1]);
        series_.Add(size_, {{"schema", text[0]}, {"table", text[1]}, {"component", "data_length"}},
                    v[2]);
        series_.Add(size_, {{"schema", text[0]}, {"table", text[1]}, {"component", "index_length"}},
                    v[3]);
        series_.Add(size_, {{"schema", text[0]}, {"table", text[1]}, {"component", "data_free"}},
                    v[4]);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string databases_;
  MetricFamily version_, rows_, size_;
};

}  // namespace

CollectorOr NewInfoSchemaTablesCollector(const Options& o) {
  return std::make_unique<InfoSchemaTablesCollector>(o);
}

}  // namespace outpost::integrations::mysqld
