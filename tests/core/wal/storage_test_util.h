// Helpers of the WAL storage tests: read a WAL directory back with the
// log Reader and the record decoders.
#ifndef OUTPOST_TESTS_CORE_WAL_STORAGE_TEST_UTIL_H_
#define OUTPOST_TESTS_CORE_WAL_STORAGE_TEST_UTIL_H_

#include <string>
#include <vector>

#include "core/wal/reader.h"
#include "core/wal/records.h"
#include "gtest/gtest.h"

namespace outpost::wal {

struct DecodedWal {
  std::vector<RecordType> types;  // in log order
  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::vector<RefMetadata> metadata;
  uint64_t corruptions = 0;
};

class CountingReporter : public Reporter {
 public:
  void Report(const Corruption&) override { ++count; }
  int count = 0;
};

// Reads `dir` (segments from `first` on) and decodes every record.
inline DecodedWal ReadWal(Env* env, const std::string& dir, uint64_t first = 0) {
  DecodedWal out;
  CountingReporter rep;
  auto r = Reader::Open(env, dir, &rep, first);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return out;
  std::string_view rec;
  while ((*r)->ReadRecord(&rec)) {
    RecordType t = GetRecordType(rec);
    out.types.push_back(t);
    absl::Status s;
    if (t == RecordType::kSeries) s = DecodeSeries(rec, &out.series);
    if (t == RecordType::kSamples) s = DecodeSamples(rec, &out.samples);
    if (t == RecordType::kMetadata) s = DecodeMetadata(rec, &out.metadata);
    EXPECT_TRUE(s.ok()) << s;
  }
  EXPECT_TRUE((*r)->status().ok()) << (*r)->status();
  out.corruptions = rep.count;
  return out;
}

inline Labels Series(const std::string& name, int i) {
  return Labels{{"__name__", name}, {"i", std::to_string(i)}, {"job", "integrations/test"}};
}

}  // namespace outpost::wal

#endif  // OUTPOST_TESTS_CORE_WAL_STORAGE_TEST_UTIL_H_
