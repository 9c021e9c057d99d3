// Self-metrics of one Loki client, with Promtail's names, HELP and labels
// (loki clients/pkg/promtail/client/client.go NewMetrics): host (the URL's
// host[:port]), tenant, reason, status_code, plus Grafana Agent's
// logs_config (static/logs/logs.go wraps the registerer with it).
//
// Promtail 2024 (the commit Grafana Agent v0.44 pins) has no
// promtail_stream_lag_seconds any more, so neither has outpost.
//
// Families are shared between clients (prometheus-cpp returns the existing
// family for a name). Thread-safe.
#ifndef OUTPOST_LOGS_CLIENT_METRICS_H_
#define OUTPOST_LOGS_CLIENT_METRICS_H_

#include <array>
#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace outpost::logs {

// Promtail's drop/mutation reasons (client.go Reasons).
enum class DropReason { kIngesterError, kRateLimited, kStreamLimited, kLineTooLong };
inline constexpr int kDropReasons = 4;
const char* DropReasonName(DropReason r);

struct ClientMetrics {
  ClientMetrics(prometheus::Registry& registry, const std::string& logs_config,
                const std::string& host, const std::string& tenant);

  void Dropped(DropReason r, double entries, double bytes) {
    dropped_entries[static_cast<int>(r)]->Increment(entries);
    dropped_bytes[static_cast<int>(r)]->Increment(bytes);
  }
  // One request's duration; status 0 (no answer) is Promtail's -1.
  void ObserveRequest(int status, double seconds);

  const std::string logs_config, host;
  prometheus::Counter& encoded_bytes;
  prometheus::Counter& sent_bytes;
  prometheus::Counter& sent_entries;
  prometheus::Counter& batch_retries;
  std::array<prometheus::Counter*, kDropReasons> dropped_entries{};
  std::array<prometheus::Counter*, kDropReasons> dropped_bytes{};
  std::array<prometheus::Counter*, kDropReasons> mutated_entries{};
  std::array<prometheus::Counter*, kDropReasons> mutated_bytes{};
  prometheus::Family<prometheus::Histogram>& request_duration;
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_CLIENT_METRICS_H_
