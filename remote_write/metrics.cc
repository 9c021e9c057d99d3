#include "remote_write/metrics.h"

#include "core/config/url.h"

namespace outpost::remote_write {
namespace {

using prometheus::Labels;

prometheus::Counter& C(prometheus::Registry& r, const char* name, const char* help,
                       const Labels& l) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add(l);
}
prometheus::Gauge& G(prometheus::Registry& r, const char* name, const char* help,
                     const Labels& l) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r).Add(l);
}

}  // namespace

EndpointMetrics::EndpointMetrics(prometheus::Registry& r, const std::string& name,
                                 const std::string& url)
    : EndpointMetrics(r, Labels{{"remote_name", name}, {"url", config::MaskUrlPassword(url)}},
                      name) {}

EndpointMetrics::EndpointMetrics(prometheus::Registry& r, const Labels& l,
                                 const std::string& name)
    : samples_total(C(r, "prometheus_remote_storage_samples_total",
                      "Total number of samples sent to remote storage.",
                      l)),
      samples_failed_total(C(r, "prometheus_remote_storage_samples_failed_total",
                             "Total number of samples which failed on send to remote "
                             "storage, non-recoverable errors.",
                             l)),
      samples_retried_total(C(r, "prometheus_remote_storage_samples_retried_total",
                              "Total number of samples which failed on send to remote "
                              "storage but were retried because the send error was "
                              "recoverable.",
                              l)),
      samples_dropped_total(C(r, "prometheus_remote_storage_samples_dropped_total",
                              "Total number of samples which were dropped after being "
                              "read from the WAL before being sent via remote write, "
                              "either via relabelling, due to being too old or "
                              "unintentionally because of an unknown reference ID.",
                              l)),
      exemplars_total(C(r, "prometheus_remote_storage_exemplars_total",
                        "Total number of exemplars sent to remote storage.",
                        l)),
      exemplars_failed_total(C(r, "prometheus_remote_storage_exemplars_failed_total",
                               "Total number of exemplars which failed on send to remote "
                               "storage, non-recoverable errors.",
                               l)),
      exemplars_retried_total(C(r, "prometheus_remote_storage_exemplars_retried_total",
                                "Total number of exemplars which failed on send to remote "
                                "storage but were retried because the send error was "
                                "recoverable.",
                                l)),
      samples_pending(G(r, "prometheus_remote_storage_samples_pending",
                        "The number of samples pending in the queues shards to be "
                        "sent to the remote storage.",
                        l)),
      bytes_total(C(r, "prometheus_remote_storage_bytes_total",
                    "The total number of bytes of data (not metadata) sent by the "
                    "queue after compression.",
                    l)),
      enqueue_retries_total(C(r, "prometheus_remote_storage_enqueue_retries_total",
                              "Total number of times enqueue has failed because a "
                              "shards queue was full.",
                              l)),
      highest_timestamp_seconds(G(r, "prometheus_remote_storage_highest_timestamp_in_seconds",
                                  "Highest timestamp that has come into the remote "
                                  "storage via the WAL, in seconds since epoch.",
                                  l)),
      highest_sent_timestamp_seconds(
          G(r, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
            "Timestamp from a WAL sample, the highest timestamp successfully sent "
            "by this queue, in seconds since epoch.",
            l)),
      shards(G(r, "prometheus_remote_storage_shards",
               "The number of shards used for parallel sending to the remote storage.",
               l)),
      shards_min(G(r, "prometheus_remote_storage_shards_min",
                   "The minimum number of shards that the queue is allowed to run.",
                   l)),
      shards_max(G(r, "prometheus_remote_storage_shards_max",
                   "The maximum number of shards that the queue is allowed to run.",
                   l)),
      shards_desired(G(r, "prometheus_remote_storage_shards_desired",
                       "The number of shards that the queues shard calculation wants "
                       "to run based on the rate of samples in vs. samples out.",
                       l)),
      shard_capacity(G(r, "prometheus_remote_storage_shard_capacity",
                       "The capacity of each shard of the queue used for parallel "
                       "sending to the remote storage.",
                       l)),
      sent_batch_duration_seconds(
          prometheus::BuildHistogram()
              .Name("prometheus_remote_storage_sent_batch_duration_seconds")
              .Help("Duration of send calls to the remote storage.")
              .Register(r)
              .Add(l,
                   prometheus::Histogram::BucketBoundaries{
                       0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25,
                       60, 120, 300})),
      metadata_total(C(r, "prometheus_remote_storage_metadata_total",
                       "Total number of metadata entries sent to remote storage.",
                       l)),
      metadata_failed_total(C(r, "prometheus_remote_storage_metadata_failed_total",
                              "Total number of metadata entries which failed on send "
                              "to remote storage, non-recoverable errors.",
                              l)),
      watcher_current_segment(G(r, "prometheus_wal_watcher_current_segment",
                                "Current segment the WAL watcher is reading records from.",
                                {{"consumer", name}})),
      acked_segment(G(r, "agent_remote_write_acked_segment",
                      "WAL segment up to which every sample was acknowledged by the "
                      "endpoint (persisted for resume after restart).",
                      l)),
      acked_offset(G(r, "agent_remote_write_acked_offset",
                     "Byte offset in agent_remote_write_acked_segment up to which every "
                     "sample was acknowledged.",
                     l)),
      segments_lost_total(C(r, "agent_remote_write_wal_segments_lost_total",
                            "WAL segments deleted (forced truncation: max_wal_time, "
                            "max_wal_size) before this endpoint read them; their samples "
                            "were not sent.",
                            l)),
      series_collected_total(C(r, "agent_remote_write_series_collected_total",
                               "Series dropped from the endpoint's series cache because "
                               "the newest WAL checkpoint no longer holds them.",
                               l)) {}

}  // namespace outpost::remote_write
