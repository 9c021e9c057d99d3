// Series-handle caching shared by the integrations' collectors: a cache of
// Appender series handles keyed by (family, label values), and metric
// families made from data on first sight.
//
// Thread-safety: none; each collector owns its instances and is driven by
// one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_COMMON_SERIES_CACHE_H_
#define OUTPOST_INTEGRATIONS_COMMON_SERIES_CACHE_H_

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/base/absl_compat.h"
#include "core/base/labels.h"
#include "core/base/metric.h"

namespace outpost::integrations {

// Caches series handles by (family, label values) so that a steady-state
// collection does one hash lookup and no allocation per sample. The handles
// belong to one Appender: Begin() clears the cache when the Appender
// changes, or when far more handles are cached than the previous
// collection used (series gone). Label names are given with each call and
// must be the same for a given family every time.
class SeriesCache {
 public:
  using LabelPairs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Call at the start of each collection; `app` must outlive it.
  void Begin(Appender& app);
  // The handle of `family` with `labels` (values may be empty: such a label
  // is absent, as in Prometheus).
  SeriesRef Get(const MetricFamily& family, LabelPairs labels = {});
  // Same, with label names and values in parallel vectors.
  SeriesRef Get(const MetricFamily& family, const std::vector<std::string_view>& names,
                const std::vector<std::string_view>& values);

  // With any label set and a sample-name suffix (textfile passthrough,
  // where label names vary between series of one family).
  SeriesRef Get(const MetricFamily& family, const Labels& labels, std::string_view suffix);

  // The handles of every family of `families` with the same labels, cached
  // as one entry: one hash lookup for a whole table row (a per-table
  // statistics row becomes 20 series). Valid until the next call.
  std::span<const SeriesRef> GetRow(std::span<const MetricFamily> families,
                                    const std::vector<std::string_view>& names,
                                    const std::vector<std::string_view>& values);

  void Add(const MetricFamily& family, double value) { app_->Add(Get(family), value); }
  void Add(SeriesRef ref, double value) { app_->Add(ref, value); }
  void Add(const MetricFamily& family, LabelPairs labels, double value) {
    app_->Add(Get(family, labels), value);
  }

  void Add(const MetricFamily& family, const std::vector<std::string_view>& names,
           const std::vector<std::string_view>& values, double value) {
    app_->Add(Get(family, names, values), value);
  }

  size_t size() const { return refs_.size() + rows_.size(); }

 private:
  void StartKey(const MetricFamily& family);
  SeriesRef Lookup(const MetricFamily& family, const std::vector<Label>& labels);
  template <typename EachLabel>
  SeriesRef GetWith(const MetricFamily& family, EachLabel each);

  Appender* app_ = nullptr;
  const Appender* last_app_ = nullptr;
  absl::flat_hash_map<std::string, SeriesRef> refs_;
  absl::flat_hash_map<std::string, std::vector<SeriesRef>> rows_;  // GetRow
  std::string key_;                                                // reused lookup key buffer
  std::vector<Label> scratch_;
  size_t used_ = 0;       // lookups in the current collection
  size_t last_used_ = 0;  // lookups in the previous collection
};

// Metric families whose names come from the data (meminfo, vmstat, netstat
// fields, server status variables), made on first sight and kept at stable
// addresses, as the Appender requires.
class DynamicFamilies {
 public:
  // The family for `key`; on first use, make(key) builds it.
  template <typename Make>
  const MetricFamily& Get(std::string_view key, Make make) {
    auto it = families_.find(ToAbsl(key));
    if (it != families_.end()) return *it->second;
    auto f = std::make_unique<MetricFamily>(make(key));
    return *families_.emplace(std::string(key), std::move(f)).first->second;
  }

 private:
  absl::flat_hash_map<std::string, std::unique_ptr<MetricFamily>> families_;
};

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_SERIES_CACHE_H_
