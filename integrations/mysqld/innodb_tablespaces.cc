// info_schema.innodb_tablespaces: space id (with file format, row format
// and space type labels) and file sizes per tablespace from
// information_schema.INNODB_SYS_TABLESPACES or INNODB_TABLESPACES
// (mysqld_exporter collector/info_schema_innodb_sys_tablespaces.go).
#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class InnodbTablespacesCollector final : public Collector {
 public:
  InnodbTablespacesCollector() {
    info_ = {"mysql_info_schema_innodb_tablespace_space_info", MetricType::kGauge,
             "The Tablespace information and Space ID.", ""};
    file_ = {"mysql_info_schema_innodb_tablespace_file_size_bytes", MetricType::kGauge,
             "The apparent size of the file, which represents the maximum size of the file, "
             "uncompressed.",
             ""};
    allocated_ = {"mysql_info_schema_innodb_tablespace_allocated_size_bytes", MetricType::kGauge,
                  "The actual size of the file, which is the amount of space allocated on disk.",
                  ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT table_name FROM information_schema.tables WHERE table_name = "
        "'INNODB_SYS_TABLESPACES' OR table_name = 'INNODB_TABLESPACES'",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_rows() == 0 || rs_.num_columns() == 0) {
      return absl::NotFoundError("sql: no rows in result set");
    }
    std::string_view name;
    if (st = ScanString(rs_, 0, 0, &name); !st.ok()) return st;
    if (name != "INNODB_SYS_TABLESPACES" && name != "INNODB_TABLESPACES") {
      return absl::NotFoundError(
          "Couldn't find INNODB_SYS_TABLESPACES or INNODB_TABLESPACES in information_schema.");
    }
    const std::string table(name);
    st = q.Query(Cat("SELECT SPACE, NAME, ifnull((SELECT column_name FROM "
                     "information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' AND "
                     "TABLE_NAME = '",
                     table,
                     "' AND COLUMN_NAME = 'FILE_FORMAT' LIMIT 1), 'NONE') as FILE_FORMAT, "
                     "ifnull(ROW_FORMAT, 'NONE') as ROW_FORMAT, ifnull(SPACE_TYPE, 'NONE') as "
                     "SPACE_TYPE, FILE_SIZE, ALLOCATED_SIZE FROM information_schema.`",
                     table, "`"),
                 &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 7) return absl::InternalError("tablespaces: expected 7 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      double space, file_size, allocated;
      std::string_view ts_name, file_format, row_format, space_type;
      if (st = ScanUint32(rs_, r, 0, &space); !st.ok()) return st;
      if (st = ScanString(rs_, r, 1, &ts_name); !st.ok()) return st;
      if (st = ScanString(rs_, r, 2, &file_format); !st.ok()) return st;
      if (st = ScanString(rs_, r, 3, &row_format); !st.ok()) return st;
      if (st = ScanString(rs_, r, 4, &space_type); !st.ok()) return st;
      if (st = ScanUint(rs_, r, 5, &file_size); !st.ok()) return st;
      if (st = ScanUint(rs_, r, 6, &allocated); !st.ok()) return st;
      series_.Add(info_,
                  {{"tablespace_name", ts_name},
                   {"file_format", file_format},
                   {"row_format", row_format},
                   {"space_type", space_type}},
                  space);
      series_.Add(file_, {{"tablespace_name", ts_name}}, file_size);
      series_.Add(allocated_, {{"tablespace_name", ts_name}}, allocated);
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily info_, file_, allocated_;
};

}  // namespace

CollectorOr NewInnodbTablespacesCollector(const Options&) {
  return std::make_unique<InnodbTablespacesCollector>();
}

}  // namespace outpost::integrations::mysqld
