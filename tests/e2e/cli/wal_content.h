// Reads a whole WAL directory written by the agent (series, samples,
// metadata), for end-to-end tests.
#ifndef OUTPOST_TESTS_E2E_CLI_WAL_CONTENT_H_
#define OUTPOST_TESTS_E2E_CLI_WAL_CONTENT_H_

#include <map>
#include <string>
#include <vector>

#include "core/wal/reader.h"
#include "core/wal/records.h"
#include "gtest/gtest.h"

namespace outpost::testing {

struct WalContent {
  std::map<uint64_t, Labels> series;
  std::map<uint64_t, std::vector<wal::RefSample>> samples;
  std::map<uint64_t, wal::RefMetadata> metadata;
  uint64_t corruptions = 0;
};

inline WalContent ReadWal(const std::string& dir) {
  WalContent c;
  auto reader = wal::Reader::Open(wal::Env::Default(), dir, nullptr);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return c;
  std::string_view rec;
  std::vector<wal::RefSeries> series;
  std::vector<wal::RefSample> samples;
  std::vector<wal::RefMetadata> meta;
  while ((*reader)->ReadRecord(&rec)) {
    switch (wal::GetRecordType(rec)) {
      case wal::RecordType::kSeries:
        series.clear();
        EXPECT_TRUE(wal::DecodeSeries(rec, &series).ok());
        for (auto& s : series) c.series[s.ref] = s.labels;
        break;
      case wal::RecordType::kSamples:
        samples.clear();
        EXPECT_TRUE(wal::DecodeSamples(rec, &samples).ok());
        for (auto& s : samples) {
          EXPECT_TRUE(c.series.count(s.ref)) << "sample before its series";
          c.samples[s.ref].push_back(s);
        }
        break;
      case wal::RecordType::kMetadata:
        meta.clear();
        EXPECT_TRUE(wal::DecodeMetadata(rec, &meta).ok());
        for (auto& m : meta) c.metadata[m.ref] = m;
        break;
      default:
        ADD_FAILURE() << "unexpected record type";
    }
  }
  c.corruptions = (*reader)->corruptions();
  return c;
}

// Samples of `name` with job/instance, oldest first within each series.
inline std::vector<wal::RefSample> Samples(const WalContent& c, const std::string& name,
                                           const std::string& job, const std::string& instance) {
  std::vector<wal::RefSample> out;
  for (auto& [ref, l] : c.series) {
    if (l.Get("__name__") == name && l.Get("job") == job && l.Get("instance") == instance &&
        c.samples.count(ref)) {
      for (const wal::RefSample& s : c.samples.at(ref)) out.push_back(s);
    }
  }
  return out;
}

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_E2E_CLI_WAL_CONTENT_H_
