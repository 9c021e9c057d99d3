#include "core/scrape/scrape_metrics.h"

#include "core/config/duration.h"

namespace outpost::scrape {
namespace {

prometheus::Counter& Counter(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add({});
}

}  // namespace

ScrapeMetrics::ScrapeMetrics(prometheus::Registry& r)
    : sd_discovered_targets(prometheus::BuildGauge()
                                .Name("prometheus_sd_discovered_targets")
                                .Help("Current number of discovered targets.")
                                .Register(r)),
      sd_file_read_errors(
          Counter(r, "prometheus_sd_file_read_errors_total", "The number of File-SD read errors.")),
      sd_http_failures(Counter(r, "prometheus_sd_http_failures_total",
                               "Number of HTTP service discovery refresh failures.")),
      sd_dns_lookups(
          Counter(r, "prometheus_sd_dns_lookups_total", "The number of DNS-SD lookups.")),
      sd_dns_lookup_failures(Counter(r, "prometheus_sd_dns_lookup_failures_total",
                                     "The number of DNS-SD lookup failures.")),
      pools(Counter(r, "prometheus_target_scrape_pools_total",
                    "Total number of scrape pool creation attempts.")),
      pool_reloads(Counter(r, "prometheus_target_scrape_pool_reloads_total",
                           "Total number of scrape pool reloads.")),
      pool_targets(prometheus::BuildGauge()
                       .Name("prometheus_target_scrape_pool_targets")
                       .Help("Current number of targets in this scrape pool.")
                       .Register(r)),
      pool_exceeded_target_limit(
          Counter(r, "prometheus_target_scrape_pool_exceeded_target_limit_total",
                  "Total number of times scrape pools hit the target limit, during sync or "
                  "config reload.")),
      interval_length(prometheus::BuildSummary()
                          .Name("prometheus_target_interval_length_seconds")
                          .Help("Actual intervals between scrapes.")
                          .Register(r)),
      exceeded_sample_limit(Counter(r, "prometheus_target_scrapes_exceeded_sample_limit_total",
                                    "Total number of scrapes that hit the sample limit and were "
                                    "rejected.")),
      exceeded_body_size_limit(
          Counter(r, "prometheus_target_scrapes_exceeded_body_size_limit_total",
                  "Total number of scrapes that hit the body size limit")),
      sample_duplicate_timestamp(
          Counter(r, "prometheus_target_scrapes_sample_duplicate_timestamp_total",
                  "Total number of samples rejected due to duplicate timestamps but different "
                  "values.")),
      sample_out_of_order(Counter(r, "prometheus_target_scrapes_sample_out_of_order_total",
                                  "Total number of samples rejected due to not being out of the "
                                  "expected order.")) {}

prometheus::Summary& ScrapeMetrics::IntervalLength(absl::Duration interval) {
  // Prometheus' objectives for this summary (scrape/scrape.go).
  return interval_length.Add({{"interval", config::FormatPromDuration(interval)}},
                             prometheus::Summary::Quantiles{{0.01, 0.001},
                                                            {0.05, 0.005},
                                                            {0.5, 0.05},
                                                            {0.9, 0.01},
                                                            {0.99, 0.001}});
}

}  // namespace outpost::scrape
