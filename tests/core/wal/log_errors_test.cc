// One test per reader error path, torn tails at every offset, and repair.
#include "tests/core/wal/wal_test_util.h"

namespace outpost::wal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// rec1 and rec2 small, rec3 spans into page 2, rec4 after it on page 2.
// Offsets: rec1 at 0, rec2 at 107, rec3 FIRST at 214, its LAST at 32768.
class LogErrorsTest : public LogTest {
 protected:
  void SetUp() override {
    recs_ = {Pattern(100, '1'), Pattern(100, '2'), Pattern(40000, '3'),
             Pattern(100, '4')};
    Write(recs_, {.compress = false});
    seg_ = env_.Contents(Seg(0));
    ASSERT_EQ(seg_[214], kFirst);
    ASSERT_EQ(seg_[kPageSize], kLast);
  }
  std::vector<std::string> ReadDamaged() {
    env_.SetContents(Seg(0), seg_);
    return ReadAll();
  }
  std::vector<std::string> recs_;
  std::string seg_;
};

TEST_F(LogErrorsTest, BadCrcDropsTheRestOfThePageAndResyncs) {
  seg_[107 + kHeaderSize + 5] ^= 1;
  EXPECT_THAT(ReadDamaged(), ElementsAre(recs_[0], recs_[3]));
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kBadCrc));
  EXPECT_EQ(reporter_.reports[0].segment, 0u);
  EXPECT_EQ(reporter_.reports[0].offset, 107u);
  EXPECT_EQ(corruptions_, 1u);
}

TEST_F(LogErrorsTest, BadLength) {
  PutBE16(seg_.data() + 107 + 1, 0xffff);
  EXPECT_THAT(ReadDamaged(), ElementsAre(recs_[0], recs_[3]));
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kBadLength));
}

TEST_F(LogErrorsTest, UnknownType) {
  seg_[107] = 5;
  EXPECT_THAT(ReadDamaged(), ElementsAre(recs_[0], recs_[3]));
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kUnknownType));
  seg_[107] = 0x21;  // an undefined flag bit
  reporter_.reports.clear();
  EXPECT_THAT(ReadDamaged(), ElementsAre(recs_[0], recs_[3]));
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kUnknownType));
}

TEST_F(LogErrorsTest, MiddleWithoutFirst) {
  seg_[214] = kMiddle;
  EXPECT_THAT(ReadDamaged(), ElementsAre(recs_[0], recs_[1], recs_[3]));
  // Reported once; the LAST fragment of the same record is skipped quietly.
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kBadSequence));
  EXPECT_EQ(reporter_.reports[0].offset, 214u);
}

TEST_F(LogErrorsTest, LastWithoutFirst) {
  seg_[214] = kLast;
  EXPECT_THAT(ReadDamaged(), ElementsAre(recs_[0], recs_[1], recs_[3]));
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kBadSequence));
}

TEST_F(LogErrorsTest, FullInsideARecord) {
  seg_[kPageSize] = kFull;  // rec3's LAST turned into a FULL
  std::vector<std::string> got = ReadDamaged();
  ASSERT_EQ(got.size(), 4u);  // rec1, rec2, the stray FULL, rec4
  EXPECT_EQ(got[3], recs_[3]);
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kBadSequence));
  EXPECT_EQ(reporter_.reports[0].offset, 214u);
}

TEST_F(LogErrorsTest, NonZeroPadding) {
  // Close padded page 2 after rec4; dirty the last byte of that padding.
  seg_[2 * kPageSize - 1] = 1;
  EXPECT_THAT(ReadDamaged(), ElementsAre(recs_[0], recs_[1], recs_[2], recs_[3]));
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kNonZeroPadding));
}

TEST_F(LogErrorsTest, ZstdIsReportedAsUnsupportedAndSkipped) {
  seg_[107] |= kZstdFlag;
  EXPECT_THAT(ReadDamaged(), ElementsAre(recs_[0], recs_[2], recs_[3]));
  ASSERT_THAT(Kinds(), ElementsAre(CorruptionKind::kUnsupported));
  EXPECT_EQ(reporter_.reports[0].reason, "zstd not supported");
}

