// heartbeat: the timestamp pt-heartbeat stores in
// `heartbeat_database`.`heartbeat_table` and the server's own clock
// (NOW(6), or UTC_TIMESTAMP(6) with heartbeat_utc), per server_id
// (mysqld_exporter collector/heartbeat.go).
#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class HeartbeatCollector final : public Collector {
 public:
  explicit HeartbeatCollector(const Options& o) {
    stored_ = {"mysql_heartbeat_stored_timestamp_seconds", MetricType::kGauge,
               "Timestamp stored in the heartbeat table.", ""};
    now_ = {"mysql_heartbeat_now_timestamp_seconds", MetricType::kGauge,
            "Timestamp of the current server.", ""};
    // Names are interpolated as upstream does (backquoted, not escaped).
    query_ = Cat("SELECT UNIX_TIMESTAMP(ts), UNIX_TIMESTAMP(",
                 o.heartbeat_utc ? "UTC_TIMESTAMP(6)" : "NOW(6)", "), server_id from `",
                 o.heartbeat_database, "`.`", o.heartbeat_table, "`");
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(query_, &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 3) return absl::InternalError("heartbeat: expected 3 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      double server_id, ts, now;
      if (st = ScanInt(rs_, r, 2, &server_id); !st.ok()) return st;
      // RawBytes: NULL reads as "", which does not parse.
      if (!ParseGoFloat(rs_.Text(r, 0), &ts)) {
        return absl::InvalidArgumentError(
            Cat("strconv.ParseFloat: parsing \"", rs_.Text(r, 0), "\": invalid syntax"));
      }
      if (!ParseGoFloat(rs_.Text(r, 1), &now)) {
        return absl::InvalidArgumentError(
            Cat("strconv.ParseFloat: parsing \"", rs_.Text(r, 1), "\": invalid syntax"));
      }
      const std::string id = Cat(static_cast<int64_t>(server_id));
      series_.Add(now_, {{"server_id", id}}, now);
      series_.Add(stored_, {{"server_id", id}}, ts);
    }
    return absl::OkStatus();
  }

 private:
  std::string query_;
  MetricFamily stored_, now_;
};

}  // namespace

CollectorOr NewHeartbeatCollector(const Options& o) {
  return std::make_unique<HeartbeatCollector>(o);
}

}  // namespace outpost::integrations::mysqld
