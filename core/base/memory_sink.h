// A SampleSink that keeps every committed sample in memory, by series.
// For tests and for tools; thread-safe.
#ifndef OUTPOST_CORE_BASE_MEMORY_SINK_H_
#define OUTPOST_CORE_BASE_MEMORY_SINK_H_

#include <map>
#include <mutex>
#include <vector>

#include "core/base/sink.h"

namespace outpost {

class MemorySink final : public SampleSink {
 public:
  struct Point {
    int64_t t_ms;
    double value;
  };
  std::unique_ptr<SinkAppender> NewAppender() override;

  // Snapshot of all series and their samples.
  std::map<Labels, std::vector<Point>> Series() const;
  // Samples of the series whose labels include all of `match`.
  std::vector<std::pair<Labels, std::vector<Point>>> Find(const Labels& match) const;
  size_t commits() const;

 private:
  friend class MemorySinkAppender;
  mutable std::mutex mu_;
  std::vector<Labels> by_ref_;  // ref - 1 → labels
  std::map<Labels, uint64_t> refs_;
  std::map<uint64_t, std::vector<Point>> samples_;
  size_t commits_ = 0;
};

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_MEMORY_SINK_H_
