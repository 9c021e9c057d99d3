// mysql.user: per-account resource limits from mysql.user and, with
// mysql_user_privileges, every Y/N column as a 1/0 gauge
// mysql_mysql_<lower-cased column> (mysqld_exporter collector/
// mysql_user.go).
#include <array>
#include <cctype>
#include <vector>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class MysqlUserCollector final : public Collector {
 public:
  explicit MysqlUserCollector(const Options& o) : privileges_(o.mysql_user_privileges) {
    static constexpr std::array<std::string_view, 4> kLimits = {
        "max_questions", "max_updates", "max_connections", "max_user_connections"};
    for (size_t i = 0; i < kLimits.size(); ++i) {
      limits_[i] = {Cat("mysql_mysql_", kLimits[i]), MetricType::kGauge,
                    Cat("The number of ", kLimits[i], " by user."), ""};
    }
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT user, host, Select_priv, Insert_priv, Update_priv, Delete_priv, Create_priv, "
        "Drop_priv, Reload_priv, Shutdown_priv, Process_priv, File_priv, Grant_priv, "
        "References_priv, Index_priv, Alter_priv, Show_db_priv, Super_priv, "
        "Create_tmp_table_priv, Lock_tables_priv, Execute_priv, Repl_slave_priv, "
        "Repl_client_priv, Create_view_priv, Show_view_priv, Create_routine_priv, "
        "Alter_routine_priv, Create_user_priv, Event_priv, Trigger_priv, "
        "Create_tablespace_priv, max_questions, max_updates, max_connections, "
        "max_user_connections FROM mysql.user",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 35) return absl::InternalError("mysql.user: expected 35 columns");
    if (privileges_ && columns_.empty()) {
      for (size_t c = 0; c < rs_.num_columns(); ++c) {
        const std::string& col = rs_.columns()[c];
        std::string lower = col;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        columns_.push_back(
            {Cat("mysql_mysql_", lower), MetricType::kGauge, Cat(col, " by user."), ""});
      }
    }
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view user, host;
      if (st = ScanString(rs_, r, 0, &user); !st.ok()) return st;
      if (st = ScanString(rs_, r, 1, &host); !st.ok()) return st;
      for (size_t c = 2; c < 31; ++c) {
        std::string_view ignored;
        if (st = ScanString(rs_, r, c, &ignored); !st.ok()) return st;
      }
      std::array<double, 4> v;
      for (size_t i = 0; i < v.size(); ++i) {
        if (st = ScanUint32(rs_, r, 31 + i, &v[i]); !st.ok()) return st;
      }
      if (privileges_) {
        // parsePrivilege: exactly "Y" or "N"; other values are skipped.
        for (size_t c = 0; c < rs_.num_columns() && c < columns_.size(); ++c) {
          const ResultSet::Cell cell = rs_.Get(r, c);
          if (cell != "Y" && cell != "N") continue;
          series_.Add(columns_[c], {{"mysql_user", user}, {"hostmask", host}}, cell == "Y" ? 1 : 0);
        }
      }
      for (size_t i = 0; i < v.size(); ++i) {
        series_.Add(limits_[i], {{"mysql_user", user}, {"hostmask", host}}, v[i]);
      }
    }
    return absl::OkStatus();
  }

 private:
  bool privileges_;
  std::array<MetricFamily, 4> limits_;
  std::vector<MetricFamily> columns_;  // one per result column (privileges only)
};

}  // namespace

CollectorOr NewMysqlUserCollector(const Options& o) {
  return std::make_unique<MysqlUserCollector>(o);
}

}  // namespace outpost::integrations::mysqld