TEST_F(LogTest, UndecodableSnappyIsReported) {
  Write({std::string(1000, 'a'), "b"}, {.compress = true});
  std::string seg = env_.Contents(Seg(0));
  ASSERT_EQ(seg[0], kFull | kSnappyFlag);
  // Claim a huge uncompressed length; fix the CRC so only snappy fails.
  const size_t len = GetBE16(seg.data() + 1);
  seg[7] = '\xff';
  seg[8] = '\xff';
  PutBE32(seg.data() + 3, Crc32c(std::string_view(seg.data() + 7, len)));
  EXPECT_THAT(ReadBytes(seg), ElementsAre("b"));
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kBadCompression));
}

TEST_F(LogTest, RecordTornAtTheEndOfANonLastSegmentIsDamage) {
  Write({Pattern(40000, 'a')}, {.compress = false});
  Write({"later"}, {.compress = false});  // reopen: starts segment 1
  ASSERT_TRUE(env_.FileExists(Seg(1)));
  std::string s0 = env_.Contents(Seg(0));
  env_.SetContents(Seg(0), s0.substr(0, kPageSize));  // cut before the LAST
  EXPECT_THAT(ReadAll(), ElementsAre("later"));
  EXPECT_THAT(Kinds(), ElementsAre(CorruptionKind::kTornRecord));
  EXPECT_FALSE(torn_);
}

TEST_F(LogTest, IoErrorStopsReading) {
  class FailingFile : public SequentialFile {
   public:
    absl::StatusOr<size_t> Read(size_t, char*) override {
      return absl::InternalError("disk on fire");
    }
  } file;
  SegmentReader r(&file, 0, true, &reporter_);
  std::string_view rec;
  EXPECT_FALSE(r.ReadRecord(&rec));
  EXPECT_EQ(r.status().message(), "disk on fire");
  EXPECT_THAT(reporter_.reports, IsEmpty());
}

// Cuts the log at every byte offset of its last page: the reader returns
// exactly the records that end before the cut, reports nothing, and calls
// a cut inside a record a torn tail. Reopening repairs the tail.
TEST_F(LogTest, TornTailAtEveryOffsetOfTheLastPage) {
  std::vector<std::string> recs = {Pattern(30000, 'a'), Pattern(5000, 'b'),
                                   Pattern(3, 'c'), Pattern(20000, 'd'),
                                   Pattern(1, 'e')};
  std::vector<uint64_t> ends;
  std::string full;
  {
    auto w = OpenWriter({.compress = false});
    for (const auto& r : recs) {
      ASSERT_TRUE(w->AddRecord(r).ok());
      ends.push_back(w->segment_offset());
    }
    full = env_.Contents(Seg(0));  // before Close: last page not padded
  }
  ASSERT_GT(full.size(), kPageSize);
  const size_t last_page = full.size() / kPageSize * kPageSize;
  for (size_t cut = last_page; cut <= full.size(); ++cut) {
    std::vector<std::string> got = ReadBytes(full.substr(0, cut));
    size_t whole = 0;
    while (whole < ends.size() && ends[whole] <= cut) ++whole;
    ASSERT_EQ(got.size(), whole) << "cut " << cut;
    for (size_t i = 0; i < whole; ++i) ASSERT_EQ(got[i], recs[i]);
    const bool at_boundary = cut == ends[whole - 1];
    ASSERT_EQ(torn_, !at_boundary) << "cut " << cut;
    ASSERT_EQ(corruptions_, 0u);
  }
  EXPECT_THAT(reporter_.reports, IsEmpty());

  // Repair on open, at a sample of offsets (each is a full rewrite).
  for (size_t cut = last_page; cut <= full.size(); cut += 997) {
    env_.RemoveAll(kDir).IgnoreError();
    ASSERT_TRUE(env_.CreateDirs(kDir).ok());
    env_.SetContents(Seg(0), full.substr(0, cut));
    size_t whole = 0;
    while (whole < ends.size() && ends[whole] <= cut) ++whole;
    {
      auto w = OpenWriter();
      EXPECT_EQ(w->segment(), 1u);
      EXPECT_EQ(w->stats().repaired_bytes, cut - ends[whole - 1]);
      ASSERT_TRUE(w->AddRecord("new").ok());
    }
    const std::string repaired = env_.Contents(Seg(0));
    EXPECT_EQ(repaired.size() % kPageSize, 0u);
    std::vector<std::string> want(recs.begin(), recs.begin() + whole);
    want.push_back("new");
    EXPECT_EQ(ReadAll(), want) << "cut " << cut;
    EXPECT_EQ(corruptions_, 0u);
  }
}

