// perf_schema.replication_applier_status_by_worker: MySQL 8 per-worker
// applier timestamps from performance_schema.
// replication_applier_status_by_worker (mysqld_exporter collector/
// perf_schema_replication_applier_status_by_worker.go).
#include <array>
#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

double ParseApplierTimestamp(std::string_view s) {
  // "2006-01-02 15:04:05.000000": exactly six fractional digits.
  if (s.size() != 26 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
      s[16] != ':' || s[19] != '.') {
    return 0;
  }
  int y, mo, d, h, mi, se, us;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &mo) || !Digits(s, 8, 2, &d) ||
      !Digits(s, 11, 2, &h) || !Digits(s, 14, 2, &mi) || !Digits(s, 17, 2, &se) ||
      !Digits(s, 20, 6, &us)) {
    return 0;
  }
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return 0;
  const absl::CivilSecond cs(y, mo, d, h, mi, se);
  if (cs.month() != mo || cs.day() != d) return 0;  // "day out of range"
  if (y == 1 && mo == 1 && d == 1 && h == 0 && mi == 0 && se == 0 && us == 0) {
    return 0;  // time.Time{}.IsZero()
  }
  const int64_t secs = absl::ToUnixSeconds(absl::FromCivil(cs, absl::UTCTimeZone()));
  // float64(UnixNano()) / 1e9, as upstream.
  return static_cast<double>(secs * 1000000000 + static_cast<int64_t>(us) * 1000) / 1e9;
}

namespace {

struct Family {
  std::string_view name, help;
};
constexpr std::array<Family, 7> kFamilies = {{
    {"last_applied_transaction_original_commit_timestamp_seconds",
     "A timestamp shows when the last transaction applied by this worker was committed on the "
     "original master."},
    {"last_applied_transaction_immediate_commit_timestamp_seconds",
     "A timestamp shows when the last transaction applied by this worker was committed on the "
     "immediate master."},
    {"last_applied_transaction_start_apply_timestamp_seconds",
     "A timestamp shows when this worker started applying the last applied transaction."},
    {"last_applied_transaction_end_apply_timestamp_seconds",
     "A shows when this worker finished applying the last applied transaction."},
    {"applying_transaction_original_commit_timestamp_seconds",
     "A timestamp that shows when the transaction this worker is currently applying was "
     "committed on the original master."},
    {"applying_transaction_immediate_commit_timestamp_seconds",
     "A timestamp shows when the transaction this worker is currently applying was committed on "
     "the immediate master."},
    {"applying_transaction_start_apply_timestamp_seconds",
     "A timestamp shows when this worker started its first attempt to apply the transaction "
     "that is currently being applied."},
}};

class PerfReplicationApplierCollector final : public Collector {
 public:
  PerfReplicationApplierCollector() {
    for (size_t i = 0; i < kFamilies.size(); ++i) {
      f_[i] = {Cat("mysql_perf_schema_", kFamilies[i].name), MetricType::kGauge,
               std::string(kFamilies[i].help), ""};
    }
  }

 protected:
  absl::Status Scrape(Querier& q) override {
    absl::Status st = q.Query(
        "SELECT CHANNEL_NAME, WORKER_ID, LAST_APPLIED_TRANSACTION_ORIGINAL_COMMIT_TIMESTAMP, "
        "LAST_APPLIED_TRANSACTION_IMMEDIATE_COMMIT_TIMESTAMP, "
        "LAST_APPLIED_TRANSACTION_START_APPLY_TIMESTAMP, "
        "LAST_APPLIED_TRANSACTION_END_APPLY_TIMESTAMP, "
        "APPLYING_TRANSACTION_ORIGINAL_COMMIT_TIMESTAMP, "
        "APPLYING_TRANSACTION_IMMEDIATE_COMMIT_TIMESTAMP, "
        "APPLYING_TRANSACTION_START_APPLY_TIMESTAMP FROM "
        "performance_schema.replication_applier_status_by_worker",
        &rs_);
    if (!st.ok()) return st;
    if (rs_.num_columns() != 9) return absl::InternalError("applier_status: expected 9 columns");
    for (size_t r = 0; r < rs_.num_rows(); ++r) {
      std::array<std::string_view, 9> cells;
      for (size_t c = 0; c < cells.size(); ++c) {
        if (st = ScanString(rs_, r, c, &cells[c]); !st.ok()) return st;
      }
      for (size_t i = 0; i < f_.size(); ++i) {
        series_.Add(f_[i], {{"channel_name", cells[0]}, {"member_id", cells[1]}},
                    ParseApplierTimestamp(cells[2 + i]));
      }
    }
    return absl::OkStatus();
  }

 private:
  std::array<MetricFamily, 7> f_;
};

}  // namespace

CollectorOr NewPerfReplicationApplierStatusByWorkerCollector(const Options&) {
  return std::make_unique<PerfReplicationApplierCollector>();
}

}  // namespace outpost::integrations::mysqld
