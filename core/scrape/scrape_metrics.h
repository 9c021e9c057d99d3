// The scrape side's self-metrics, named as Prometheus 2.42 names them
// (scrape/scrape.go, scrape/manager.go, discovery/manager.go,
// discovery/{file,http,dns}), so the agent mixin's panels on
// prometheus_target_* and prometheus_sd_* work.
//
// Per-job gauges carry `instance_name` (the metrics instance) beside the
// upstream label, because two instances may use the same job name.
//
// Thread-safety: prometheus-cpp metrics are thread-safe; the families live
// as long as the registry.
#ifndef OUTPOST_CORE_SCRAPE_SCRAPE_METRICS_H_
#define OUTPOST_CORE_SCRAPE_SCRAPE_METRICS_H_

#include <string>

#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "prometheus/summary.h"

namespace outpost::scrape {

struct ScrapeMetrics {
  explicit ScrapeMetrics(prometheus::Registry& r);

  // discovery
  prometheus::Family<prometheus::Gauge>& sd_discovered_targets;  // {instance_name, config, name}
  prometheus::Counter& sd_file_read_errors;
  prometheus::Counter& sd_http_failures;
  prometheus::Counter& sd_dns_lookups;
  prometheus::Counter& sd_dns_lookup_failures;
  // scrape pools (one per job)
  prometheus::Counter& pools;
  prometheus::Counter& pool_reloads;
  prometheus::Family<prometheus::Gauge>& pool_targets;  // {instance_name, scrape_job}
  prometheus::Counter& pool_exceeded_target_limit;
  // scrapes
  prometheus::Family<prometheus::Summary>& interval_length;  // {interval}
  prometheus::Counter& exceeded_sample_limit;
  prometheus::Counter& exceeded_body_size_limit;
  prometheus::Counter& sample_duplicate_timestamp;
  prometheus::Counter& sample_out_of_order;

  // The interval_length summary of one interval ("15s").
  prometheus::Summary& IntervalLength(absl::Duration interval);
};

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_SCRAPE_METRICS_H_
