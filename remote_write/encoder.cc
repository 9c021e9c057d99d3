#include "remote_write/encoder.h"

#include <bit>
#include <cstring>

#include "core/base/protobuf_wire.h"
#include "core/base/scratch.h"
#include "snappy-sinksource.h"
#include "snappy.h"

namespace outpost::remote_write {
namespace {

using namespace protowire;  // NOLINT: the wire helpers are this file's vocabulary

// Size of a Sample message body.
inline size_t SampleBody(int64_t t, double v) {
  size_t n = std::bit_cast<uint64_t>(v) != 0 ? 9 : 0;
  if (t != 0) n += 1 + VarintSize(static_cast<uint64_t>(t));
  return n;
}

// Size of a Sample or (with exemplar labels) an Exemplar message body:
// Exemplar{labels = 1, value = 2, timestamp = 3}.
inline size_t ItemBody(const PendingSample& s) {
  if (s.exemplar == nullptr) return SampleBody(s.t, s.v);
  return s.exemplar->size() + SampleBody(s.t, s.v);
}

inline size_t LabelFieldSize(std::string_view name, std::string_view value) {
  const size_t body = StringFieldSize(name) + StringFieldSize(value);
  return 1 + VarintSize(body) + body;
}

inline char* PutLabelField(char* p, std::string_view name, std::string_view value) {
  *p++ = kTagLen1;
  p = PutVarint(p, StringFieldSize(name) + StringFieldSize(value));
  p = PutString(p, kTagLen1, name);
  return PutString(p, kTagLen2, value);
}

size_t SentLabelsSize(const SeriesLabels& s, const Labels* external) {
  size_t n = 0;
  ForEachSentLabel(s, external, [&](std::string_view name, std::string_view value) {
    n += LabelFieldSize(name, value);
  });
  return n;
}

inline uint64_t HashPtr(const void* p) {
  uint64_t x = reinterpret_cast<uintptr_t>(p);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

// A snappy::Sink that appends to a string. snappy asks for room for one
// 64 KiB block at a time, so the string grows to about the compressed size
// instead of MaxCompressedLength(input) (which is larger than the input):
// a 2000-sample request is ~500 KiB of protobuf but ~60 KiB on the wire.
class StringSink : public snappy::Sink {
 public:
  explicit StringSink(std::string* out) : out_(out) { out_->clear(); }
  char* GetAppendBuffer(size_t length, char* /*scratch*/) override {
    const size_t at = out_->size();
    out_->resize(at + length);
    reserved_ = length;
    return out_->data() + at;
  }
  void Append(const char* bytes, size_t n) override {
    // `bytes` is the buffer just handed out (the bytes are in place) or
    // snappy's own (the length header, a scratch block): then copy.
    const size_t at = out_->size() - reserved_;
    if (reserved_ > 0 && bytes == out_->data() + at) {
      out_->resize(at + n);
    } else {
      out_->resize(at);
      out_->append(bytes, n);
    }
    reserved_ = 0;
  }

 private:
  std::string* out_;
  size_t reserved_ = 0;
};

}  // namespace

int PrompbMetricType(MetricType type) {
  // prompb.MetricMetadata.MetricType uses the same numbers as MetricType.
  return static_cast<int>(type);
}

Labels ExternalLabels(const std::map<std::string, std::string>& external_labels) {
  std::vector<Label> v;
  for (const auto& [name, value] : external_labels) v.push_back(Label{name, value});
  return Labels::FromUnsorted(std::move(v));
}

void EncodeLabels(const Labels& labels, SeriesLabels* out) {
  out->set = LabelStore::Default().Intern(labels);
}

void EncodeLabels(const Labels& labels, std::string* out) {
  for (const Label& l : labels) {
    const size_t body = StringFieldSize(l.name) + StringFieldSize(l.value);
    out->push_back(kTagLen1);
    AppendVarint(out, body);
    AppendString(out, kTagLen1, l.name);
    AppendString(out, kTagLen2, l.value);
  }
}

// Generates the WriteRequest of one EncodeSamples call, a TimeSeries header
// or one Sample/Exemplar at a time, into the encoder's chunk buffer.
class BatchEncoder::SamplesSource final : public snappy::Source {
 public:
  SamplesSource(BatchEncoder* enc, absl::Span<const PendingSample> samples)
      : enc_(enc), samples_(samples), left_(enc->proto_size_) {}
  size_t Available() const override { return left_; }
  const char* Peek(size_t* len) override {
    if (pos_ == filled_) Fill();
    *len = filled_ - pos_;
    return enc_->chunk_.data() + pos_;
  }
  void Skip(size_t n) override {
    pos_ += n;
    left_ -= n;
  }

