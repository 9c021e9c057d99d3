// engine_tokudb_status: every parsable value of SHOW ENGINE TOKUDB STATUS as
// untyped mysql_engine_tokudb_<sanitized key> (mysqld_exporter collector/
// engine_tokudb.go).
#include <cctype>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {

std::string SanitizeTokudbMetric(std::string_view key) {
  std::string out;
  for (char c : key) {
    switch (c) {
      case '>':
      case ',':
      case ':':
      case '(':
      case ')':
        break;
      case ' ':
      case '-':
        out.push_back('_');
        break;
      case '+':
      case '/':
        out += "and";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

namespace {

class EngineTokudbStatusCollector final : public Collector {
 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query("SHOW ENGINE TOKUDB STATUS", &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 3) return absl::InternalError("tokudb status: expected 3 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view type, key;
      if (st = ScanString(rs_, r, 0, &type); !st.ok()) return st;
      if (st = ScanString(rs_, r, 1, &key); !st.ok()) return st;
      double v;
      if (!ParseStatus(rs_.Text(r, 2), &v)) continue;
      std::string lower(key);
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const MetricFamily& f = families_.Get(lower, [](std::string_view k) {
        return MetricFamily{Cat("mysql_engine_tokudb_", SanitizeTokudbMetric(k)),
                            MetricType::kUnknown, "Generic metric from SHOW ENGINE TOKUDB STATUS.",
                            ""};
      });
      series_.Add(f, v);
    }
    return absl::OkStatus();
  }

 private:
  DynamicFamilies families_;
};

}  // namespace

CollectorOr NewEngineTokudbStatusCollector(const Options&) {
  return std::make_unique<EngineTokudbStatusCollector>();
}

}  // namespace outpost::integrations::mysqld
