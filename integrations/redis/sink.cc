#include "integrations/redis/sink.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/labels.h"

namespace outpost::integrations::redis {
namespace {

// redis_exporter 1.45 exporter/exporter.go metricDescriptions and the
// exporter's own counters; sorted by name for binary search.
struct HelpRow {
  std::string_view metric;
  std::string_view help;
};
constexpr HelpRow kHelp[] = {
    {"commands_duration_seconds_total", "Total amount of time in seconds spent per command"},
    {"commands_failed_calls_total", "Total number of errors prior command execution per command"},
    {"commands_rejected_calls_total",
     "Total number of errors within command execution per command"},
    {"commands_total", "Total number of calls per command"},
    {"config_key_value", "Config key and value"},
    {"config_value", "Config key and value as metric"},
    {"connected_clients_details", "Details about connected clients"},
    {"connected_slave_lag_seconds", "Lag of connected slave"},
    {"connected_slave_offset_bytes", "Offset of connected slave"},
    {"db_avg_ttl_seconds", "Avg TTL in seconds"},
    {"db_keys", "Total number of keys by DB"},
    {"db_keys_cached", "Total number of cached keys by DB"},
    {"db_keys_expiring", "Total number of expiring keys by DB"},
    {"errors_total", "Total number of errors per error type"},
    {"exporter_last_scrape_error", "The last scrape error status."},
    {"exporter_scrape_duration_seconds", "Durations of scrapes by the exporter"},
    {"exporter_scrapes_total", "Current total redis scrapes."},
    {"instance_info", "Information about the Redis instance"},
    {"key_group_count", "Count of keys in key group"},
    {"key_group_memory_usage_bytes", "Total memory usage of key group in bytes"},
    {"key_size", "The length or size of \"key\""},
    {"key_value", "The value of \"key\""},
    {"key_value_as_string", "The value of \"key\" as a string"},
    {"keys_count", "Count of keys"},
    {"last_key_groups_scrape_duration_milliseconds",
     "Duration of the last key group metrics scrape in milliseconds"},
    {"last_slow_execution_duration_seconds",
     "The amount of time needed for last slow execution, in seconds"},
    {"latency_percentiles_usec", "A summary of latency percentile distribution per command"},
    {"latency_spike_duration_seconds", "Length of the last latency spike in seconds"},
    {"latency_spike_last", "When the latency spike last occurred"},
    {"master_last_io_seconds_ago", "Master last io seconds ago"},
    {"master_link_up", "Master link status on Redis slave"},
    {"master_sync_in_progress", "Master sync in progress"},
    {"number_of_distinct_key_groups", "Number of distinct key groups"},
    {"script_values", "Values returned by the collect script"},
    {"slave_info", "Information about the Redis slave"},
    {"slave_repl_offset", "Slave replication offset"},
    {"slowlog_last_id", "Last id of slowlog"},
    {"slowlog_length", "Total slowlog"},
    {"start_time_seconds", "Start time of the Redis instance since unix epoch in seconds."},
    {"stream_group_consumer_idle_seconds", "Consumer idle time in seconds"},
    {"stream_group_consumer_messages_pending",
     "Pending number of messages for this specific consumer"},
    {"stream_group_consumers", "Consumers count of stream group"},
    {"stream_group_last_delivered_id", "The epoch timestamp (ms) of the last delivered message"},
    {"stream_group_messages_pending", "Pending number of messages in that stream group"},
    {"stream_groups", "Groups count of stream"},
    {"stream_last_generated_id", "The epoch timestamp (ms) of the latest message on the stream"},
    {"stream_length", "The number of elements of the stream"},
    {"stream_radix_tree_keys", "Radix tree keys count\""},
    {"stream_radix_tree_nodes", "Radix tree nodes count"},
    {"target_scrape_request_errors_total", "Errors in requests to the exporter"},
    {"up", "Information about the Redis instance"},
};

}  // namespace

std::string_view UpstreamHelp(std::string_view metric) {
  const HelpRow* end = std::end(kHelp);
  const HelpRow* it = std::lower_bound(std::begin(kHelp), end, metric,
                                       [](const HelpRow& r, std::string_view m) { return r.metric < m; });
  if (it != end && it->metric == metric) return it->help;
  return {};
}

void MetricSink::Begin(Appender& app) {
  if (&app != app_) {
    series_.clear();
    app_ = &app;
  }
  ++gen_;
  samples_ = 0;
  live_ = 0;
}

void MetricSink::End() {
  if (series_.size() <= 2 * live_ + 1024) return;
  for (auto it = series_.begin(); it != series_.end();) {
    if (it->second.used + 1 < gen_) series_.erase(it++);
    else ++it;
  }
}

const MetricFamily* MetricSink::Family(std::string_view metric, MetricType type) {
  auto it = families_.find(ToAbsl(metric));
  if (it != families_.end()) return it->second.get();
  if (families_.size() >= kMaxFamilies) return nullptr;
  auto fam = std::make_unique<MetricFamily>();
  fam->name = ns_.empty() ? std::string(metric) : absl::StrCat(ns_, "_", ToAbsl(metric));
  fam->type = type;
  std::string_view help = UpstreamHelp(metric);
  fam->help = help.empty() ? absl::StrCat(ToAbsl(metric), " metric") : std::string(help);
  const MetricFamily* out = fam.get();
  families_.emplace(std::string(metric), std::move(fam));
  return out;
}

void MetricSink::Add(std::string_view metric, MetricType type, double v,
                     std::span<const LabelPair> labels, std::string_view suffix) {
  key_.assign(metric);
  key_.push_back('\0');
  key_.append(suffix);
  for (const LabelPair& l : labels) {
    key_.push_back('\1');
    key_.append(l.first);
    key_.push_back('\2');
    key_.append(l.second);
  }
  auto it = series_.find(ToAbsl(key_));
  if (it == series_.end()) {
    const MetricFamily* fam = Family(metric, type);
    if (fam == nullptr) {
      ++dropped_;
      return;
    }
    std::vector<Label> ls;
    ls.reserve(labels.size());
    for (const LabelPair& l : labels) ls.push_back(Label{std::string(l.first), std::string(l.second)});
    SeriesRef ref = app_->Series(*fam, Labels::FromUnsorted(std::move(ls)), suffix);
    it = series_.emplace(key_, Entry{ref, 0}).first;
  }
  if (it->second.used != gen_) {
    it->second.used = gen_;
    ++live_;
  }
  ++samples_;
  app_->Add(it->second.ref, v);
}

}  // namespace outpost::integrations::redis
