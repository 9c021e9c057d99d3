// Pure mapping of Redis INFO text to samples, as redis_exporter 1.45's
// extractInfoMetrics (exporter/info.go) does: one table of INFO fields
// (InfoFields(): upstream's metricMapGauges/metricMapCounters, with the
// renamed fields and unit scales), plus the structured sections
// (Keyspace, Commandstats, Latencystats, Errorstats, Replication) and
// redis_instance_info / redis_slave_info / redis_start_time_seconds.
//
// The input is untrusted: malformed lines are skipped (a field whose value
// is not a number is reported as 0, as upstream does), never an error.
// Thread-safety: InfoParser is not thread-safe (it keeps scratch buffers
// to avoid allocating per collection); the table is immutable.
#ifndef OUTPOST_INTEGRATIONS_REDIS_INFO_H_
#define OUTPOST_INTEGRATIONS_REDIS_INFO_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/metric.h"
#include "integrations/common/text.h"
#include "integrations/redis/sink.h"

namespace outpost::integrations::redis {

// One INFO field that becomes a metric of its own.
struct InfoField {
  std::string_view field;   // INFO key, e.g. "used_memory"
  std::string_view metric;  // without namespace, e.g. "memory_used_bytes"
  MetricType type;          // kGauge or kCounter
  double scale;             // multiplied into the value (latest_fork_usec: 1e-6)
};

// The whole table (total_system_memory only when incl_system is set).
std::span<const InfoField> InfoFields();
// The row of `field`, or nullptr. `incl_system` adds total_system_memory.
const InfoField* FindInfoField(std::string_view field, bool incl_system);

// Go's strconv.ParseFloat for the value syntax Redis prints (decimal,
// exponent, inf/nan); false when `s` is not a number. A number out of
// double's range gives Go's value (±Inf, or the rounded underflow), which
// redis_exporter uses whatever ParseFloat's error.
inline bool ParseGoFloat(std::string_view s, double* out) {
  return integrations::ParseGoFloat(s, out, OutOfRange::kKeep);
}

// Go's redis_exporter value rule: "ok"/"true" → 1, "err"/"fail"/"false"
// → 0, else the number, else 0.
double InfoValue(std::string_view s);

class InfoParser {
 public:
  struct Settings {
    bool incl_system_metrics = false;
  };
  explicit InfoParser(Settings s) : s_(s) {}

  // Emits the samples of `info` (INFO ALL text, "\r\n" or "\n" lines).
  // `db_count` databases get redis_db_keys/_expiring 0 when absent from
  // Keyspace; `now_unix` is the wall clock in seconds (for
  // start_time_seconds).
  void Extract(std::string_view info, int db_count, int64_t now_unix, MetricSink& sink);

  // CLUSTER INFO text (cluster_state:ok ...) through the same field rules.
  void ExtractClusterInfo(std::string_view info, MetricSink& sink);

 private:
  struct CmdStat {
    std::string_view cmd;
    double calls;
    double usec;
  };
  struct CmdLatency {
    std::string_view cmd;
    std::string_view percentiles;  // "p50=1.003,p99=1.003,p99.9=1.003"
  };
  // The generic rule for a field not handled by a section: table rows,
  // and keys starting with "db", "cmdstat_" or "cluster_".
  void EmitField(std::string_view key, std::string_view value, MetricSink& sink);
  bool Replication(std::string_view key, std::string_view value, std::string_view master_host,
                   std::string_view master_port, MetricSink& sink);
  void LatencySummaries(MetricSink& sink);

  Settings s_;
  std::vector<CmdStat> cmds_;
  std::vector<CmdLatency> latencies_;
  std::vector<std::string_view> dbs_;
  std::string name_buf_;
};

}  // namespace outpost::integrations::redis

#endif  // OUTPOST_INTEGRATIONS_REDIS_INFO_H_
