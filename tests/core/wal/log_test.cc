// Writer <-> reader through the in-memory Env: round trips, page and
// segment edges, compression (error paths: log_errors_test.cc).
#include "tests/core/wal/wal_test_util.h"

namespace outpost::wal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(LogTest, EmptyLogHasOneEmptySegment) {
  Write({});
  EXPECT_TRUE(env_.FileExists(Seg(0)));
  EXPECT_EQ(env_.Contents(Seg(0)), "");
  EXPECT_THAT(ReadAll(), IsEmpty());
  EXPECT_FALSE(torn_);
}

TEST_F(LogTest, SmallRecordsLayoutAndRoundTrip) {
  Write({"", "a", "hello"}, {.compress = false});
  const std::string seg = env_.Contents(Seg(0));
  ASSERT_EQ(seg.size(), kPageSize);  // close pads the last page
  // FULL, length 0, CRC of nothing = 0.
  EXPECT_EQ(seg.substr(0, 7), std::string("\x01\x00\x00\x00\x00\x00\x00", 7));
  EXPECT_EQ(seg[7], '\x01');
  EXPECT_EQ(GetBE16(seg.data() + 8), 1);
  EXPECT_EQ(seg.substr(14, 1), "a");
  EXPECT_EQ(seg.substr(22, 5), "hello");
  EXPECT_EQ(seg.find_first_not_of('\0', 27), std::string::npos);
  EXPECT_THAT(ReadAll(), ElementsAre("", "a", "hello"));
  EXPECT_EQ(corruptions_, 0u);
}

TEST_F(LogTest, LargeRecordIsFragmentedAcrossPages) {
  const std::string big = Pattern(3 * kPageSize, 'x');
  Write({big, "tail"}, {.compress = false});
  const std::string seg = env_.Contents(Seg(0));
  EXPECT_EQ(seg[0], kFirst);
  EXPECT_EQ(GetBE16(seg.data() + 1), kMaxFragmentSize);
  EXPECT_EQ(seg[kPageSize], kMiddle);
  EXPECT_EQ(seg[2 * kPageSize], kMiddle);
  EXPECT_EQ(seg[3 * kPageSize], kLast);
  EXPECT_THAT(ReadAll(), ElementsAre(big, "tail"));
}

TEST_F(LogTest, PageTailUnderHeaderSizeIsZeroFilled) {
  // Leaves 6 bytes in the first page: too few for a header.
  const std::string a = Pattern(kPageSize - kHeaderSize - 6, 'a');
  Write({a, "next"}, {.compress = false});
  const std::string seg = env_.Contents(Seg(0));
  EXPECT_EQ(seg.substr(kPageSize - 6, 6), std::string(6, '\0'));
  EXPECT_EQ(seg[kPageSize], kFull);
  EXPECT_EQ(seg.substr(kPageSize + kHeaderSize, 4), "next");
  EXPECT_THAT(ReadAll(), ElementsAre(a, "next"));
}

TEST_F(LogTest, PageTailOfExactlyHeaderSizeHoldsAnEmptyFirstFragment) {
  const std::string a = Pattern(kPageSize - 2 * kHeaderSize, 'a');
  Write({a, "next"}, {.compress = false});
  const std::string seg = env_.Contents(Seg(0));
  EXPECT_EQ(seg[kPageSize - kHeaderSize], kFirst);
  EXPECT_EQ(GetBE16(seg.data() + kPageSize - kHeaderSize + 1), 0);
  EXPECT_EQ(seg[kPageSize], kLast);
  EXPECT_THAT(ReadAll(), ElementsAre(a, "next"));
}

