// MetricSink: how the redis collectors write samples. Upstream's
// registerConstMetric(name, value, type, label values...) on top of an
// Appender, with series handles cached between collections so that a
// steady-state collection does one hash lookup per sample and no
// allocation (the lookup key is built in a reused buffer).
//
// Metric names are given without the namespace ("db_keys"); the sink adds
// "<namespace>_". HELP is upstream's text for described metrics and
// "<metric> metric" for the INFO fields, as redis_exporter 1.45 writes it.
// The family type is fixed by the first sample of a name.
//
// Bounded: at most kMaxFamilies names; cached handles not used for two
// collections are forgotten when the cache is more than twice the live set.
// Thread-safety: none; one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_REDIS_SINK_H_
#define OUTPOST_INTEGRATIONS_REDIS_SINK_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "core/base/metric.h"

namespace outpost::integrations::redis {

using LabelPair = std::pair<std::string_view, std::string_view>;

// Upstream's HELP text of `metric` (unprefixed), or "" when upstream
// writes "<metric> metric".
std::string_view UpstreamHelp(std::string_view metric);

class MetricSink {
 public:
  static constexpr size_t kMaxFamilies = 4096;

  explicit MetricSink(std::string_view ns) : ns_(ns) {}

  // Starts a collection into `app` (which must outlive the collection);
  // cached handles are dropped when `app` is not the previous one.
  void Begin(Appender& app);
  // Ends the collection (prunes stale handles).
  void End();

  void Gauge(std::string_view metric, double v, std::initializer_list<LabelPair> labels = {}) {
    Add(metric, MetricType::kGauge, v, std::span<const LabelPair>(labels.begin(), labels.size()));
  }
  void Counter(std::string_view metric, double v, std::initializer_list<LabelPair> labels = {}) {
    Add(metric, MetricType::kCounter, v,
        std::span<const LabelPair>(labels.begin(), labels.size()));
  }
  // One sample of family `metric` (type `type`); `suffix` is "_sum"/"_count"
  // for summary parts.
  void Add(std::string_view metric, MetricType type, double v, std::span<const LabelPair> labels,
           std::string_view suffix = {});

  // Samples added since Begin().
  size_t samples() const { return samples_; }
  // Samples dropped because of kMaxFamilies, since construction.
  uint64_t dropped() const { return dropped_; }
  const std::string& ns() const { return ns_; }

 private:
  struct Entry {
    SeriesRef ref;
    uint64_t used;  // generation of the last collection that used it
  };
  const MetricFamily* Family(std::string_view metric, MetricType type);

  std::string ns_;
  Appender* app_ = nullptr;
  uint64_t gen_ = 0;
  size_t samples_ = 0;
  size_t live_ = 0;  // distinct series used in this collection
  uint64_t dropped_ = 0;
  std::string key_;  // reused lookup key
  absl::flat_hash_map<std::string, std::unique_ptr<MetricFamily>> families_;
  absl::flat_hash_map<std::string, Entry> series_;
};

}  // namespace outpost::integrations::redis

#endif  // OUTPOST_INTEGRATIONS_REDIS_SINK_H_
