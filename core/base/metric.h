// The interface every collector writes into.
//
// A collector describes each metric family once (MetricFamily, usually a
// member built in its constructor), asks the Appender for a handle to each
// series it reports (Series), keeps that handle between collections, and
// adds one value per handle per collection (Add). The timestamp of every
// sample is the collection's, set by whoever drives the Appender.
//
// Two implementations exist: the collection pipeline of the agent (target
// labels, relabeling, WAL) and a plain in-memory one used by tests and by
// tools. A handle (SeriesRef) is only meaningful to the Appender that
// returned it, and stays valid for that Appender's whole lifetime, so a
// steady-state collection costs one Add per sample: no label hashing and no
// allocation.
//
// Thread-safety: an Appender is used by one collection at a time.
#ifndef OUTPOST_CORE_BASE_METRIC_H_
#define OUTPOST_CORE_BASE_METRIC_H_

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/labels.h"

namespace outpost {

// Values are Prometheus' record.MetricType / textparse metric types
// (tsdb/record/record.go), so they go to the WAL's Metadata records as-is.
enum class MetricType : uint8_t {
  kUnknown = 0,
  kCounter = 1,
  kGauge = 2,
  kHistogram = 3,
  kGaugeHistogram = 4,
  kSummary = 5,
  kInfo = 6,
  kStateset = 7,
};

// "counter", "gauge", "histogram", "gaugehistogram", "summary", "info",
// "stateset", "untyped" (for kUnknown): the exposition format's TYPE words.
std::string_view MetricTypeName(MetricType t);

struct MetricFamily {
  std::string name;  // e.g. "node_cpu_seconds_total"
  MetricType type = MetricType::kUnknown;
  std::string help;
  std::string unit;  // optional, OpenMetrics UNIT
};

// Prometheus' staleness marker (model/value.StaleNaN): a NaN with this exact
// bit pattern, compared by bits, never by value.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
inline double StaleNaN() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

// Opaque series handle; 0 is never a valid handle.
using SeriesRef = uint64_t;

// One sample of a collection as its collector reported it (no target
// labels), e.g. what /integrations/<name>/metrics shows.
struct CollectedSample {
  const MetricFamily* family;
  std::string name;  // family->name + suffix
  Labels labels;
  double value;
};

class Appender {
 public:
  virtual ~Appender() = default;

  // Returns the handle of the series named family.name + suffix with
  // `labels` (which must not contain __name__). `suffix` is "" or, for
  // histograms and summaries, "_bucket", "_sum", "_count". `family` must
  // outlive the Appender (collectors keep their families as members).
  // A series that relabeling drops still gets a handle; adds to it are
  // discarded.
  virtual SeriesRef Series(const MetricFamily& family, const Labels& labels,
                           std::string_view suffix = {}) = 0;

  // Records `value` for the series at the collection's timestamp. Adding to
  // the same handle twice in one collection keeps the last value.
  virtual void Add(SeriesRef ref, double value) = 0;

  // Convenience for collectors that do not cache handles.
  void Add(const MetricFamily& family, const Labels& labels, double value,
           std::string_view suffix = {}) {
    Add(Series(family, labels, suffix), value);
  }
};

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_METRIC_H_
