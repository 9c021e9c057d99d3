// database: pg_database_size_bytes{datname} for every database but the
// excluded ones (collector/pg_database.go).
//
// Upstream lists pg_database, drops NULL and excluded names, then runs
// SELECT pg_database_size($1) once per database. outpost asks for the
// names and sizes in one query with the exclusions in its WHERE clause:
// the same sizes (NULL → 0) from one round trip instead of N+1. The one
// difference: when a size fails (no CONNECT privilege), upstream keeps the
// sizes it read before that database; outpost has none. Both report
// pg_scrape_collector_success 0.
#include "integrations/common/text.h"
#include "integrations/postgres/collector.h"

namespace outpost::integrations::postgres {
namespace {

// `s` as an E'' string literal (backslash and quote escaped), which means
// the same whatever standard_conforming_strings is.
void AppendLiteral(std::string_view s, std::string* out) {
  out->append("E'");
  for (char c : s) {
    if (c == '\'' || c == '\\') out->push_back(c);
    out->push_back(c);
  }
  out->push_back('\'');
}

class DatabaseCollector final : public Collector {
 public:
  explicit DatabaseCollector(const CollectorConfig& c) {
    size_ = {"pg_database_size_bytes", MetricType::kGauge, "Disk space used by the database", ""};
    query_ = "SELECT datname, pg_database_size(datname) FROM pg_database";
    bool first = true;
    for (const std::string& name : c.exclude_databases) {
      // A name with a NUL byte names no database (and would cut the query).
      if (name.find('\0') != std::string::npos) continue;
      query_.append(first ? " WHERE datname NOT IN (" : ", ");
      AppendLiteral(name, &query_);
      first = false;
    }
    if (!first) query_.push_back(')');
  }

  absl::Status Update(Querier& q, const ServerVersion&, SeriesCache& out) override {
    if (absl::Status st = q.Query(query_, &rs_); !st.ok()) return st;
    if (absl::Status st = CheckColumns(rs_, 2); !st.ok()) return st;
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      const ResultSet::Cell datname = rs_.Get(r, 0);
      if (!datname.has_value()) continue;
      std::optional<double> size;
      if (absl::Status st = ScanNull(rs_, r, 1, ScanKind::kFloat64, &size); !st.ok()) return st;
      out.Add(size_, {{"datname", *datname}}, size.value_or(0));
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily size_;
  std::string query_;
};

}  // namespace

std::unique_ptr<Collector> NewDatabaseCollector(const CollectorConfig& c) {
  return std::make_unique<DatabaseCollector>(c);
}

}  // namespace outpost::integrations::postgres
