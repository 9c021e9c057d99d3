// info_schema.processlist: thread counts and seconds by command and state,
// and processes by user and by client host, from
// information_schema.processlist (mysqld_exporter collector/
// info_schema_processlist.go).
#include <cctype>
#include <cstdint>
#include <map>
#include <utility>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

// sanitizeState: "" → unknown, lower case, ";,:.()" removed, ' ' and '-'
// → '_'.
std::string SanitizeState(std::string_view s) {
  if (s.empty()) return "unknown";
  std::string out;
  for (char c : s) {
    switch (c) {
      case ';': case ',': case ':': case '.': case '(': case ')': break;
      case ' ': case '-': out.push_back('_'); break;
      default: out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

class ProcesslistCollector final : public Collector {
 public:
  explicit ProcesslistCollector(const Options& o)
      : min_time_(o.info_schema_processlist_min_time),
        by_user_(o.info_schema_processlist_processes_by_user),
        by_host_(o.info_schema_processlist_processes_by_host) {
    threads_ = {"mysql_info_schema_processlist_threads", MetricType::kGauge,
                "The number of threads split by current state.", ""};
    seconds_ = {"mysql_info_schema_processlist_seconds", MetricType::kGauge,
                "The number of seconds threads have used split by current state.", ""};
    by_user_f_ = {"mysql_info_schema_processlist_processes_by_user", MetricType::kGauge,
                  "The number of processes by user.", ""};
    by_host_f_ = {"mysql_info_schema_processlist_processes_by_host", MetricType::kGauge,
                  "The number of processes by host.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        Cat("SELECT user, SUBSTRING_INDEX(host, ':', 1) AS host, COALESCE(command, '') AS "
            "command, COALESCE(state, '') AS state, COUNT(*) AS processes, SUM(time) AS seconds "
            "FROM information_schema.processlist WHERE ID != connection_id() AND TIME >= ",
            min_time_, " GROUP BY user, SUBSTRING_INDEX(host, ':', 1), command, state"),
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 6) return absl::InternalError("processlist: expected 6 columns");
    std::map<std::pair<std::string, std::string>, std::pair<uint64_t, uint64_t>> states;
    std::map<std::string, uint64_t, std::less<>> hosts, users;
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      for (size_t c = 0; c < 6; ++c) {
        if (!rs_.Get(r, c).has_value()) {
          return absl::InvalidArgumentError(Cat("column ", rs_.columns()[c], " is NULL"));
        }
      }
      uint64_t count = 0, time = 0;
      if (!ParseUint(rs_.Text(r, 4), &count) || !ParseUint(rs_.Text(r, 5), &time)) {
        return absl::InvalidArgumentError("processlist: bad count or seconds");
      }
      std::string_view host = rs_.Text(r, 1);
      auto& s = states[{SanitizeState(rs_.Text(r, 2)), SanitizeState(rs_.Text(r, 3))}];
      // Upstream sums into uint32.
      s.first = static_cast<uint32_t>(s.first + count);
      s.second = static_cast<uint32_t>(s.second + time);
      auto& h = hosts[std::string(host.empty() ? "unknown" : host)];
      h = static_cast<uint32_t>(h + count);
      auto& u = users[std::string(rs_.Text(r, 0))];
      u = static_cast<uint32_t>(u + count);
    }
    for (const auto& [key, v] : states) {
      series_.Add(threads_, {{"command", key.first}, {"state", key.second}},
                  static_cast<double>(v.first));
      series_.Add(seconds_, {{"command", key.first}, {"state", key.second}},
                  static_cast<double>(v.second));
    }
    if (by_host_) {
      for (const auto& [host, n] : hosts) {
        series_.Add(by_host_f_, {{"client_host", host}}, static_cast<double>(n));
      }
    }
    if (by_user_) {
      for (const auto& [user, n] : users) {
        series_.Add(by_user_f_, {{"mysql_user", user}}, static_cast<double>(n));
      }
    }
    return absl::OkStatus();
  }

 private:
  int min_time_;
  bool by_user_, by_host_;
  MetricFamily threads_, seconds_, by_user_f_, by_host_f_;
};

}  // namespace

CollectorOr NewProcesslistCollector(const Options& o) {
  return std::make_unique<ProcesslistCollector>(o);
}

}  // namespace outpost::integrations::mysqld
