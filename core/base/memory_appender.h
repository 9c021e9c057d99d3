// The plain in-memory Appender: keeps what one collection added, as the
// collector reported it. For tests, benchmarks and tools (e.g. rendering a
// collection as text without an agent). Not thread-safe.
#ifndef OUTPOST_CORE_BASE_MEMORY_APPENDER_H_
#define OUTPOST_CORE_BASE_MEMORY_APPENDER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/base/metric.h"

namespace outpost {

class MemoryAppender final : public Appender {
 public:
  SeriesRef Series(const MetricFamily& family, const Labels& labels,
                   std::string_view suffix = {}) override;
  void Add(SeriesRef ref, double value) override;
  using Appender::Add;

  // Forgets the values (handles stay valid), to start a new collection.
  void Clear();
  // Samples added since the last Clear(), in the order first seen.
  std::vector<CollectedSample> Samples() const;
  // Those samples as text exposition format 0.0.4 (sorted).
  std::string Render() const;
  // The value of the series name{labels}; nullptr when not added.
  const double* Find(std::string_view name, const Labels& labels) const;
  size_t series_count() const { return samples_.size(); }

 private:
  struct Entry {
    CollectedSample sample;
    bool set;  // added since the last Clear()
  };
  std::vector<Entry> samples_;
  absl::flat_hash_map<std::string, SeriesRef> index_;  // name + labels → ref
};

// Renders collected samples (any order) as text exposition format 0.0.4.
std::string RenderCollected(const std::vector<CollectedSample>& samples);

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_MEMORY_APPENDER_H_
