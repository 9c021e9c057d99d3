// slave_hosts: one mysql_heartbeat_mysql_slave_hosts_info per replica
// registered with this source (SHOW SLAVE HOSTS), upstream's name included
// (mysqld_exporter collector/slave_hosts.go).
#include <cctype>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {

bool IsGoUuid(std::string_view s) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  if (s.size() == 32) {
    for (char c : s) {
      if (!hex(c)) return false;
    }
    return true;
  }
  if (s.size() == 36 + 9) {
    // "urn:uuid:" in any case (google/uuid uses strings.EqualFold).
    constexpr std::string_view kUrn = "urn:uuid:";
    for (size_t i = 0; i < kUrn.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(s[i])) != kUrn[i]) return false;
    }
    s.remove_prefix(9);
  } else if (s.size() == 36 + 2) {
    if (s.front() != '{' || s.back() != '}') return false;
    s = s.substr(1, 36);
  } else if (s.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !hex(s[i])) return false;
  }
  return true;
}

namespace {

class SlaveHostsCollector final : public Collector {
 public:
  SlaveHostsCollector() {
    info_ = {"mysql_heartbeat_mysql_slave_hosts_info", MetricType::kGauge,
             "Information about running slaves", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query("SHOW SLAVE HOSTS", &rs_);
    if (!st.ok()) return st;
    const size_t cols = rs_.num_columns();
    if (rs_.num_rows() > 0 && cols != 4 && cols != 5) {
      return absl::InvalidArgumentError(
          Cat("sql: expected ", cols, " destination arguments in Scan, not ", cols == 5 ? 5 : 4));
    }
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view server_id, host, port, rrr_or_master, uuid_or_master;
      if (st = ScanString(rs_, r, 0, &server_id); !st.ok()) return st;
      if (st = ScanString(rs_, r, 1, &host); !st.ok()) return st;
      if (st = ScanString(rs_, r, 2, &port); !st.ok()) return st;
      if (st = ScanString(rs_, r, 3, &rrr_or_master); !st.ok()) return st;
      std::string_view master_id = rrr_or_master, slave_uuid;
      if (cols == 5) {
        if (st = ScanString(rs_, r, 4, &uuid_or_master); !st.ok()) return st;
        if (IsGoUuid(uuid_or_master)) {
          slave_uuid = uuid_or_master;
        } else {
          master_id = uuid_or_master;
        }
      }
      series_.Add(info_,
                  {{"server_id", server_id},
                   {"slave_host", host},
                   {"port", port},
                   {"master_id", master_id},
                   {"slave_uuid", slave_uuid}},
                  1);
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily info_;
};

}  // namespace

CollectorOr NewSlaveHostsCollector(const Options&) {
  return std::make_unique<SlaveHostsCollector>();
}

}  // namespace outpost::integrations::mysqld
