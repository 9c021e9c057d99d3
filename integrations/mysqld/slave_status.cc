// slave_status: SHOW [ALL] SLAVE[S] STATUS (mysqld_exporter collector/
// slave_status.go): every parsable column as untyped
// mysql_slave_status_<lower-cased column>, labelled by master and channel.
#include <array>
#include <cctype>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class SlaveStatusCollector final : public Collector {
 protected:
  absl::Status Scrape(Querier& q) override {
    // MariaDB first (all connections), then MySQL/Percona, each with the
    // lock-free suffixes tried in upstream's order and with upstream's
    // control flow (a suffixed success still moves on to the next query).
    static constexpr std::array<std::string_view, 2> kQueries = {"SHOW ALL SLAVES STATUS",
                                                                 "SHOW SLAVE STATUS"};
    static constexpr std::array<std::string_view, 3> kSuffixes = {" NONBLOCKING", " NOLOCK", ""};
    absl::Status st;
    for (std::string_view query : kQueries) {
      st = q.Query(query, &rs_);
      if (st.ok()) break;
      for (std::string_view suffix : kSuffixes) {
        st = q.Query(Cat(query, suffix), &rs_);
        if (st.ok()) break;
      }
    }
    if (!st.ok()) return st;

    const int host_col = rs_.ColumnIndex("Master_Host");
    const int uuid_col = rs_.ColumnIndex("Master_UUID");
    const int channel_col = rs_.ColumnIndex("Channel_Name");
    const int conn_col = rs_.ColumnIndex("Connection_name");
    auto text = [&](size_t r, int c) { return c < 0 ? std::string_view{} : rs_.Text(r, c); };
    if (families_.size() != rs_.num_columns()) families_.assign(rs_.num_columns(), nullptr);
    for (size_t c = 0; c < rs_.num_columns(); ++c) {
      std::string name = Cat("mysql_slave_status_", rs_.columns()[c]);
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      families_[c] = &dynamic_.Get(name, [](std::string_view n) {
        return MetricFamily{std::string(n), MetricType::kUnknown,
                            "Generic metric from SHOW SLAVE STATUS.", ""};
      });
    }
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      for (size_t c = 0; c < rs_.num_columns(); ++c) {
        double v;
        const ResultSet::Cell cell = rs_.Get(r, c);
        if (!cell.has_value() || !ParseStatus(*cell, &v)) continue;
        series_.Add(*families_[c],
                    {{"master_host", text(r, host_col)},
                     {"master_uuid", text(r, uuid_col)},
                     {"channel_name", text(r, channel_col)},
                     {"connection_name", text(r, conn_col)}},
                    v);
      }
    }
    return absl::OkStatus();
  }

 private:
  DynamicFamilies dynamic_;
  std::vector<const MetricFamily*> families_;
};

}  // namespace

CollectorOr NewSlaveStatusCollector(const Options&) {
  return std::make_unique<SlaveStatusCollector>();
}

}  // namespace outpost::integrations::mysqld
