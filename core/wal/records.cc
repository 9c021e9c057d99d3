#include "core/wal/records.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/base/label_set.h"
#include "core/wal/format.h"

namespace outpost::wal {
namespace {

constexpr std::string_view kUnitField = "UNIT";
constexpr std::string_view kHelpField = "HELP";

// Writes into a pre-sized buffer; the caller trims the string afterwards.
inline char* PutUvarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
inline char* PutVarint(char* p, int64_t v) {  // Go's zigzag encoding
  return PutUvarint(p, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void AppendUvarint(std::string* out, uint64_t v) {
  char buf[10];
  out->append(buf, PutUvarint(buf, v) - buf);
}
void AppendString(std::string* out, std::string_view s) {
  AppendUvarint(out, s.size());
  out->append(s);
}
void AppendBE64(std::string* out, uint64_t v) {
  char buf[8];
  PutBE64(buf, v);
  out->append(buf, 8);
}

// A bounded cursor over untrusted bytes; the first error sticks.
class Decoder {
 public:
  explicit Decoder(std::string_view b) : b_(b) {}
  bool ok() const { return ok_; }
  bool empty() const { return b_.empty(); }
  size_t size() const { return b_.size(); }

  uint8_t Byte() {
    if (!Need(1)) return 0;
    auto v = static_cast<uint8_t>(b_[0]);
    b_.remove_prefix(1);
    return v;
  }
  uint64_t BE64() {
    if (!Need(8)) return 0;
    uint64_t v = GetBE64(b_.data());
    b_.remove_prefix(8);
    return v;
  }
  uint64_t Uvarint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!Need(1)) return 0;
      auto c = static_cast<uint8_t>(b_[0]);
      b_.remove_prefix(1);
      if (shift == 63 && c > 1) break;  // overflows 64 bits
      v |= uint64_t{c & 0x7fu} << shift;
      if (c < 0x80) return v;
    }
    ok_ = false;
    return 0;
  }
  int64_t Varint() {
    uint64_t u = Uvarint();
    return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  }
  std::string_view String() {
    uint64_t n = Uvarint();
    if (!ok_ || !Need(n)) return {};
    std::string_view s = b_.substr(0, n);
    b_.remove_prefix(n);
    return s;
  }

 private:
  bool Need(uint64_t n) {
    if (ok_ && b_.size() >= n) return true;
    ok_ = false;
    return false;
  }
  std::string_view b_;
  bool ok_ = true;
};

absl::Status CheckType(Decoder& d, RecordType want, const char* name) {
  if (d.Byte() != static_cast<uint8_t>(want) || !d.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("not a ", name, " record"));
  }
  return absl::OkStatus();
}

// A label set as Series and Exemplars records hold it: a uvarint count,
// then (name, value) strings.
// Reads one (check d.ok() after). Exact size, so no growth slack is kept
// per series; a label takes at least two bytes, which bounds what
// untrusted input can make us reserve.
std::vector<Label> ReadLabels(Decoder& d) {
  const uint64_t n = d.Uvarint();
  std::vector<Label> labels;
  labels.reserve(static_cast<size_t>(std::min<uint64_t>(n, d.size() / 2)));
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    std::string_view name = d.String();
    std::string_view value = d.String();
    if (d.ok()) labels.push_back(Label{std::string(name), std::string(value)});
  }
  return labels;
}

}  // namespace

RecordType GetRecordType(std::string_view record) {
  if (record.empty()) return RecordType::kUnknown;
  auto t = static_cast<uint8_t>(record[0]);
  if (t >= 1 && t <= 8) return static_cast<RecordType>(t);
  return RecordType::kUnknown;
}

void AppendSeriesHeader(std::string* out) {
  out->push_back(static_cast<char>(RecordType::kSeries));
}

void AppendLabels(std::string* out, const Labels& labels) { AppendLabelBytes(out, labels); }

