// PrometheusStorageMetrics: the WAL storage's self-metrics (StorageStats,
// core/wal/storage_metrics.h) as prometheus-cpp families, with the names
// and HELP of Grafana Agent (static/metrics/wal/wal.go) and Prometheus
// (tsdb/wlog/wlog.go, tsdb/head.go, tsdb/wlog/checkpoint.go).
//
// Header-only: outpost::core_wal does not link prometheus-cpp; a target
// that constructs this class must (the agent does).
//
// Usage:
//   PrometheusStorageMetrics metrics(self_metrics.registry());
//   StorageOptions o;  o.metrics = &metrics;   // must outlive the Storage
//   auto storage = Storage::Open(Env::Default(), dir, o);
//
// Thread-safety: Update() is called by the Storage under its lock.
#ifndef OUTPOST_CORE_WAL_STORAGE_PROMETHEUS_H_
#define OUTPOST_CORE_WAL_STORAGE_PROMETHEUS_H_

#include <cstdint>
#include <map>
#include <string>

#include "core/wal/storage_metrics.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "prometheus/summary.h"

namespace outpost::wal {

// Registers the storage's families in `registry` (which must outlive it).
// `labels` go on every series: several WALs share one registry (the
// integrations WAL has none; each metrics instance's has instance_name).
class PrometheusStorageMetrics final : public StorageMetrics {
 public:
  explicit PrometheusStorageMetrics(prometheus::Registry& r,
                                    std::map<std::string, std::string> labels = {})
      : labels_(std::move(labels)),
        active_(Gauge(r, labels_, "agent_wal_storage_active_series",
                      "Current number of active series being tracked by the WAL storage")),
        segment_(Gauge(r, labels_, "prometheus_tsdb_wal_segment_current",
                       "Write log segment index that TSDB is currently writing to.")),
        size_(Gauge(r, labels_, "prometheus_tsdb_wal_storage_size_bytes",
                    "Size of the write log directory.")),
        created_(Counter(r, labels_, "agent_wal_storage_created_series_total",
                         "Total number of created series appended to the WAL")),
        removed_(Counter(r, labels_, "agent_wal_storage_removed_series_total",
                         "Total number of created series removed from the WAL")),
        appended_(Counter(r, labels_, "agent_wal_samples_appended_total",
                          "Total number of samples appended to the WAL")),
        ooo_(Counter(r, labels_, "agent_wal_out_of_order_samples_total",
                     "Total number of out of order samples ingestion failed attempts.")),
        corruptions_(Counter(r, labels_, "prometheus_tsdb_wal_corruptions_total",
                             "Total number of WAL corruptions.")),
        writes_failed_(Counter(r, labels_, "prometheus_tsdb_wal_writes_failed_total",
                               "Total number of write log writes that failed.")),
        truncations_(Counter(r, labels_, "prometheus_tsdb_wal_truncations_total",
                             "Total number of write log truncations attempted.")),
        truncations_failed_(Counter(r, labels_, "prometheus_tsdb_wal_truncations_failed_total",
                                    "Total number of write log truncations that failed.")),
        checkpoints_(Counter(r, labels_, "prometheus_tsdb_checkpoint_creations_total",
                             "Total number of checkpoint creations attempted.")),
        checkpoints_failed_(Counter(r, labels_, "prometheus_tsdb_checkpoint_creations_failed_total",
                                    "Total number of checkpoint creations that failed.")),
        dropped_family_(prometheus::BuildCounter()
                            .Name("agent_wal_samples_dropped_total")
                            .Help("Samples removed from the WAL before every remote-write "
                                  "endpoint acknowledged them, or never written to it, "
                                  "by reason.")
                            .Register(r)),
        dropped_time_(dropped_family_.Add(With(labels_, "reason", "max_wal_time"))),
        dropped_size_(dropped_family_.Add(With(labels_, "reason", "max_wal_size"))),
        dropped_disk_full_(dropped_family_.Add(With(labels_, "reason", "disk_full"))),
        dropped_write_error_(dropped_family_.Add(With(labels_, "reason", "write_error"))),
        // Prometheus' objectives for this summary (tsdb/wlog/wlog.go).
        fsync_(prometheus::BuildSummary()
                   .Name("prometheus_tsdb_wal_fsync_duration_seconds")
                   .Help("Duration of write log fsync.")
                   .Register(r)
                   .Add(labels_, prometheus::Summary::Quantiles{
                                {0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}})) {}

