// binlog_size: size, count and last number of the registered binary logs
// (SHOW BINARY LOGS) when log_bin is on (mysqld_exporter collector/binlog.go).
#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class BinlogSizeCollector final : public Collector {
 public:
  BinlogSizeCollector() {
    size_ = {"mysql_binlog_size_bytes", MetricType::kGauge,
             "Combined size of all registered binlog files.", ""};
    files_ = {"mysql_binlog_files", MetricType::kGauge, "Number of registered binlog files.", ""};
    number_ = {"mysql_binlog_file_number", MetricType::kGauge, "The last binlog file number.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query("SELECT @@log_bin", &rs_);
    if (!st.ok()) return st;
    if (rs_.num_rows() == 0 || rs_.num_columns() == 0) {
      return absl::NotFoundError("SELECT @@log_bin: no rows in result set");
    }
    double log_bin;
    if (st = ScanUint(rs_, 0, 0, &log_bin); !st.ok()) return st;
    if (log_bin > 255) return absl::InvalidArgumentError("@@log_bin: value out of range");
    if (log_bin == 0) return absl::OkStatus();

    if (st = q.Query("SHOW BINARY LOGS", &rs_); !st.ok()) return st;
    const size_t cols = rs_.num_columns();
    if (cols != 2 && cols != 3) {
      return absl::InvalidArgumentError(Cat("invalid number of columns: ", cols));
    }
    double size = 0, count = 0;
    std::string_view filename;
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      double file_size;
      // Upstream gives up without an error (and without samples) on a row
      // that does not scan.
      if (!ScanString(rs_, r, 0, &filename).ok() || !ScanUint(rs_, r, 1, &file_size).ok() ||
          (cols == 3 && !rs_.Get(r, 2).has_value())) {
        return absl::OkStatus();
      }
      size += file_size;
      ++count;
    }
    series_.Add(size_, size);
    series_.Add(files_, count);
    // strings.Split(filename, ".")[1] as a float, 0 when it does not parse
    // (upstream panics when the name has no '.'; outpost reports 0).
    double number = 0;
    if (const size_t dot = filename.find('.'); dot != std::string_view::npos) {
      std::string_view part = filename.substr(dot + 1);
      part = part.substr(0, part.find('.'));
      if (!ParseGoFloat(part, &number)) number = 0;
    }
    series_.Add(number_, number);
    return absl::OkStatus();
  }

 private:
  MetricFamily size_, files_, number_;
};

}  // namespace

CollectorOr NewBinlogSizeCollector(const Options&) {
  return std::make_unique<BinlogSizeCollector>();
}

}  // namespace outpost::integrations::mysqld