void AppendSeriesEntry(uint64_t ref, const Labels& labels, std::string* out) {
  AppendBE64(out, ref);
  AppendLabels(out, labels);
}

void AppendSeriesEntry(uint64_t ref, std::string_view encoded_labels, std::string* out) {
  AppendBE64(out, ref);
  out->append(encoded_labels);
}

void EncodeSeries(absl::Span<const RefSeries> series, std::string* out) {
  AppendSeriesHeader(out);
  for (const RefSeries& s : series) AppendSeriesEntry(s.ref, s.labels, out);
}

void EncodeSamples(absl::Span<const RefSample> samples, std::string* out) {
  const size_t start = out->size();
  // Upper bound: type, base ref and time, then 10 + 10 + 8 per sample.
  out->resize(start + 17 + samples.size() * 28);
  char* p = out->data() + start;
  *p++ = static_cast<char>(RecordType::kSamples);
  if (!samples.empty()) {
    const uint64_t base_ref = samples[0].ref;
    const int64_t base_t = samples[0].t;
    PutBE64(p, base_ref);
    PutBE64(p + 8, static_cast<uint64_t>(base_t));
    p += 16;
    for (const RefSample& s : samples) {
      p = PutVarint(p, static_cast<int64_t>(s.ref - base_ref));
      p = PutVarint(p, static_cast<int64_t>(static_cast<uint64_t>(s.t) -
                                            static_cast<uint64_t>(base_t)));
      PutBE64(p, std::bit_cast<uint64_t>(s.v));
      p += 8;
    }
  }
  out->resize(p - out->data());
}

void EncodeMetadata(absl::Span<const RefMetadata> metadata, std::string* out) {
  out->push_back(static_cast<char>(RecordType::kMetadata));
  for (const RefMetadata& m : metadata) {
    AppendUvarint(out, m.ref);
    out->push_back(static_cast<char>(m.type));
    AppendUvarint(out, 2);
    AppendString(out, kUnitField);
    AppendString(out, m.unit);
    AppendString(out, kHelpField);
    AppendString(out, m.help);
  }
}

void EncodeExemplars(absl::Span<const RefExemplar> exemplars, std::string* out) {
  out->push_back(static_cast<char>(RecordType::kExemplars));
  if (exemplars.empty()) return;
  const uint64_t base_ref = exemplars[0].ref;
  const int64_t base_t = exemplars[0].t;
  AppendBE64(out, base_ref);
  AppendBE64(out, static_cast<uint64_t>(base_t));
  for (const RefExemplar& e : exemplars) {
    char buf[20];
    char* p = PutVarint(buf, static_cast<int64_t>(e.ref - base_ref));
    p = PutVarint(p, static_cast<int64_t>(static_cast<uint64_t>(e.t) -
                                          static_cast<uint64_t>(base_t)));
    out->append(buf, p - buf);
    AppendBE64(out, std::bit_cast<uint64_t>(e.v));
    AppendLabels(out, e.labels);
  }
}

absl::Status DecodeExemplars(std::string_view record, std::vector<RefExemplar>* out) {
  Decoder d(record);
  if (absl::Status s = CheckType(d, RecordType::kExemplars, "Exemplars"); !s.ok()) return s;
  if (d.empty()) return absl::OkStatus();
  const uint64_t base_ref = d.BE64();
  const uint64_t base_t = d.BE64();
  while (d.ok() && !d.empty()) {
    const int64_t dref = d.Varint();
    const int64_t dt = d.Varint();
    const uint64_t bits = d.BE64();
    std::vector<Label> labels = ReadLabels(d);
    if (!d.ok()) break;
    out->push_back(RefExemplar{base_ref + static_cast<uint64_t>(dref),
                               static_cast<int64_t>(base_t + static_cast<uint64_t>(dt)),
                               std::bit_cast<double>(bits),
                               Labels::FromUnsorted(std::move(labels))});
  }
  if (!d.ok()) return absl::InvalidArgumentError("truncated Exemplars record");
  return absl::OkStatus();
}