TEST_F(LogErrorsTest, RepairKeepsEveryRecordBeforeTheDamage) {
  seg_[kPageSize + 50] ^= 1;  // inside rec3's LAST fragment
  env_.SetContents(Seg(0), seg_);
  auto w = OpenWriter();  // the damaged segment is the last one: repaired
  EXPECT_THAT(open_reporter_.reports, testing::SizeIs(1));
  ASSERT_TRUE(w->AddRecord("after").ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(env_.Contents(Seg(0)).size(), kPageSize);
  EXPECT_THAT(ReadAll(), ElementsAre(recs_[0], recs_[1], "after"));
  EXPECT_EQ(corruptions_, 0u);
}

TEST_F(LogErrorsTest, TruncateSegmentRepairsAnEarlierSegment) {
  {
    auto w = OpenWriter();  // segment 1
    ASSERT_TRUE(w->AddRecord("seg1").ok());
  }
  seg_[107 + kHeaderSize] ^= 1;
  env_.SetContents(Seg(0), seg_);
  std::vector<std::string> got = ReadAll();
  ASSERT_EQ(reporter_.reports.size(), 1u);
  ASSERT_TRUE(TruncateSegment(&env_, kDir, 0, reporter_.reports[0].good_end).ok());
  reporter_.reports.clear();
  EXPECT_THAT(ReadAll(), ElementsAre(recs_[0], "seg1"));
  EXPECT_THAT(reporter_.reports, IsEmpty());
}

TEST_F(LogTest, OpenRemovesTmpAndStartsAfterLastSegmentOrCheckpoint) {
  Write({"a"});
  env_.SetContents(JoinPath(kDir, "00000000.tmp"), "junk");
  ASSERT_TRUE(env_.CreateDirs(JoinPath(kDir, "checkpoint.00000007.tmp")).ok());
  env_.SetContents(JoinPath(kDir, "checkpoint.00000007.tmp/00000000"), "x");
  ASSERT_TRUE(env_.CreateDirs(JoinPath(kDir, "checkpoint.00000004")).ok());
  env_.SetContents(JoinPath(kDir, "checkpoint.00000004/00000000"), "");
  auto w = OpenWriter();
  EXPECT_EQ(w->segment(), 5u);
  EXPECT_FALSE(env_.FileExists(JoinPath(kDir, "00000000.tmp")));
  EXPECT_FALSE(env_.FileExists(JoinPath(kDir, "checkpoint.00000007.tmp")));
  EXPECT_TRUE(env_.FileExists(JoinPath(kDir, "checkpoint.00000004")));
  ASSERT_TRUE(w->Close().ok());
  auto w2 = OpenWriter();
  EXPECT_EQ(w2->segment(), 6u);
}

TEST_F(LogTest, OpenRejectsSegmentSizeNotAPageMultiple) {
  EXPECT_FALSE(Writer::Open(&env_, kDir, {.segment_size = 1000}).ok());
}

}  // namespace
}  // namespace outpost::wal