 private:
  // Writes whole items (a TimeSeries header with its labels, or one
  // Sample/Exemplar) while they fit in kChunk; an item larger than that
  // gets a chunk of its own.
  void Fill() {
    std::string& out = enc_->chunk_;
    const std::vector<Group>& groups = enc_->groups_;
    if (out.size() < kChunk) out.resize(kChunk);
    size_t used = 0;
    pos_ = 0;
    while (group_ < groups.size()) {
      const Group& g = groups[group_];
      const PendingSample* s = in_group_ ? &samples_[item_] : nullptr;
      const size_t body = s ? ItemBody(*s) : g.body;
      const size_t size = 1 + VarintSize(body) + (s ? body : g.label_bytes);
      if (used + size > out.size()) {
        if (used > 0) break;
        out.resize(size);
      }
      char* p = out.data() + used;
      if (s == nullptr) {
        *p++ = kTagLen1;
        p = PutVarint(p, body);
        ForEachSentLabel(*g.labels, enc_->external_,
                         [&](std::string_view name, std::string_view value) {
                           p = PutLabelField(p, name, value);
                         });
        in_group_ = true;
        item_ = g.first;
      } else {
        const uint64_t bits = std::bit_cast<uint64_t>(s->v);
        const bool exemplar = s->exemplar != nullptr;
        // TimeSeries.samples = 2, TimeSeries.exemplars = 3.
        *p++ = exemplar ? kTagLen3 : kTagLen2;
        p = PutVarint(p, body);
        if (exemplar) {
          std::memcpy(p, s->exemplar->data(), s->exemplar->size());
          p += s->exemplar->size();
        }
        if (bits != 0) {
          *p++ = exemplar ? kTagFixed64_2 : kTagFixed64_1;
          for (int b = 0; b < 8; ++b) *p++ = static_cast<char>(bits >> (8 * b));
        }
        if (s->t != 0) {
          *p++ = exemplar ? kTagVarint3 : kTagVarint2;
          PutVarint(p, static_cast<uint64_t>(s->t));
        }
        if (item_ == g.last) {
          in_group_ = false;
          ++group_;
        } else {
          item_ = enc_->next_[item_];
        }
      }
      used += size;
    }
    filled_ = used;
  }

  BatchEncoder* enc_;
  absl::Span<const PendingSample> samples_;
  size_t left_;
  size_t pos_ = 0;     // read position in the chunk
  size_t filled_ = 0;  // bytes of the chunk generated
  size_t group_ = 0;
  bool in_group_ = false;
  uint32_t item_ = 0;
};

std::string_view BatchEncoder::EncodeSamples(
    absl::Span<const PendingSample> samples) {
  const size_t n = samples.size();
  groups_.clear();
  next_.resize(n);
  // Table of at least 2n slots, a power of two; stamps make clearing lazy.
  size_t cap = 16;
  while (cap < 2 * n) cap <<= 1;
  if (table_.size() < cap) {
    table_.assign(cap, 0);
    stamp_.assign(cap, 0);
    generation_ = 0;
  }
  cap = table_.size();
  if (++generation_ == 0) {  // wrapped: really clear once
    std::fill(stamp_.begin(), stamp_.end(), 0);
    generation_ = 1;
  }
  const size_t mask = cap - 1;

  // Pass 1: group samples per series and size every TimeSeries.
  for (size_t i = 0; i < n; ++i) {
    const PendingSample& s = samples[i];
    size_t slot = HashPtr(s.labels) & mask;
    uint32_t g;
    for (;;) {
      if (stamp_[slot] != generation_) {
        stamp_[slot] = generation_;
        g = static_cast<uint32_t>(groups_.size());
        table_[slot] = g;
        const size_t label_bytes = SentLabelsSize(*s.labels, external_);
        groups_.push_back(Group{s.labels, static_cast<uint32_t>(i), static_cast<uint32_t>(i),
                                label_bytes, label_bytes});
        break;
      }
      g = table_[slot];
      if (groups_[g].labels == s.labels) {
        next_[groups_[g].last] = static_cast<uint32_t>(i);
        groups_[g].last = static_cast<uint32_t>(i);
        break;
      }
      slot = (slot + 1) & mask;
    }
    const size_t body = ItemBody(s);
    groups_[g].body += 1 + VarintSize(body) + body;
  }
  size_t total = 0;
  for (const Group& g : groups_) total += 1 + VarintSize(g.body) + g.body;

  // Pass 2: the protobuf is generated in chunks as snappy reads it, so a
  // request never exists uncompressed in one piece.
  proto_size_ = total;
  SamplesSource source(this, samples);
  StringSink sink(&compressed_);
  snappy::Compress(&source, &sink);
  ReleaseIfOversized(chunk_, 0, 4 * kChunk);
  return compressed_;
}

std::string_view BatchEncoder::EncodeMetadata(
    absl::Span<const MetadataEntry> metadata) {
  groups_.clear();
  proto_.clear();
  std::string body;
  for (const MetadataEntry& m : metadata) {
    body.clear();
    const int type = PrompbMetricType(m.type);
    if (type != 0) {
      body.push_back(kTagVarint1);
      AppendVarint(&body, static_cast<uint64_t>(type));
    }
    AppendString(&body, kTagLen2, m.family);
    AppendString(&body, kTagLen4, m.help);
    AppendString(&body, kTagLen5, m.unit);
    proto_.push_back(kTagLen3);
    AppendVarint(&proto_, body.size());
    proto_.append(body);
  }
  proto_size_ = proto_.size();
  snappy::ByteArraySource source(proto_.data(), proto_.size());
  StringSink sink(&compressed_);
  snappy::Compress(&source, &sink);
  ReleaseIfOversized(proto_, 0);
  return compressed_;
}

}  // namespace outpost::remote_write
