// Encoder: builds the remote-write 1.0 `prometheus.WriteRequest` protobuf
// by hand and compresses it with snappy's block format (never framed).
//
// Wire format (same field numbers as Prometheus' prompb/remote.proto and
// prompb/types.proto; checked byte for byte against libprotobuf in
// tests/remote_write/encoder):
//   WriteRequest   { repeated TimeSeries timeseries = 1;
//                    repeated MetricMetadata metadata = 3; }
//   TimeSeries     { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label          { string name = 1; string value = 2; }
//   Sample         { double value = 1; int64 timestamp = 2; }
//   MetricMetadata { MetricType type = 1; string metric_family_name = 2;
//                    string help = 4; string unit = 5; }
// proto3 rules are followed: fields equal to their zero value are omitted.
//
// Labels: a series' labels are the interned LabelSet the WAL's series table
// and every watcher share (core/base/label_set.h, record encoding); the
// encoder writes them as `Label` fields, merging the endpoint's external
// labels in (a series' own label wins, as Prometheus'
// processExternalLabels) when the series asks for it. A batch is written with one pass to size
// it and one that generates it chunk by chunk while snappy compresses it,
// so a request is held compressed (~1/8 of its size), never whole. Samples
// of one series in a batch are grouped into one TimeSeries, in the order they were given (so per-series
// order is kept), and series appear in order of their first sample.
//
// Thread-safety: a BatchEncoder is used by one thread at a time (one per
// shard). Free functions are thread-safe.
#ifndef OUTPOST_REMOTE_WRITE_ENCODER_H_
#define OUTPOST_REMOTE_WRITE_ENCODER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "core/base/label_set.h"
#include "core/base/labels.h"
#include "core/base/metric.h"

namespace outpost::remote_write {

// Appends the encoded `TimeSeries.labels` fields (field 1, one per label,
// in the order of `labels`, which Labels keeps sorted) to *out (exemplars'
// labels).
void EncodeLabels(const Labels& labels, std::string* out);

// The labels of one series as a watcher keeps them: the shared set. The
// endpoint's external labels are merged in when encoding (BatchEncoder's),
// unless write_relabel_configs saw them already (then they are in `set`
// and the encoder has none): one pointer fewer per series (issue 23).
struct SeriesLabels {
  LabelSet set;
};
// global.external_labels as a sorted label set.
Labels ExternalLabels(const std::map<std::string, std::string>& external_labels);
// Interns `labels` into *out: for tests and tools.
void EncodeLabels(const Labels& labels, SeriesLabels* out);
// Calls f(name, value) for each label the series is sent with, in order:
// its own and the `external` ones (may be null) it does not have.
template <typename F>
void ForEachSentLabel(const SeriesLabels& s, const Labels* external, F&& f) {
  if (external == nullptr || external->empty()) {
    ForEachLabel(s.set.bytes(), f);
    return;
  }
  const Labels& ext = *external;
  size_t j = 0;
  ForEachLabel(s.set.bytes(), [&](std::string_view n, std::string_view v) {
    while (j < ext.size() && std::string_view(ext[j].name) < n) {
      f(std::string_view(ext[j].name), std::string_view(ext[j].value));
      ++j;
    }
    if (j < ext.size() && std::string_view(ext[j].name) == n) ++j;  // the series' own label wins
    f(n, v);
  });
  for (; j < ext.size(); ++j) f(std::string_view(ext[j].name), std::string_view(ext[j].value));
}

// One sample waiting to be sent. `labels` points at the series' labels; it
// identifies the series inside a batch and must stay valid until the batch
// is encoded. `seq` and `ref` are opaque to the
// encoder (the queue uses them for acknowledgement and shard choice).
// With `exemplar` set (EncodeLabels bytes of the exemplar's labels, valid
// like `labels`), the item is an exemplar of the series with value `v` at
// `t`, sent in the series' TimeSeries.exemplars.
struct PendingSample {
  const SeriesLabels* labels = nullptr;
  int64_t t = 0;  // milliseconds
  double v = 0;
  uint64_t seq = 0;
  uint64_t ref = 0;
  const std::string* exemplar = nullptr;
};

// One `MetricMetadata` entry.
struct MetadataEntry {
  std::string family;  // metric_family_name
  MetricType type = MetricType::kUnknown;
  std::string help;
  std::string unit;
};

// prompb.MetricMetadata.MetricType for a MetricType (UNKNOWN=0, COUNTER=1,
// GAUGE=2, HISTOGRAM=3, GAUGEHISTOGRAM=4, SUMMARY=5, INFO=6, STATESET=7).
int PrompbMetricType(MetricType type);

class BatchEncoder {
 public:
  // `external`: the labels merged into every series sent (null: none);
  // must outlive the encoder.
  explicit BatchEncoder(const Labels* external = nullptr) : external_(external) {}

  // Encodes a WriteRequest with the samples grouped per series; returns the
  // snappy-compressed bytes, valid until the next call on this encoder.
  std::string_view EncodeSamples(absl::Span<const PendingSample> samples);
  // Encodes a WriteRequest holding only metadata; snappy-compressed.
  std::string_view EncodeMetadata(absl::Span<const MetadataEntry> metadata);

  // Size of the uncompressed protobuf of the last Encode* call.
  size_t proto_size() const { return proto_size_; }
  // Number of TimeSeries in the last EncodeSamples.
  size_t series_in_last_request() const { return groups_.size(); }

 private:
  struct Group {
    const SeriesLabels* labels;
    uint32_t first;  // index of the first sample; chained through next_
    uint32_t last;
    size_t body;     // bytes of the TimeSeries message body
    size_t label_bytes;  // of which the Label fields
  };
  class SamplesSource;
  // Generated protobuf handed to snappy per chunk (snappy compresses 64 KiB
  // blocks; a chunk ends after the item that crosses this size).
  static constexpr size_t kChunk = 64 << 10;

  const Labels* external_;
  std::vector<Group> groups_;
  std::vector<uint32_t> next_;     // per input sample: next of its series
  std::vector<uint32_t> table_;    // open addressing: group index + 1
  std::vector<uint32_t> stamp_;    // generation per slot (lazy clear)
  uint32_t generation_ = 0;
  size_t proto_size_ = 0;
  std::string chunk_;       // EncodeSamples: the part of the protobuf being read
  std::string proto_;       // EncodeMetadata: the whole (small) protobuf
  std::string compressed_;
};

}  // namespace outpost::remote_write

#endif  // OUTPOST_REMOTE_WRITE_ENCODER_H_