TEST_F(LogTest, RecordsNeverCrossSegments) {
  // Two pages per segment; the second record does not fit after the first.
  WriterOptions o{.segment_size = 2 * kPageSize, .compress = false};
  const std::string a = Pattern(kPageSize, 'a');
  const std::string b = Pattern(kPageSize + 100, 'b');
  const std::string huge = Pattern(5 * kPageSize, 'h');
  Write({a, b, huge, "after"}, o);
  EXPECT_EQ(env_.Contents(Seg(0)).size(), 2 * kPageSize);  // padded on rotate
  EXPECT_EQ(env_.Contents(Seg(1)).size(), 2 * kPageSize);
  EXPECT_EQ(env_.Contents(Seg(2)).size(), 6 * kPageSize);  // oversized segment
  EXPECT_EQ(env_.Contents(Seg(3)).size(), kPageSize);
  // Each segment holds whole records: read each on its own.
  std::vector<std::vector<std::string>> per;
  for (int i = 0; i < 4; ++i) per.push_back(ReadBytes(env_.Contents(Seg(i)), false));
  EXPECT_THAT(per[0], ElementsAre(a));
  EXPECT_THAT(per[1], ElementsAre(b));
  EXPECT_THAT(per[2], ElementsAre(huge));
  EXPECT_THAT(per[3], ElementsAre("after"));
  EXPECT_EQ(corruptions_, 0u);
  EXPECT_THAT(ReadAll(), ElementsAre(a, b, huge, "after"));
  EXPECT_THAT(ReadAll(2), ElementsAre(huge, "after"));
}

TEST_F(LogTest, RotationAndCloseSync) {
  WriterOptions o{.segment_size = kPageSize, .compress = false};
  auto w = OpenWriter(o);
  const int before = env_.syncs();
  ASSERT_TRUE(w->AddRecord(Pattern(20000, 'a')).ok());
  EXPECT_EQ(env_.syncs(), before);  // AddRecord never fsyncs
  ASSERT_TRUE(w->AddRecord(Pattern(20000, 'b')).ok());
  EXPECT_EQ(w->segment(), 1u);
  EXPECT_GT(env_.syncs(), before);  // rotation synced segment 0 and the dir
  const int rotated = env_.syncs();
  ASSERT_TRUE(w->Sync().ok());
  EXPECT_EQ(env_.syncs(), rotated + 1);
  EXPECT_EQ(w->stats().fsyncs, 2u);
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(env_.syncs(), rotated + 2);
}