absl::Status DecodeSeries(std::string_view record, std::vector<RefSeries>* out) {
  Decoder d(record);
  if (absl::Status s = CheckType(d, RecordType::kSeries, "Series"); !s.ok()) return s;
  while (!d.empty()) {
    const uint64_t ref = d.BE64();
    std::vector<Label> labels = ReadLabels(d);
    if (!d.ok()) return absl::InvalidArgumentError("truncated Series record");
    out->push_back(RefSeries{ref, Labels::FromUnsorted(std::move(labels))});
  }
  return absl::OkStatus();
}

absl::Status DecodeSeriesRaw(std::string_view record, std::vector<RawSeries>* out) {
  Decoder d(record);
  if (absl::Status s = CheckType(d, RecordType::kSeries, "Series"); !s.ok()) return s;
  std::string_view rest = record.substr(1);
  while (!rest.empty()) {
    if (rest.size() < 8) return absl::InvalidArgumentError("truncated Series record");
    const uint64_t ref = GetBE64(rest.data());
    rest.remove_prefix(8);
    const size_t n = LabelBytesLength(rest);
    if (n == 0) return absl::InvalidArgumentError("truncated Series record");
    out->push_back(RawSeries{ref, rest.substr(0, n)});
    rest.remove_prefix(n);
  }
  return absl::OkStatus();
}

absl::Status DecodeSamples(std::string_view record, std::vector<RefSample>* out) {
  Decoder d(record);
  if (absl::Status s = CheckType(d, RecordType::kSamples, "Samples"); !s.ok()) return s;
  if (d.empty()) return absl::OkStatus();
  const uint64_t base_ref = d.BE64();
  const uint64_t base_t = d.BE64();
  // Each sample takes at least 10 bytes: reserving from the input size is
  // bounded by it. Grow geometrically: callers append many records to one
  // vector, and an exact reserve per record would copy it every time.
  const size_t needed = out->size() + d.size() / 10;
  if (out->capacity() < needed) out->reserve(std::max(needed, 2 * out->capacity()));
  while (d.ok() && !d.empty()) {
    const int64_t dref = d.Varint();
    const int64_t dt = d.Varint();
    const uint64_t bits = d.BE64();
    if (!d.ok()) break;
    // Wrapping arithmetic on unsigned values, as Go's int64 addition.
    out->push_back(RefSample{base_ref + static_cast<uint64_t>(dref),
                             static_cast<int64_t>(base_t + static_cast<uint64_t>(dt)),
                             std::bit_cast<double>(bits)});
  }
  if (!d.ok()) return absl::InvalidArgumentError("truncated Samples record");
  return absl::OkStatus();
}

absl::Status DecodeMetadata(std::string_view record,
                            std::vector<RefMetadata>* out) {
  Decoder d(record);
  if (absl::Status s = CheckType(d, RecordType::kMetadata, "Metadata"); !s.ok()) {
    return s;
  }
  while (d.ok() && !d.empty()) {
    RefMetadata m;
    m.ref = d.Uvarint();
    const uint8_t type = d.Byte();
    // Unknown type codes read as unknown, as Prometheus' ToMetricType does.
    m.type = type <= static_cast<uint8_t>(MetricType::kStateset)
                 ? static_cast<MetricType>(type)
                 : MetricType::kUnknown;
    const uint64_t fields = d.Uvarint();
    for (uint64_t i = 0; i < fields && d.ok(); ++i) {
      std::string_view name = d.String();
      std::string_view value = d.String();
      if (name == kUnitField) {
        m.unit.assign(value);
      } else if (name == kHelpField) {
        m.help.assign(value);
      }
    }
    if (!d.ok()) break;
    out->push_back(std::move(m));
  }
  if (!d.ok()) return absl::InvalidArgumentError("truncated Metadata record");
  return absl::OkStatus();
}

}  // namespace outpost::wal
