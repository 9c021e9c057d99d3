// Self-metrics of one remote-write endpoint, with Prometheus' names
// (storage/remote/queue_manager.go, tsdb/wlog/watcher.go) and labels
// remote_name, url (watcher: consumer), registered in a caller's registry.
//
// The registry must outlive the metrics. Families are shared between
// endpoints (prometheus-cpp returns the existing family for a name).
// Thread-safe (prometheus-cpp metrics are atomic).
#ifndef OUTPOST_REMOTE_WRITE_METRICS_H_
#define OUTPOST_REMOTE_WRITE_METRICS_H_

#include <string>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/labels.h"
#include "prometheus/registry.h"

namespace outpost::remote_write {

struct EndpointMetrics {
  EndpointMetrics(prometheus::Registry& registry, const std::string& name,
                  const std::string& url);
  // `endpoint`: {remote_name, url}, the labels of every series but the
  // watcher's (Prometheus labels that one {consumer}).
  EndpointMetrics(prometheus::Registry& registry, const prometheus::Labels& endpoint,
                  const std::string& name);

  prometheus::Counter& samples_total;
  prometheus::Counter& samples_failed_total;
  prometheus::Counter& samples_retried_total;
  prometheus::Counter& samples_dropped_total;
  prometheus::Counter& exemplars_total;
  prometheus::Counter& exemplars_failed_total;
  prometheus::Counter& exemplars_retried_total;
  prometheus::Gauge& samples_pending;
  prometheus::Counter& bytes_total;
  prometheus::Counter& enqueue_retries_total;
  prometheus::Gauge& highest_timestamp_seconds;
  prometheus::Gauge& highest_sent_timestamp_seconds;
  prometheus::Gauge& shards;
  prometheus::Gauge& shards_min;
  prometheus::Gauge& shards_max;
  prometheus::Gauge& shards_desired;
  prometheus::Gauge& shard_capacity;
  prometheus::Histogram& sent_batch_duration_seconds;
  prometheus::Counter& metadata_total;
  prometheus::Counter& metadata_failed_total;
  prometheus::Gauge& watcher_current_segment;
  prometheus::Gauge& acked_segment;
  prometheus::Gauge& acked_offset;
  prometheus::Counter& segments_lost_total;
  prometheus::Counter& series_collected_total;
};

}  // namespace outpost::remote_write

#endif  // OUTPOST_REMOTE_WRITE_METRICS_H_
