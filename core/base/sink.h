// Where committed samples go: the storage side of the collection pipeline.
//
// The WAL storage implements it; MemorySink (memory_sink.h) keeps samples in
// memory for tests and tools. Shaped like Prometheus' storage.Appender: one
// SinkAppender per collection round, committed or rolled back as a whole.
#ifndef OUTPOST_CORE_BASE_SINK_H_
#define OUTPOST_CORE_BASE_SINK_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "core/base/labels.h"
#include "core/base/metric.h"

namespace outpost {

// One round's worth of appends. Used by one thread at a time.
class SinkAppender {
 public:
  virtual ~SinkAppender() = default;
  // Returns the sink's reference for `labels` (which include __name__),
  // creating the series if it is new. Callers cache the result: a reference
  // stays valid as long as the series is appended to at least once per
  // truncation period. 0 means the series was rejected (bad labels).
  virtual uint64_t Ref(const Labels& labels) = 0;
  // Metadata of the series' family (TYPE/HELP/UNIT); sinks may ignore it.
  virtual void SetMetadata(uint64_t /*ref*/, const MetricFamily& /*family*/) {}
  virtual void Append(uint64_t ref, int64_t t_ms, double value) = 0;
  // An exemplar of series `ref` (OpenMetrics); sinks may ignore it.
  virtual void AppendExemplar(uint64_t /*ref*/, int64_t /*t_ms*/, double /*value*/,
                              const Labels& /*labels*/) {}
  // Makes the round's samples durable and visible as a whole.
  virtual absl::Status Commit() = 0;
  virtual void Rollback() = 0;
};

// Thread-safe; appenders from several integrations may be open at once.
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual std::unique_ptr<SinkAppender> NewAppender() = 0;
};

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_SINK_H_
