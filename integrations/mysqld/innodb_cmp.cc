// info_schema.innodb_cmp: information_schema.innodb_cmp per page size
// (mysqld_exporter collector/info_schema_innodb_cmp.go).
#include <array>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {

absl::Status ScanFloat(const ResultSet& rs, size_t row, size_t col, double* out) {
  const ResultSet::Cell c = rs.Get(row, col);
  if (!c.has_value()) {
    return absl::InvalidArgumentError(
        Cat("column ", rs.columns()[col], ": converting NULL to float64 is unsupported"));
  }
  if (!ParseGoFloat(*c, out)) {
    return absl::InvalidArgumentError(
        Cat("column ", rs.columns()[col], ": cannot parse \"", *c, "\" as float64"));
  }
  return absl::OkStatus();
}

namespace {

class InnodbCmpCollector final : public Collector {
 public:
  InnodbCmpCollector() {
    f_[0] = {"mysql_info_schema_innodb_cmp_compress_ops_total", MetricType::kCounter,
             "Number of times a B-tree page of the size PAGE_SIZE has been compressed.", ""};
    f_[1] = {"mysql_info_schema_innodb_cmp_compress_ops_ok_total", MetricType::kCounter,
             "Number of times a B-tree page of the size PAGE_SIZE has been successfully "
             "compressed.",
             ""};
    f_[2] = {"mysql_info_schema_innodb_cmp_compress_time_seconds_total", MetricType::kCounter,
             "Total time in seconds spent in attempts to compress B-tree pages.", ""};
    f_[3] = {"mysql_info_schema_innodb_cmp_uncompress_ops_total", MetricType::kCounter,
             "Number of times a B-tree page of the size PAGE_SIZE has been uncompressed.", ""};
    f_[4] = {"mysql_info_schema_innodb_cmp_uncompress_time_seconds_total", MetricType::kCounter,
             "Total time in seconds spent in uncompressing B-tree pages.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT page_size, compress_ops, compress_ops_ok, compress_time, uncompress_ops, "
        "uncompress_time FROM information_schema.innodb_cmp",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 6) return absl::InternalError("innodb_cmp: expected 6 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::array<double, 5> v;
      const ResultSet::Cell page = rs_.Get(r, 0);
      if (!page.has_value()) return absl::InvalidArgumentError("page_size is NULL");
      for (size_t c = 0; c < 5; ++c) {
        if (absl::Status s = ScanFloat(rs_, r, c + 1, &v[c]); !s.ok()) return s;
      }
      for (size_t c = 0; c < 5; ++c) series_.Add(f_[c], {{"page_size", *page}}, v[c]);
    }
    return absl::OkStatus();
  }

 private:
  std::array<MetricFamily, 5> f_;
};

class InnodbCmpMemCollector final : public Collector {
 public:
  InnodbCmpMemCollector() {
    f_[0] = {"mysql_info_schema_innodb_cmpmem_pages_used_total", MetricType::kCounter,
             "Number of blocks of the size PAGE_SIZE that are currently in use.", ""};
    f_[1] = {"mysql_info_schema_innodb_cmpmem_pages_free_total", MetricType::kCounter,
             "Number of blocks of the size PAGE_SIZE that are currently available for "
             "allocation.",
             ""};
    f_[2] = {"mysql_info_schema_innodb_cmpmem_relocation_ops_total", MetricType::kCounter,
             "Number of times a block of the size PAGE_SIZE has been relocated.", ""};
    f_[3] = {"mysql_info_schema_innodb_cmpmem_relocation_time_seconds_total",
             MetricType::kCounter, "Total time in seconds spent in relocating blocks.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT page_size, buffer_pool_instance, pages_used, pages_free, relocation_ops, "
        "relocation_time FROM information_schema.innodb_cmpmem",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 6) return absl::InternalError("innodb_cmpmem: expected 6 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::array<double, 4> v;
      const ResultSet::Cell page = rs_.Get(r, 0), pool = rs_.Get(r, 1);
      if (!page.has_value() || !pool.has_value()) {
        return absl::InvalidArgumentError("page_size or buffer_pool_instance is NULL");
      }
      for (size_t c = 0; c < 4; ++c) {
        if (absl::Status s = ScanFloat(rs_, r, c + 2, &v[c]); !s.ok()) return s;
      }
      v[3] /= 1000;  // relocation_time is in milliseconds
      for (size_t c = 0; c < 4; ++c) {
        series_.Add(f_[c], {{"page_size", *page}, {"buffer_pool", *pool}}, v[c]);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::array<MetricFamily, 4> f_;
};

}  // namespace

CollectorOr NewInnodbCmpCollector(const Options&) { return std::make_unique<InnodbCmpCollector>(); }
CollectorOr NewInnodbCmpMemCollector(const Options&) {
  return std::make_unique<InnodbCmpMemCollector>();
}

}  // namespace outpost::integrations::mysqld
