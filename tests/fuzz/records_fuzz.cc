// Fuzzes the record decoders. The first byte picks the record type; a
// record that decodes must survive encode -> decode unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/label_set.h"
#include "core/wal/records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace outpost::wal;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  switch (GetRecordType(in)) {
    case RecordType::kSeries: {
      std::vector<RefSeries> a, b;
      // The raw decoder (labels left encoded, then canonicalized: what the
      // watcher and replay intern) agrees with the full one.
      std::vector<RawSeries> raw;
      const bool raw_ok = DecodeSeriesRaw(in, &raw).ok();
      if (DecodeSeries(in, &a).ok() != raw_ok) __builtin_trap();
      if (!raw_ok) break;
      if (raw.size() != a.size()) __builtin_trap();
      std::string scratch;
      for (size_t i = 0; i < raw.size(); ++i) {
        outpost::Labels l;
        const std::string_view bytes = outpost::CanonicalLabelBytes(raw[i].labels, &scratch);
        if (raw[i].ref != a[i].ref || !outpost::DecodeLabelBytes(bytes, &l) || l != a[i].labels) {
          __builtin_trap();
        }
      }
      std::string enc;
      EncodeSeries(a, &enc);
      if (!DecodeSeries(enc, &b).ok() || a != b) __builtin_trap();
      break;
    }
    case RecordType::kSamples: {
      std::vector<RefSample> a, b;
      if (!DecodeSamples(in, &a).ok()) break;
      std::string enc;
      EncodeSamples(a, &enc);
      if (!DecodeSamples(enc, &b).ok() || a != b) __builtin_trap();
      break;
    }
    case RecordType::kMetadata: {
      std::vector<RefMetadata> a, b;
      if (!DecodeMetadata(in, &a).ok()) break;
      std::string enc;
      EncodeMetadata(a, &enc);
      if (!DecodeMetadata(enc, &b).ok() || a != b) __builtin_trap();
      break;
    }
    case RecordType::kExemplars: {
      std::vector<RefExemplar> a, b;
      if (!DecodeExemplars(in, &a).ok()) break;
      std::string enc;
      EncodeExemplars(a, &enc);
      if (!DecodeExemplars(enc, &b).ok() || a != b) __builtin_trap();
      break;
    }
    default: {
      // Every decoder must refuse a record of another type without crashing.
      std::vector<RefSeries> s;
      std::vector<RefSample> m;
      std::vector<RefMetadata> d;
      std::vector<RefExemplar> x;
      if (DecodeSeries(in, &s).ok() || DecodeSamples(in, &m).ok() ||
          DecodeMetadata(in, &d).ok() || DecodeExemplars(in, &x).ok()) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
