// WAL record codecs, byte-compatible with Prometheus' tsdb/record/record.go
// (Series = 1, Samples = 2, Exemplars = 4, Metadata = 6).
//
//   Series:   0x01 { ref BE64, n uvarint, (name, value) x n }*
//             strings are uvarint length + bytes; labels in sorted order.
//   Samples:  0x02 [ baseRef BE64, baseT BE64,
//             { dRef varint, dT varint, value BE64 }* ]
//             varint is Go's zigzag PutVarint; every sample, the first
//             included, is a delta against the FIRST sample; no samples =
//             just the type byte.
//   Exemplars: 0x04 [ baseRef BE64, baseT BE64, { dRef varint, dT varint,
//             value BE64, n uvarint, (name, value) x n }* ] (deltas as in
//             Samples; labels as in Series)
//   Metadata: 0x06 { ref uvarint, type byte, nFields uvarint,
//             (name, value) x nFields }*; we write "UNIT" then "HELP", as
//             Prometheus does; unknown fields are skipped when reading.
//
// Encoders append to a caller-owned string (no allocation once it has
// grown). Decoders accept any bytes: they are bounded by the input, append
// to the output vector and return InvalidArgument on malformed input
// (never crash; the output may then hold the entries decoded so far).
// Stateless functions; thread-safe.
#ifndef OUTPOST_CORE_WAL_RECORDS_H_
#define OUTPOST_CORE_WAL_RECORDS_H_

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "core/base/labels.h"
#include "core/base/metric.h"

namespace outpost::wal {

enum class RecordType : uint8_t {
  kUnknown = 255,  // unknown or empty record
  kSeries = 1,
  kSamples = 2,
  kTombstones = 3,
  kExemplars = 4,
  kMmapMarkers = 5,
  kMetadata = 6,
  kHistogramSamples = 7,
  kFloatHistogramSamples = 8,
};

// The type of a record from its first byte (kUnknown for an empty record
// or a value Prometheus does not define up to 13).
RecordType GetRecordType(std::string_view record);

struct RefSeries {
  uint64_t ref = 0;
  Labels labels;
  friend bool operator==(const RefSeries&, const RefSeries&) = default;
};

// A Series record entry with its labels left in the record's encoding:
// `labels` points into the decoded record.
struct RawSeries {
  uint64_t ref = 0;
  std::string_view labels;
};

struct RefSample {
  uint64_t ref = 0;
  int64_t t = 0;  // milliseconds since the epoch
  double v = 0;
  // Values compare by bits, so NaNs (stale markers) compare equal.
  friend bool operator==(const RefSample& a, const RefSample& b) {
    return a.ref == b.ref && a.t == b.t &&
           std::bit_cast<uint64_t>(a.v) == std::bit_cast<uint64_t>(b.v);
  }
};

// An exemplar of series `ref` (OpenMetrics: trace_id=... and a value).
struct RefExemplar {
  uint64_t ref = 0;
  int64_t t = 0;  // milliseconds since the epoch
  double v = 0;
  Labels labels;
  friend bool operator==(const RefExemplar& a, const RefExemplar& b) {
    return a.ref == b.ref && a.t == b.t &&
           std::bit_cast<uint64_t>(a.v) == std::bit_cast<uint64_t>(b.v) && a.labels == b.labels;
  }
};

struct RefMetadata {
  uint64_t ref = 0;
  MetricType type = MetricType::kUnknown;
  std::string unit;
  std::string help;
  friend bool operator==(const RefMetadata&, const RefMetadata&) = default;
};

// Series: the type byte, then one entry per AppendSeriesEntry call.
void EncodeSeries(absl::Span<const RefSeries> series, std::string* out);
void AppendSeriesHeader(std::string* out);
void AppendSeriesEntry(uint64_t ref, const Labels& labels, std::string* out);
// Same with the labels already in the record's encoding (AppendLabels).
void AppendSeriesEntry(uint64_t ref, std::string_view encoded_labels, std::string* out);
// Appends `labels` as records encode a label set: the count, then each
// name and value, all uvarint-length-prefixed. Injective for sorted label
// sets, so the bytes also serve as a compact key (series_table.h).
void AppendLabels(std::string* out, const Labels& labels);

void EncodeSamples(absl::Span<const RefSample> samples, std::string* out);
void EncodeMetadata(absl::Span<const RefMetadata> metadata, std::string* out);
void EncodeExemplars(absl::Span<const RefExemplar> exemplars, std::string* out);

absl::Status DecodeSeries(std::string_view record, std::vector<RefSeries>* out);
// Without decoding the labels (the watcher and replay intern the bytes:
// core/base/label_set.h). Stops at the first malformed entry.
absl::Status DecodeSeriesRaw(std::string_view record, std::vector<RawSeries>* out);
absl::Status DecodeSamples(std::string_view record, std::vector<RefSample>* out);
absl::Status DecodeMetadata(std::string_view record,
                            std::vector<RefMetadata>* out);
absl::Status DecodeExemplars(std::string_view record, std::vector<RefExemplar>* out);

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_RECORDS_H_
