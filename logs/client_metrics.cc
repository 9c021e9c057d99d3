#include "logs/client_metrics.h"

#include "absl/strings/str_cat.h"

namespace outpost::logs {
namespace {

using prometheus::Labels;

prometheus::Family<prometheus::Counter>& CounterFamily(prometheus::Registry& r,
                                                       const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

}  // namespace

const char* DropReasonName(DropReason r) {
  switch (r) {
    case DropReason::kIngesterError: return "ingester_error";
    case DropReason::kRateLimited: return "rate_limited";
    case DropReason::kStreamLimited: return "stream_limited";
    case DropReason::kLineTooLong: return "line_too_long";
  }
  return "ingester_error";
}

ClientMetrics::ClientMetrics(prometheus::Registry& r, const std::string& logs_config_in,
                             const std::string& host_in, const std::string& tenant)
    : logs_config(logs_config_in),
      host(host_in),
      encoded_bytes(CounterFamily(r, "promtail_encoded_bytes_total",
                                  "Number of bytes encoded and ready to send.")
                        .Add({{"host", host}, {"logs_config", logs_config}})),
      sent_bytes(CounterFamily(r, "promtail_sent_bytes_total", "Number of bytes sent.")
                     .Add({{"host", host}, {"logs_config", logs_config}})),
      sent_entries(CounterFamily(r, "promtail_sent_entries_total",
                                 "Number of log entries sent to the ingester.")
                       .Add({{"host", host}, {"logs_config", logs_config}})),
      batch_retries(CounterFamily(r, "promtail_batch_retries_total",
                                  "Number of times batches has had to be retried.")
                        .Add({{"host", host}, {"tenant", tenant}, {"logs_config", logs_config}})),
      request_duration(prometheus::BuildHistogram()
                           .Name("promtail_request_duration_seconds")
                           .Help("Duration of send requests.")
                           .Register(r)) {
  auto& de = CounterFamily(r, "promtail_dropped_entries_total",
                           "Number of log entries dropped because failed to be sent to the "
                           "ingester after all retries.");
  auto& db = CounterFamily(r, "promtail_dropped_bytes_total",
                           "Number of bytes dropped because failed to be sent to the ingester "
                           "after all retries.");
  auto& me = CounterFamily(r, "promtail_mutated_entries_total",
                           "The total number of log entries that have been mutated.");
  auto& mb = CounterFamily(r, "promtail_mutated_bytes_total",
                           "The total number of bytes that have been mutated.");
  for (int i = 0; i < kDropReasons; ++i) {
    const Labels l = {{"host", host},
                      {"tenant", tenant},
                      {"reason", DropReasonName(static_cast<DropReason>(i))},
                      {"logs_config", logs_config}};
    dropped_entries[i] = &de.Add(l);
    dropped_bytes[i] = &db.Add(l);
    mutated_entries[i] = &me.Add(l);
    mutated_bytes[i] = &mb.Add(l);
  }
}

void ClientMetrics::ObserveRequest(int status, double seconds) {
  // Go's prometheus.DefBuckets.
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  request_duration
      .Add({{"status_code", absl::StrCat(status == 0 ? -1 : status)},
            {"host", host},
            {"logs_config", logs_config}},
           kBuckets)
      .Observe(seconds);
}

}  // namespace outpost::logs
