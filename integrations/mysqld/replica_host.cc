// info_schema.replica_host: Aurora's information_schema.replica_host_status
// per server and role; silently nothing when the table does not exist
// (error 1109) (mysqld_exporter collector/info_schema_replica_host.go).
#include "absl/strings/match.h"
#include "core/base/absl_compat.h"
#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

class ReplicaHostCollector final : public Collector {
 public:
  ReplicaHostCollector() {
    cpu_ = {"mysql_info_schema_replica_host_cpu_percent", MetricType::kGauge,
            "The CPU usage as a percentage.", ""};
    latency_ = {"mysql_info_schema_replica_host_replica_latency_seconds", MetricType::kGauge,
                "The source-replica latency in seconds.", ""};
    lag_ = {"mysql_info_schema_replica_host_lag_seconds", MetricType::kGauge,
            "The replica lag in seconds.", ""};
    speed_ = {"mysql_info_schema_replica_host_log_stream_speed", MetricType::kGauge,
              "The log stream speed in kilobytes per second.", ""};
    replay_ = {"mysql_info_schema_replica_host_replay_latency_seconds", MetricType::kGauge,
               "The current replay latency in seconds.", ""};
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT SERVER_ID, if(SESSION_ID='MASTER_SESSION_ID','writer','reader') AS ROLE, CPU, "
        "MASTER_SLAVE_LATENCY_IN_MICROSECONDS, REPLICA_LAG_IN_MILLISECONDS, "
        "LOG_STREAM_SPEED_IN_KiB_PER_SECOND, CURRENT_REPLAY_LATENCY_IN_MICROSECONDS FROM "
        "information_schema.replica_host_status",
        &rs_);
    if (!st.ok()) {
      if (absl::StrContains(st.message(), "Error 1109:")) return absl::OkStatus();
      return st;
    }
    if (rs_.num_columns() != 7) return absl::InternalError("replica_host: expected 7 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::string_view server_id, role;
      double cpu, latency, lag, speed, replay;
      if (st = ScanString(rs_, r, 0, &server_id); !st.ok()) return st;
      if (st = ScanString(rs_, r, 1, &role); !st.ok()) return st;
      if (st = ScanFloat(rs_, r, 2, &cpu); !st.ok()) return st;
      if (st = ScanUint(rs_, r, 3, &latency); !st.ok()) return st;
      if (st = ScanFloat(rs_, r, 4, &lag); !st.ok()) return st;
      if (st = ScanFloat(rs_, r, 5, &speed); !st.ok()) return st;
      if (st = ScanUint(rs_, r, 6, &replay); !st.ok()) return st;
      series_.Add(cpu_, {{"server_id", server_id}, {"role", role}}, cpu);
      series_.Add(latency_, {{"server_id", server_id}, {"role", role}}, latency * 0.000001);
      series_.Add(lag_, {{"server_id", server_id}, {"role", role}}, lag * 0.001);
      series_.Add(speed_, {{"server_id", server_id}, {"role", role}}, speed);
      series_.Add(replay_, {{"server_id", server_id}, {"role", role}}, replay * 0.000001);
    }
    return absl::OkStatus();
  }

 private:
  MetricFamily cpu_, latency_, lag_, speed_, replay_;
};

}  // namespace

CollectorOr NewReplicaHostCollector(const Options&) {
  return std::make_unique<ReplicaHostCollector>();
}

}  // namespace outpost::integrations::mysqld
