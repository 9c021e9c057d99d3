// Shared fixture of the WAL log tests: an in-memory Env, writer and reader
// helpers, and a Reporter that keeps every report.
#ifndef OUTPOST_TESTS_CORE_WAL_WAL_TEST_UTIL_H_
#define OUTPOST_TESTS_CORE_WAL_WAL_TEST_UTIL_H_

#include <random>
#include <string>
#include <vector>

#include "core/wal/crc32c.h"
#include "core/wal/format.h"
#include "core/wal/mem_env.h"
#include "core/wal/reader.h"
#include "core/wal/writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outpost::wal {

inline constexpr char kDir[] = "/data/wal";

class CollectingReporter : public Reporter {
 public:
  void Report(const Corruption& c) override { reports.push_back(c); }
  std::vector<Corruption> reports;
};

inline std::string Seg(uint64_t i) { return JoinPath(kDir, SegmentName(i)); }

inline std::string Pattern(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i * 7 + (i >> 8));
  return s;
}

inline std::string Random(size_t n, std::mt19937_64& rng) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

class LogTest : public ::testing::Test {
 protected:
  std::unique_ptr<Writer> OpenWriter(WriterOptions o = {}) {
    o.reporter = &open_reporter_;
    absl::StatusOr<std::unique_ptr<Writer>> w = Writer::Open(&env_, kDir, o);
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? std::move(*w) : nullptr;
  }
  void Write(const std::vector<std::string>& recs, WriterOptions o = {}) {
    auto w = OpenWriter(o);
    for (const auto& r : recs) ASSERT_TRUE(w->AddRecord(r).ok());
    ASSERT_TRUE(w->Close().ok());
  }
  std::vector<std::string> ReadAll(uint64_t first = 0) {
    auto r = Reader::Open(&env_, kDir, &reporter_, first);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> out;
    std::string_view rec;
    while ((*r)->ReadRecord(&rec)) out.emplace_back(rec);
    EXPECT_TRUE((*r)->status().ok()) << (*r)->status();
    torn_ = (*r)->torn_tail();
    corruptions_ = (*r)->corruptions();
    return out;
  }
  // Reads one segment's bytes as a stream (optionally as the last one).
  std::vector<std::string> ReadBytes(const std::string& bytes, bool last = true) {
    env_.SetContents("/scratch", bytes);
    auto f = env_.NewSequentialFile("/scratch");
    SegmentReader r(f->get(), 0, last, &reporter_);
    std::vector<std::string> out;
    std::string_view rec;
    while (r.ReadRecord(&rec)) out.emplace_back(rec);
    torn_ = r.torn_tail();
    corruptions_ = r.corruptions();
    return out;
  }
  std::vector<CorruptionKind> Kinds() const {
    std::vector<CorruptionKind> k;
    for (const auto& c : reporter_.reports) k.push_back(c.kind);
    return k;
  }

  MemEnv env_;
  CollectingReporter reporter_;
  CollectingReporter open_reporter_;
  bool torn_ = false;
  uint64_t corruptions_ = 0;
};

}  // namespace outpost::wal

#endif  // OUTPOST_TESTS_CORE_WAL_WAL_TEST_UTIL_H_
