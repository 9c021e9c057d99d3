// perf_schema.replication_group_members and
// perf_schema.replication_group_member_stats: MySQL group replication
// members (every column as a label of one info gauge) and this member's
// certification/applier counters (mysqld_exporter collector/
// perf_schema_replication_group_members.go,
// perf_schema_replication_group_member_stats.go).
#include <cctype>
#include <vector>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class PerfReplicationGroupMembersCollector final : public Collector {
 public:
  PerfReplicationGroupMembersCollector() {
    info_ = {"mysql_perf_schema_replication_group_member_info", MetricType::kGauge,
             "Information about the replication group member: channel_name, member_id, "
             "member_host, member_port, member_state. (member_role and member_version where "
             "available)",
             ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query("SELECT * FROM performance_schema.replication_group_members", &rs_);
    if (!st.ok()) return st;
    names_.resize(rs_.num_columns());
    for (size_t c = 0; c < rs_.num_columns(); ++c) {
      names_[c] = rs_.columns()[c];
      for (char& ch : names_[c])
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    std::vector<std::string_view> names(names_.begin(), names_.end()), values(names_.size());
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      for (size_t c = 0; c < rs_.num_columns(); ++c) values[c] = rs_.Text(r, c);  // RawBytes
      series_.Add(info_, names, values, 1);
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily info_;
  std::vector<std::string> names_;
};

struct StatColumn {
  std::string_view column, name;  // name without "mysql_perf_schema_"
  MetricType type;
  std::string_view help;
};
constexpr StatColumn kMemberStats[] = {
    {"COUNT_TRANSACTIONS_IN_QUEUE", "transactions_in_queue", MetricType::kGauge,
     "The number of transactions in the queue pending conflict detection checks."},
    {"COUNT_TRANSACTIONS_CHECKED", "transactions_checked_total", MetricType::kCounter,
     "The number of transactions that have been checked for conflicts."},
    {"COUNT_CONFLICTS_DETECTED", "conflicts_detected_total", MetricType::kCounter,
     "The number of transactions that have not passed the conflict detection check."},
    {"COUNT_TRANSACTIONS_ROWS_VALIDATING", "transactions_rows_validating_total",
     MetricType::kCounter,
     "Number of transaction rows which can be used for certification, but have not been garbage "
     "collected."},
    {"COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE", "transactions_remote_in_applier_queue",
     MetricType::kGauge,
     "The number of transactions that this member has received from the replication group which "
     "are waiting to be applied."},
    {"COUNT_TRANSACTIONS_REMOTE_APPLIED", "transactions_remote_applied_total", MetricType::kCounter,
     "Number of transactions this member has received from the group and applied."},
    {"COUNT_TRANSACTIONS_LOCAL_PROPOSED", "transactions_local_proposed_total", MetricType::kCounter,
     "Number of transactions which originated on this member and were sent to the group."},
    {"COUNT_TRANSACTIONS_LOCAL_ROLLBACK", "transactions_local_rollback_total", MetricType::kCounter,
     "Number of transactions which originated on this member and were rolled back by the group."},
};

class PerfReplicationGroupMemberStatsCollector final : public Collector {
 public:
  PerfReplicationGroupMemberStatsCollector() {
    for (const StatColumn& c : kMemberStats) {
      known_.push_back({std::string(c.column),
                        {Cat("mysql_perf_schema_", c.name), c.type, std::string(c.help), ""}});
    }
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT * FROM performance_schema.replication_group_member_stats WHERE "
        "MEMBER_ID=@@server_uuid",
        &rs_);
    if (!st.ok()) return st;
    families_.assign(rs_.num_columns(), nullptr);
    for (size_t c = 0; c < rs_.num_columns(); ++c) {
      for (const auto& [col, family] : known_) {
        if (col == rs_.columns()[c]) families_[c] = &family;
      }
    }
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      for (size_t c = 0; c < rs_.num_columns(); ++c) {
        if (families_[c] == nullptr) continue;
        double v;
        if (!ParseGoFloat(rs_.Text(r, c), &v)) {
          return absl::InvalidArgumentError(
              Cat("strconv.ParseFloat: parsing \"", rs_.Text(r, c), "\": invalid syntax"));
        }
        series_.Add(*families_[c], v);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::vector<std::pair<std::string, MetricFamily>> known_;
  std::vector<const MetricFamily*> families_;
};

}  // namespace

CollectorOr NewPerfReplicationGroupMembersCollector(const Options&) {
  return std::make_unique<PerfReplicationGroupMembersCollector>();
}
CollectorOr NewPerfReplicationGroupMemberStatsCollector(const Options&) {
  return std::make_unique<PerfReplicationGroupMemberStatsCollector>();
}

}  // namespace outpost::integrations::mysqld
