// WAL storage: append/commit, replay, validation, rollback, concurrency,
// torn tails. Crash and truncation tests are in storage_*_test.cc.
#include "core/wal/storage.h"

#include <stdlib.h>

#include <cmath>
#include <thread>

#include "core/wal/mem_env.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/wal/storage_test_util.h"

namespace outpost::wal {
namespace {

using ::testing::ElementsAre;

constexpr char kWal[] = "/data/integrations/wal";

class StorageTest : public ::testing::Test {
 protected:
  std::unique_ptr<Storage> Open(StorageOptions o = {}) {
    auto s = Storage::Open(&env_, kWal, o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::move(*s) : nullptr;
  }
  MemEnv env_;
};

TEST_F(StorageTest, CommitWritesSeriesSamplesMetadataInOrder) {
  auto st = Open();
  MetricFamily fam{"up", MetricType::kGauge, "Is it up.", ""};
  auto app = st->NewAppender();
  uint64_t a = app->Ref(Series("up", 1));
  uint64_t b = app->Ref(Series("up", 2));
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  app->SetMetadata(a, fam);
  app->SetMetadata(b, fam);
  app->Append(a, 1000, 1.0);
  app->Append(b, 1000, 0.0);
  ASSERT_TRUE(app->Commit().ok());
  // Steady state: cached refs, same metadata -> no new Series/Metadata.
  app->SetMetadata(a, fam);
  app->Append(a, 2000, 1.0);
  app->Append(b, 2000, StaleNaN());
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(st->Close().ok());

  DecodedWal w = ReadWal(&env_, kWal);
  EXPECT_THAT(w.types, ElementsAre(RecordType::kSeries, RecordType::kSamples,
                                   RecordType::kMetadata, RecordType::kSamples));
  EXPECT_THAT(w.series, ElementsAre(RefSeries{1, Series("up", 1)},
                                    RefSeries{2, Series("up", 2)}));
  EXPECT_THAT(w.samples, ElementsAre(RefSample{1, 1000, 1.0}, RefSample{2, 1000, 0.0},
                                     RefSample{1, 2000, 1.0},
                                     RefSample{2, 2000, StaleNaN()}));
  EXPECT_THAT(w.metadata,
              ElementsAre(RefMetadata{1, MetricType::kGauge, "", "Is it up."},
                          RefMetadata{2, MetricType::kGauge, "", "Is it up."}));
  EXPECT_EQ(w.corruptions, 0u);
}

TEST_F(StorageTest, LargeCommitIsSplitIntoBoundedRecordsInOrder) {
  // 2.5 records' worth of new series: Series, Samples and Metadata records
  // of at most kMaxRecordEntries entries each, in that order, holding every
  // entry once and in order; replay finds them all.
  const int n = static_cast<int>(2 * kMaxRecordEntries + kMaxRecordEntries / 2);
  MetricFamily fam{"m", MetricType::kCounter, "help", ""};
  {
    auto st = Open();
    auto app = st->NewAppender();
    for (int i = 0; i < n; ++i) {
      uint64_t r = app->Ref(Series("m", i));
      app->SetMetadata(r, fam);
      app->Append(r, 1000 + i, i);
    }
    ASSERT_TRUE(app->Commit().ok());
    ASSERT_TRUE(st->Close().ok());
  }
  DecodedWal w = ReadWal(&env_, kWal);
  using T = RecordType;
  EXPECT_THAT(w.types, ElementsAre(T::kSeries, T::kSeries, T::kSeries, T::kSamples, T::kSamples,
                                   T::kSamples, T::kMetadata, T::kMetadata, T::kMetadata));
  ASSERT_EQ(w.series.size(), static_cast<size_t>(n));
  ASSERT_EQ(w.samples.size(), static_cast<size_t>(n));
  ASSERT_EQ(w.metadata.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(w.series[i], (RefSeries{static_cast<uint64_t>(i + 1), Series("m", i)})) << i;
    EXPECT_EQ(w.samples[i], (RefSample{static_cast<uint64_t>(i + 1), 1000 + i, double(i)})) << i;
    EXPECT_EQ(w.metadata[i].ref, static_cast<uint64_t>(i + 1)) << i;
  }
  auto st = Open();
  EXPECT_EQ(st->stats().active_series, static_cast<uint64_t>(n));
  EXPECT_EQ(st->LookupRef(Series("m", n - 1)), static_cast<uint64_t>(n));
  EXPECT_EQ(st->LastTimestamp(n), 1000 + n - 1);
}

TEST_F(StorageTest, ChangedMetadataIsWrittenAgain) {
  auto st = Open();
  MetricFamily fam{"x", MetricType::kGauge, "old", ""};
  auto app = st->NewAppender();
  uint64_t r = app->Ref(Series("x", 1));
  app->SetMetadata(r, fam);
  app->Append(r, 1, 1);
  ASSERT_TRUE(app->Commit().ok());
  fam.help = "new";
  fam.unit = "seconds";
  app->SetMetadata(r, fam);
  app->Append(r, 2, 1);
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(st->Close().ok());
  DecodedWal w = ReadWal(&env_, kWal);
  EXPECT_THAT(w.metadata,
              ElementsAre(RefMetadata{1, MetricType::kGauge, "", "old"},
                          RefMetadata{1, MetricType::kGauge, "seconds", "new"}));
}

TEST_F(StorageTest, ReopenRestoresRefsTimestampsAndMetadata) {
  MetricFamily fam{"m", MetricType::kCounter, "help", ""};
  {
    auto st = Open();
    auto app = st->NewAppender();
    for (int i = 0; i < 5; ++i) {
      uint64_t r = app->Ref(Series("m", i));
      app->SetMetadata(r, fam);
      app->Append(r, 100 + i, i);
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  auto st = Open();
  EXPECT_EQ(st->stats().active_series, 5u);
  EXPECT_EQ(st->LookupRef(Series("m", 3)), 4u);
  EXPECT_EQ(st->LastTimestamp(4), 103);
  auto app = st->NewAppender();
  EXPECT_EQ(app->Ref(Series("m", 3)), 4u);     // same ref for same labels
  EXPECT_EQ(app->Ref(Series("m", 99)), 6u);    // next ref continues
  app->SetMetadata(4, fam);                    // unchanged: not rewritten
  app->Append(4, 103, 7);                      // equal timestamp: rejected
  app->Append(4, 50, 7);                       // older: rejected
  app->Append(4, 104, 7);
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(st->stats().out_of_order_samples, 2u);
  ASSERT_TRUE(st->Close().ok());

  // The new segment holds only series 6 and the one accepted sample.
  DecodedWal w = ReadWal(&env_, kWal, 1);
  EXPECT_THAT(w.types, ElementsAre(RecordType::kSeries, RecordType::kSamples));
  EXPECT_THAT(w.series, ElementsAre(RefSeries{6, Series("m", 99)}));
  EXPECT_THAT(w.samples, ElementsAre(RefSample{4, 104, 7}));
}

TEST_F(StorageTest, OutOfOrderWithinOneCommitAndAcrossAppenders) {
  auto st = Open();
  auto a1 = st->NewAppender();
  auto a2 = st->NewAppender();
  uint64_t r = a1->Ref(Series("s", 1));
  EXPECT_EQ(a2->Ref(Series("s", 1)), r);
  a1->Append(r, 10, 1);
  a1->Append(r, 10, 2);   // duplicate timestamp in the same commit
  a1->Append(r, 11, StaleNaN());
  a1->Append(r, 11, 3);   // a value after a stale marker at the same time
  ASSERT_TRUE(a1->Commit().ok());
  a2->Append(r, 5, 1);
  ASSERT_TRUE(a2->Commit().ok());
  EXPECT_EQ(st->stats().out_of_order_samples, 3u);
  EXPECT_EQ(st->stats().samples_appended, 2u);
  ASSERT_TRUE(st->Close().ok());
  DecodedWal w = ReadWal(&env_, kWal);
  EXPECT_THAT(w.samples, ElementsAre(RefSample{r, 10, 1}, RefSample{r, 11, StaleNaN()}));
  // The Series record is written once although both appenders saw it new.
  EXPECT_EQ(w.series.size(), 1u);
}

TEST_F(StorageTest, BadLabelsAreRejectedEmptyValuesDropped) {
  auto st = Open();
  auto app = st->NewAppender();
  EXPECT_EQ(app->Ref(Labels{}), 0u);
  EXPECT_EQ(app->Ref(Labels{{"", "x"}, {"__name__", "a"}}), 0u);
  EXPECT_EQ(app->Ref(Labels{{"a", ""}}), 0u);  // nothing left
  // Labels keeps its invariants, so build a bad one through FromUnsorted's
  // contract is impossible; empty values are dropped by Labels already.
  uint64_t r = app->Ref(Labels{{"__name__", "a"}, {"b", ""}});
  EXPECT_NE(r, 0u);
  EXPECT_EQ(app->Ref(Labels{{"__name__", "a"}}), r);
  EXPECT_EQ(st->stats().rejected_series, 3u);
  app->Append(r, 1, 1);
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(st->Close().ok());
  DecodedWal w = ReadWal(&env_, kWal);
  EXPECT_THAT(w.series, ElementsAre(RefSeries{r, Labels{{"__name__", "a"}}}));
}

TEST_F(StorageTest, RollbackDropsSamplesButLogsNewSeries) {
  auto st = Open();
  uint64_t r;
  {
    auto app = st->NewAppender();
    r = app->Ref(Series("r", 1));
    app->Append(r, 1, 1);
    app->Rollback();
    // The appender is reusable after a rollback.
    app->Append(r, 2, 2);
    ASSERT_TRUE(app->Commit().ok());
    app->Append(r, 3, 3);
    // Destroyed without Commit: rolled back.
  }
  EXPECT_EQ(st->LastTimestamp(r), 2);
  ASSERT_TRUE(st->Close().ok());
  DecodedWal w = ReadWal(&env_, kWal);
  EXPECT_THAT(w.types, ElementsAre(RecordType::kSeries, RecordType::kSamples));
  EXPECT_THAT(w.samples, ElementsAre(RefSample{r, 2, 2}));
}

TEST_F(StorageTest, UnknownRefIsDroppedAndCounted) {
  auto st = Open();
  auto app = st->NewAppender();
  app->Append(42, 1, 1);
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(st->stats().unknown_ref_samples, 1u);
  EXPECT_EQ(st->stats().samples_appended, 0u);
}

TEST_F(StorageTest, ConcurrentAppendersFromFourThreads) {
  auto st = Open(StorageOptions{.segment_size = 4 * kPageSize});
  constexpr int kThreads = 4, kSeries = 50, kRounds = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto app = st->NewAppender();
      std::vector<uint64_t> refs;
      // Threads share half of their series, so Ref races on new series.
      for (int i = 0; i < kSeries; ++i) {
        refs.push_back(app->Ref(Series(i % 2 ? "shared" : "own" + std::to_string(t), i)));
      }
      for (int round = 1; round <= kRounds; ++round) {
        for (int i = 0; i < kSeries; ++i) {
          if (i % 2 == 0) app->Append(refs[i], round, t);
        }
        ASSERT_TRUE(app->Commit().ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  const StorageStats s = st->stats();
  EXPECT_EQ(s.active_series, kThreads * kSeries / 2 + kSeries / 2);
  EXPECT_EQ(s.samples_appended, kThreads * kRounds * kSeries / 2);
  EXPECT_EQ(st->generation(), static_cast<uint64_t>(kThreads * kRounds));
  ASSERT_TRUE(st->Close().ok());
  DecodedWal w = ReadWal(&env_, kWal);
  EXPECT_EQ(w.series.size(), s.active_series);  // each series logged once
  EXPECT_EQ(w.samples.size(), s.samples_appended);
  // Every sample's Series record comes before it in the log.
  absl::flat_hash_map<uint64_t, bool> seen;
  for (const auto& x : w.series) seen[x.ref] = true;
  for (const auto& x : w.samples) EXPECT_TRUE(seen.contains(x.ref));
}

TEST_F(StorageTest, NotificationAfterCommit) {
  auto st = Open();
  int calls = 0;
  int id = st->Subscribe([&] { ++calls; });
  const uint64_t g0 = st->generation();
  std::thread waiter([&] { EXPECT_GT(st->WaitForCommit(g0, absl::Seconds(30)), g0); });
  auto app = st->NewAppender();
  app->Append(app->Ref(Series("n", 1)), 1, 1);
  ASSERT_TRUE(app->Commit().ok());
  waiter.join();
  EXPECT_EQ(calls, 1);
  st->Unsubscribe(id);
  app->Append(1, 2, 1);
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(st->generation(), g0 + 2);
  // Timing out returns the unchanged generation.
  EXPECT_EQ(st->WaitForCommit(g0 + 2, absl::Milliseconds(1)), g0 + 2);
}

TEST_F(StorageTest, CommitAfterCloseFails) {
  auto st = Open();
  ASSERT_TRUE(st->Close().ok());
  auto app = st->NewAppender();
  app->Append(app->Ref(Series("c", 1)), 1, 1);
  EXPECT_FALSE(app->Commit().ok());
}

// Torn tail: cut the last segment at several offsets; reopen succeeds and
// every commit wholly before the cut is replayed.
TEST_F(StorageTest, TornTailKeepsEveryRecordBeforeTheCut) {
  std::vector<uint64_t> commit_end;  // segment offset after each commit
  {
    auto st = Open(StorageOptions{.compress = false});
    auto app = st->NewAppender();
    for (int c = 0; c < 30; ++c) {
      for (int i = 0; i < 40; ++i) app->Append(app->Ref(Series("t", i)), c + 1, c);
      ASSERT_TRUE(app->Commit().ok());
      commit_end.push_back(env_.Contents(std::string(kWal) + "/00000000").size());
    }
  }
  const std::string seg = std::string(kWal) + "/00000000";
  const std::string full = env_.Contents(seg);
  for (uint64_t cut : {commit_end[0] - 1, commit_end[3] + 5, commit_end[10] + 100,
                       commit_end[20], commit_end[28] + 1, uint64_t{kPageSize + 3}}) {
    SCOPED_TRACE(cut);
    MemEnv env;
    env.SetContents(seg, full.substr(0, cut));
    // Whole commits before the cut.
    int whole = 0;
    while (whole < 30 && commit_end[whole] <= cut) ++whole;
    auto st = Storage::Open(&env, kWal, {});
    ASSERT_TRUE(st.ok()) << st.status();
    const StorageStats s = (*st)->stats();
    if (whole == 0) {
      // The first commit's Series record may be whole, its samples not.
      EXPECT_FALSE((*st)->LastTimestamp(1).has_value() && *(*st)->LastTimestamp(1) > 0);
    } else {
      EXPECT_EQ(s.active_series, 40u);
      EXPECT_EQ((*st)->LastTimestamp(1), whole);
    }
    // Appending after the repair works and the log reads back cleanly.
    auto app = (*st)->NewAppender();
    app->Append(app->Ref(Series("t", 0)), 1000, 1);
    ASSERT_TRUE(app->Commit().ok());
    ASSERT_TRUE((*st)->Close().ok());
    DecodedWal w = ReadWal(&env, kWal);
    EXPECT_EQ(w.corruptions, 0u);
    EXPECT_EQ(w.samples.size(), whole * 40u + 1);
  }
}

TEST_F(StorageTest, DamagedMiddleSegmentIsCountedAndReplayGoesOn) {
  {
    auto st = Open(StorageOptions{.segment_size = 2 * kPageSize, .compress = false});
    auto app = st->NewAppender();
    for (int c = 0; c < 1000; ++c) {
      for (int i = 0; i < 20; ++i) app->Append(app->Ref(Series("d", i)), c + 1, c);
      ASSERT_TRUE(app->Commit().ok());
    }
  }
  // Flip a byte in the data of segment 1 (not the last one).
  const std::string seg1 = std::string(kWal) + "/00000001";
  std::string bytes = env_.Contents(seg1);
  ASSERT_GT(bytes.size(), 1000u);
  bytes[500] ^= 0x55;
  env_.SetContents(seg1, bytes);
  auto st = Open();
  ASSERT_NE(st, nullptr);
  EXPECT_GE(st->stats().corruptions, 1u);
  EXPECT_EQ(st->stats().active_series, 20u);
  EXPECT_EQ(st->LastTimestamp(1), 1000);  // later segments still replayed
}

TEST_F(StorageTest, CheckpointIsReplayedBeforeLaterSegments) {
  // Hand-written checkpoint.00000000 with series 7, then segment 1 with a
  // sample for it: refs from checkpoints are honoured.
  {
    auto w = Writer::Open(&env_, std::string(kWal) + "/checkpoint.00000000", {});
    ASSERT_TRUE(w.ok());
    std::string rec;
    EncodeSeries({RefSeries{7, Series("cp", 1)}}, &rec);
    ASSERT_TRUE((*w)->AddRecord(rec).ok());
    rec.clear();
    EncodeSamples({RefSample{7, 500, 1}}, &rec);
    ASSERT_TRUE((*w)->AddRecord(rec).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  auto st = Open();
  EXPECT_EQ(st->LookupRef(Series("cp", 1)), 7u);
  EXPECT_EQ(st->LastTimestamp(7), 500);
  auto app = st->NewAppender();
  EXPECT_EQ(app->Ref(Series("cp", 2)), 8u);
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(st->Close().ok());
  // The writer started after the checkpoint: segment 1.
  EXPECT_TRUE(env_.FileExists(std::string(kWal) + "/00000001"));
}

TEST_F(StorageTest, DuplicateSeriesRecordsKeepTheFirstRef) {
  {
    auto w = Writer::Open(&env_, kWal, {});
    ASSERT_TRUE(w.ok());
    std::string rec;
    EncodeSeries({RefSeries{3, Series("dup", 1)}, RefSeries{9, Series("dup", 1)}}, &rec);
    ASSERT_TRUE((*w)->AddRecord(rec).ok());
    rec.clear();
    EncodeSamples({RefSample{9, 77, 1}}, &rec);
    ASSERT_TRUE((*w)->AddRecord(rec).ok());
  }
  auto st = Open();
  EXPECT_EQ(st->LookupRef(Series("dup", 1)), 3u);
  EXPECT_EQ(st->LastTimestamp(3), 77);  // sample of the alias counts
  auto app = st->NewAppender();
  EXPECT_EQ(app->Ref(Series("dup", 2)), 10u);
}

TEST(StoragePosixTest, RoundTripThroughTempDir) {
  char tmpl[] = "/tmp/outpost-storage-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = std::string(tmpl) + "/integrations/wal";
  Env* env = Env::Default();
  MetricFamily fam{"p", MetricType::kGauge, "h", "bytes"};
  for (int run = 0; run < 3; ++run) {
    auto st = Storage::Open(env, dir, {});
    ASSERT_TRUE(st.ok()) << st.status();
    auto app = (*st)->NewAppender();
    for (int i = 0; i < 10; ++i) {
      uint64_t r = app->Ref(Series("p", i));
      EXPECT_EQ(r, static_cast<uint64_t>(i + 1));
      app->SetMetadata(r, fam);
      app->Append(r, run * 10 + 1, run);
      app->Append(r, run * 10, run);  // out of order within the commit
    }
    ASSERT_TRUE(app->Commit().ok());
    ASSERT_TRUE((*st)->Sync().ok());
    EXPECT_EQ((*st)->stats().out_of_order_samples, 10u);
    EXPECT_GE((*st)->stats().fsyncs, 1u);
    ASSERT_TRUE((*st)->Close().ok());
  }
  DecodedWal w = ReadWal(env, dir);
  EXPECT_EQ(w.series.size(), 10u);
  EXPECT_EQ(w.samples.size(), 30u);
  EXPECT_EQ(w.metadata.size(), 10u);  // written once, unchanged after
  EXPECT_EQ(w.samples.back(), (RefSample{10, 21, 2}));
  ASSERT_TRUE(env->RemoveAll(tmpl).ok());
}

}  // namespace
}  // namespace outpost::wal