  void Update(const StorageStats& s) override {
    active_.Set(static_cast<double>(s.active_series));
    segment_.Set(static_cast<double>(s.segment_current));
    size_.Set(static_cast<double>(s.storage_size_bytes));
    Bump(created_, s.created_series, last_.created_series);
    Bump(removed_, s.removed_series, last_.removed_series);
    Bump(appended_, s.samples_appended, last_.samples_appended);
    Bump(ooo_, s.out_of_order_samples, last_.out_of_order_samples);
    Bump(corruptions_, s.corruptions, last_.corruptions);
    Bump(writes_failed_, s.writes_failed, last_.writes_failed);
    Bump(truncations_, s.truncations, last_.truncations);
    Bump(truncations_failed_, s.truncations_failed, last_.truncations_failed);
    Bump(checkpoints_, s.checkpoint_creations, last_.checkpoint_creations);
    Bump(checkpoints_failed_, s.checkpoint_creations_failed,
         last_.checkpoint_creations_failed);
    Bump(dropped_time_, s.samples_dropped_max_wal_time, last_.samples_dropped_max_wal_time);
    Bump(dropped_size_, s.samples_dropped_max_wal_size, last_.samples_dropped_max_wal_size);
    Bump(dropped_disk_full_, s.samples_dropped_disk_full, last_.samples_dropped_disk_full);
    Bump(dropped_write_error_, s.samples_dropped_write_error,
         last_.samples_dropped_write_error);
    // The storage sees fsyncs as totals: spread the new time evenly.
    if (s.fsyncs > last_.fsyncs) {
      const uint64_t n = s.fsyncs - last_.fsyncs;
      const double each = (s.fsync_seconds - last_.fsync_seconds) / static_cast<double>(n);
      for (uint64_t i = 0; i < n; ++i) fsync_.Observe(each);
    }
    last_ = s;
  }

 private:
  const std::map<std::string, std::string> labels_;  // first: the others use it
  using LabelMap = std::map<std::string, std::string>;
  static prometheus::Gauge& Gauge(prometheus::Registry& r, const LabelMap& labels,
                                  const std::string& name, const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(r).Add(labels);
  }
  static prometheus::Counter& Counter(prometheus::Registry& r, const LabelMap& labels,
                                      const std::string& name, const std::string& help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add(labels);
  }
  static LabelMap With(LabelMap l, const std::string& k, const std::string& v) {
    l[k] = v;
    return l;
  }
  static void Bump(prometheus::Counter& c, uint64_t now, uint64_t before) {
    if (now > before) c.Increment(static_cast<double>(now - before));
  }

  prometheus::Gauge& active_;
  prometheus::Gauge& segment_;
  prometheus::Gauge& size_;
  prometheus::Counter& created_;
  prometheus::Counter& removed_;
  prometheus::Counter& appended_;
  prometheus::Counter& ooo_;
  prometheus::Counter& corruptions_;
  prometheus::Counter& writes_failed_;
  prometheus::Counter& truncations_;
  prometheus::Counter& truncations_failed_;
  prometheus::Counter& checkpoints_;
  prometheus::Counter& checkpoints_failed_;
  prometheus::Family<prometheus::Counter>& dropped_family_;
  prometheus::Counter& dropped_time_;
  prometheus::Counter& dropped_size_;
  prometheus::Counter& dropped_disk_full_;
  prometheus::Counter& dropped_write_error_;
  prometheus::Summary& fsync_;
  StorageStats last_;
};

}  // namespace outpost::wal
#endif  // OUTPOST_CORE_WAL_STORAGE_PROMETHEUS_H_
