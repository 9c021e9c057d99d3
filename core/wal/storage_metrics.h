// Self-metrics of the WAL storage (core/wal/storage.h).
//
// The storage keeps plain counters (StorageStats) and pushes a snapshot to
// an optional StorageMetrics after every change (open, commit, sync,
// truncation). PrometheusStorageMetrics (storage_prometheus.h) publishes them under the names and
// HELP of Grafana Agent (static/metrics/wal/wal.go) and Prometheus
// (tsdb/wlog/wlog.go, tsdb/head.go, tsdb/wlog/checkpoint.go).
//
// PrometheusStorageMetrics (storage_prometheus.h) is header-only on
// purpose: outpost::core_wal does not link prometheus-cpp, so only the
// target that constructs it (the agent) needs to.
//
// Thread-safety: Update() is called by the storage with its lock held, so
// calls never overlap; prometheus-cpp instruments are thread-safe for
// readers.
#ifndef OUTPOST_CORE_WAL_STORAGE_METRICS_H_
#define OUTPOST_CORE_WAL_STORAGE_METRICS_H_

#include <cstdint>
#include <string>

namespace outpost::wal {

// Cumulative since Open (gauges: current values).
struct StorageStats {
  // Gauges.
  uint64_t active_series = 0;
  uint64_t segment_current = 0;
  uint64_t storage_size_bytes = 0;  // segments + checkpoints, estimated
  // Counters.
  uint64_t created_series = 0;
  uint64_t removed_series = 0;
  uint64_t samples_appended = 0;
  uint64_t out_of_order_samples = 0;
  uint64_t unknown_ref_samples = 0;  // appended to a ref the storage lacks
  uint64_t rejected_series = 0;      // Ref() refused the labels
  uint64_t commits = 0;
  uint64_t corruptions = 0;          // damage found in segments/checkpoints
  uint64_t quarantined = 0;          // files renamed aside
  uint64_t truncations = 0;
  uint64_t truncations_failed = 0;
  uint64_t checkpoint_creations = 0;
  uint64_t checkpoint_creations_failed = 0;
  // Samples in segments a reader still needed, deleted by a limit
  // (agent_wal_samples_dropped_total{reason}).
  uint64_t samples_dropped_max_wal_time = 0;
  uint64_t samples_dropped_max_wal_size = 0;
  // Samples of commits the WAL could not write, by cause (the same
  // counter, reason "disk_full" or "write_error").
  uint64_t samples_dropped_disk_full = 0;
  uint64_t samples_dropped_write_error = 0;
  // Failed write attempts (commits and fsyncs); keeps rising while the
  // disk stays full (prometheus_tsdb_wal_writes_failed_total).
  uint64_t writes_failed = 0;
  uint64_t fsyncs = 0;
  double fsync_seconds = 0;
};

class StorageMetrics {
 public:
  virtual ~StorageMetrics() = default;
  virtual void Update(const StorageStats& s) = 0;
};

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_STORAGE_METRICS_H_