TEST_F(LogTest, NextSegmentCutsOnlyANonEmptySegment) {
  auto w = OpenWriter();
  EXPECT_EQ(*w->NextSegment(), 0u);
  ASSERT_TRUE(w->AddRecord("x").ok());
  EXPECT_EQ(*w->NextSegment(), 1u);
  ASSERT_TRUE(w->AddRecord("y").ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_THAT(ReadAll(), ElementsAre("x", "y"));
}

TEST_F(LogTest, AddRecordsHandsBytesToTheFileBeforeReturning) {
  auto w = OpenWriter({.compress = false});
  std::vector<std::string_view> commit = {"series", "samples"};
  ASSERT_TRUE(w->AddRecords(commit).ok());
  // Not closed: the partial page is already in the file, unpadded.
  EXPECT_EQ(env_.Contents(Seg(0)).size(), 2 * kHeaderSize + 13);
  EXPECT_EQ(w->segment_offset(), 2 * kHeaderSize + 13);
  EXPECT_THAT(ReadAll(), ElementsAre("series", "samples"));
  EXPECT_FALSE(torn_);
}

// Records made one at a time into one reused buffer (how a commit logs its
// samples) are the same bytes in the log as the records given at once.
TEST_F(LogTest, RecordsMadeOneAtATimeAreTheRecordsGivenAtOnce) {
  std::mt19937_64 rng(7);
  std::vector<std::string> recs;
  for (int i = 0; i < 50; ++i) recs.push_back(Random(rng() % (2 * kPageSize), rng));
  const std::vector<std::string_view> views(recs.begin(), recs.end());
  WriterOptions o{.segment_size = 8 * kPageSize, .compress = true};
  {
    auto w = OpenWriter(o);
    ASSERT_TRUE(w->AddRecords(views).ok());
    ASSERT_TRUE(w->Close().ok());
  }
  auto log_bytes = [this] {
    std::string all;
    for (int i = 0; env_.FileExists(Seg(i)); ++i) all += env_.Contents(Seg(i));
    return all;
  };
  const std::string at_once = log_bytes();
  EXPECT_GT(at_once.size(), 4 * o.segment_size);
  ASSERT_TRUE(env_.RemoveAll(kDir).ok());
  {
    auto w = OpenWriter(o);
    std::string buf;
    size_t made = 0;
    ASSERT_TRUE(w->AddRecords(recs.size(), [&](size_t i) -> std::string_view {
                   EXPECT_EQ(i, made++);  // in order, once each
                   buf.assign(recs[i]);
                   return buf;
                 }).ok());
    EXPECT_EQ(made, recs.size());
    ASSERT_TRUE(w->Close().ok());
  }
  EXPECT_EQ(log_bytes(), at_once);
  EXPECT_EQ(ReadAll(), recs);
}

TEST_F(LogTest, CompressionOnlyWhenSmaller) {
  std::mt19937_64 rng(1);
  const std::string compressible(5000, 'z');
  const std::string incompressible = Random(5000, rng);
  auto w = OpenWriter({.compress = true});
  ASSERT_TRUE(w->AddRecord(compressible).ok());
  const size_t first_len = env_.Contents(Seg(0)).size();
  ASSERT_TRUE(w->AddRecord(incompressible).ok());
  const std::string seg = env_.Contents(Seg(0));
  EXPECT_EQ(seg[0], kFull | kSnappyFlag);
  EXPECT_LT(first_len, 1000u);
  EXPECT_EQ(seg[first_len], kFull);  // stored raw, flag clear
  EXPECT_EQ(GetBE16(seg.data() + first_len + 1), 5000);
  EXPECT_GT(w->stats().record_bytes_saved, 4000u);
  ASSERT_TRUE(w->Close().ok());
  EXPECT_THAT(ReadAll(), ElementsAre(compressible, incompressible));
}

TEST_F(LogTest, SeededRandomRoundTrip) {
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress);
    env_.RemoveAll(kDir).IgnoreError();
    std::mt19937_64 rng(compress ? 99 : 98);
    std::vector<std::string> recs;
    const size_t edges[] = {0, 1, kMaxFragmentSize - 1, kMaxFragmentSize,
                            kMaxFragmentSize + 1, kPageSize - 2 * kHeaderSize};
    for (int i = 0; i < 400; ++i) {
      size_t n;
      switch (rng() % 4) {
        case 0: n = edges[rng() % 6]; break;
        case 1: n = rng() % 100; break;
        case 2: n = rng() % (3 * kPageSize); break;
        default: n = rng() % 2000; break;
      }
      recs.push_back(rng() % 2 ? Random(n, rng) : std::string(n, 'c' + i % 7));
    }
    WriterOptions o{.segment_size = 8 * kPageSize, .compress = compress};
    // Write in random-size batches, as commits do.
    auto w = OpenWriter(o);
    for (size_t i = 0; i < recs.size();) {
      size_t k = std::min<size_t>(1 + rng() % 4, recs.size() - i);
      std::vector<std::string_view> batch(recs.begin() + i, recs.begin() + i + k);
      ASSERT_TRUE(w->AddRecords(batch).ok());
      i += k;
    }
    EXPECT_GT(w->segment(), 3u);
    ASSERT_TRUE(w->Close().ok());
    EXPECT_EQ(ReadAll(), recs);
    EXPECT_EQ(corruptions_, 0u);
    EXPECT_FALSE(torn_);
  }
  EXPECT_THAT(reporter_.reports, IsEmpty());
}

TEST_F(LogTest, ReaderReportsPositions) {
  auto w = OpenWriter({.compress = false});
  ASSERT_TRUE(w->AddRecord("abc").ok());
  ASSERT_TRUE(w->AddRecord("de").ok());
  ASSERT_TRUE(w->Close().ok());
  auto r = *Reader::Open(&env_, kDir, nullptr);
  std::string_view rec;
  ASSERT_TRUE(r->ReadRecord(&rec));
  EXPECT_EQ(r->record_offset(), 0u);
  EXPECT_EQ(r->end_offset(), 10u);
  ASSERT_TRUE(r->ReadRecord(&rec));
  EXPECT_EQ(r->segment(), 0u);
  EXPECT_EQ(r->record_offset(), 10u);
  EXPECT_EQ(r->end_offset(), 19u);
}

}  // namespace
}  // namespace outpost::wal
