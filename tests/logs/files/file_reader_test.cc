// FileReader on real files: lines and offsets, partial lines, CRLF, long
// lines, a 10 GiB sparse file, back-pressure, rotation and truncation
// (Check), identity and fingerprints.
#include "logs/file_reader.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/logs/files/test_util.h"

namespace outpost::logs {
namespace {

using ::outpost::logs::testing::AppendFile;
using ::outpost::logs::testing::TempDir;
using ::outpost::logs::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Got {
  std::string text;
  int64_t start, end;
  bool truncated;
  bool operator==(const Got&) const = default;
};
void PrintTo(const Got& g, std::ostream* os) {
  *os << "{\"" << g.text.substr(0, 40) << "\" " << g.start << ".." << g.end
      << (g.truncated ? " truncated}" : "}");
}

class FileReaderTest : public ::testing::Test {
 protected:
  // Reads with the given limits; every line is accepted unless `accept`
  // says no (back-pressure).
  std::vector<Got> ReadLines(FileReader& r, size_t max_line = 64, bool final = false,
                             size_t max_bytes = size_t{1} << 40, int accept = -1) {
    std::vector<Got> out;
    r.Read(scratch_.data(), scratch_.size(), max_line, max_bytes, final, [&](const Line& l) {
      if (accept >= 0 && static_cast<int>(out.size()) >= accept) return false;
      out.push_back({std::string(l.text), l.start, l.end, l.truncated});
      return true;
    });
    return out;
  }
  std::unique_ptr<FileReader> OpenAt(int64_t offset = 0) {
    auto r = FileReader::Open(path_, offset);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? std::move(*r) : nullptr;
  }

  TempDir dir_;
  std::string path_ = dir_ / "app.log";
  std::vector<char> scratch_ = std::vector<char>(256);
};

TEST_F(FileReaderTest, LinesAndOffsets) {
  WriteFile(path_, "a\nbb\n\nccc\n");
  auto r = OpenAt();
  EXPECT_THAT(ReadLines(*r), ElementsAre(Got{"a", 0, 2, false}, Got{"bb", 2, 5, false},
                                         Got{"", 5, 6, false}, Got{"ccc", 6, 10, false}));
  EXPECT_EQ(r->offset(), 10);
  EXPECT_THAT(ReadLines(*r), IsEmpty());
  auto s = OpenAt(5);  // a saved position
  EXPECT_THAT(ReadLines(*s), ElementsAre(Got{"", 5, 6, false}, Got{"ccc", 6, 10, false}));
}

TEST_F(FileReaderTest, ManyLinesAcrossBufferRefills) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += "line " + std::to_string(i) + "\n";
  WriteFile(path_, data);
  auto r = OpenAt();
  const std::vector<Got> got = ReadLines(*r, 32);
  ASSERT_EQ(got.size(), 1000u);
  EXPECT_EQ(got[999].text, "line 999");
  EXPECT_EQ(got[999].end, static_cast<int64_t>(data.size()));
  for (size_t i = 1; i < got.size(); ++i) EXPECT_EQ(got[i].start, got[i - 1].end);
}

TEST_F(FileReaderTest, PartialLastLineIsHeldThenCompleted) {
  WriteFile(path_, "one\ntw");
  auto r = OpenAt();
  EXPECT_THAT(ReadLines(*r), ElementsAre(Got{"one", 0, 4, false}));
  EXPECT_EQ(r->offset(), 4);
  EXPECT_THAT(ReadLines(*r), IsEmpty());
  AppendFile(path_, "o\nthr");
  EXPECT_THAT(ReadLines(*r), ElementsAre(Got{"two", 4, 8, false}));
  // The last drain of a rotated file returns the unterminated line.
  EXPECT_THAT(ReadLines(*r, 64, /*final=*/true), ElementsAre(Got{"thr", 8, 11, false}));
}

TEST_F(FileReaderTest, CrlfKeepsTheCarriageReturn) {
  WriteFile(path_, "a\r\nb\r\n");
  auto r = OpenAt();
  EXPECT_THAT(ReadLines(*r), ElementsAre(Got{"a\r", 0, 3, false}, Got{"b\r", 3, 6, false}));
}

TEST_F(FileReaderTest, LongLineIsTruncatedOnceAndItsRestSkipped) {
  WriteFile(path_, std::string(1000, 'x') + "\nshort\n");
  auto r = OpenAt();
  EXPECT_THAT(ReadLines(*r, 10),
              ElementsAre(Got{std::string(10, 'x'), 0, 1001, true}, Got{"short", 1001, 1007, false}));
  // A long line whose end is not written yet: nothing until its '\n'.
  AppendFile(path_, std::string(5000, 'y'));
  EXPECT_THAT(ReadLines(*r, 10), IsEmpty());
  EXPECT_EQ(r->offset(), 1007);
  AppendFile(path_, "yy\nz\n");
  EXPECT_THAT(ReadLines(*r, 10),
              ElementsAre(Got{std::string(10, 'y'), 1007, 6010, true}, Got{"z", 6010, 6012, false}));
}

TEST_F(FileReaderTest, SmallestScratchStillWorks) {
  scratch_.resize(11);  // max_line + 1
  WriteFile(path_, "0123456789\n01234567890123\nab\n");
  auto r = OpenAt();
  EXPECT_THAT(ReadLines(*r, 10), ElementsAre(Got{"0123456789", 0, 11, false},
                                             Got{"0123456789", 11, 26, true}, Got{"ab", 26, 29, false}));
}

TEST_F(FileReaderTest, BackPressureRedeliversTheSameLine) {
  WriteFile(path_, "a\nbb\n" + std::string(300, 'L') + "\nc\n");
  auto r = OpenAt();
  EXPECT_THAT(ReadLines(*r, 64, false, size_t{1} << 40, 1), ElementsAre(Got{"a", 0, 2, false}));
  EXPECT_EQ(r->offset(), 2);
  EXPECT_THAT(ReadLines(*r, 64, false, size_t{1} << 40, 1), ElementsAre(Got{"bb", 2, 5, false}));
  EXPECT_THAT(ReadLines(*r, 64, false, size_t{1} << 40, 0), IsEmpty());  // refuses the long one
  EXPECT_EQ(r->offset(), 5);
  EXPECT_THAT(ReadLines(*r, 64), ElementsAre(Got{std::string(64, 'L'), 5, 306, true},
                                             Got{"c", 306, 308, false}));
}

TEST_F(FileReaderTest, MaxBytesBoundsOneRead) {
  WriteFile(path_, "aaaa\nbbbb\ncccc\n");
  auto r = OpenAt();
  EXPECT_THAT(ReadLines(*r, 64, false, 6), ElementsAre(Got{"aaaa", 0, 5, false}, Got{"bbbb", 5, 10, false}));
  EXPECT_THAT(ReadLines(*r, 64, false, 1), ElementsAre(Got{"cccc", 10, 15, false}));
}

TEST_F(FileReaderTest, SeekReReadsFromAnAcknowledgedOffset) {
  WriteFile(path_, "a\nb\n");
  auto r = OpenAt();
  ReadLines(*r);
  r->Seek(2);
  EXPECT_THAT(ReadLines(*r), ElementsAre(Got{"b", 2, 4, false}));
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

long MaxRssKiB() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// /var/log/lastlog matched by /var/log/*log (loki#5731): a huge sparse file
// costs neither CPU nor memory.
TEST_F(FileReaderTest, SparseTenGibFileIsCheap) {
  constexpr int64_t kSize = int64_t{10} << 30;
  {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, kSize), 0);
    ::close(fd);
  }
  scratch_.resize(size_t{1} << 20);
  const long rss0 = MaxRssKiB();
  const double cpu0 = CpuSeconds();
  auto r = OpenAt();
  EXPECT_THAT(ReadLines(*r, 256 << 10), IsEmpty());  // no '\n' yet: held
  const int fd = ::open(path_.c_str(), O_WRONLY);
  ASSERT_EQ(::pwrite(fd, "\nafter\n", 7, kSize), 7);
  ::close(fd);
  EXPECT_THAT(ReadLines(*r, 256 << 10),
              ElementsAre(Got{std::string(256 << 10, '\0'), 0, kSize + 1, true},
                          Got{"after", kSize + 1, kSize + 7, false}));
  // All NULs to the end, drained for the last time: one truncated line.
  auto s = OpenAt(kSize + 7);
  ASSERT_EQ(::truncate(path_.c_str(), 2 * kSize), 0);
  EXPECT_THAT(ReadLines(*s, 16, /*final=*/true),
              ElementsAre(Got{std::string(16, '\0'), kSize + 7, 2 * kSize, true}));
  EXPECT_LT(CpuSeconds() - cpu0, 1.0);
  EXPECT_LT(MaxRssKiB() - rss0, 16 << 10);  // KiB: nothing like the file's size
}

TEST_F(FileReaderTest, CheckSeesRenameCreateAndDelete) {
  WriteFile(path_, "old 1\n");
  auto r = OpenAt();
  EXPECT_EQ(r->Check(), FileReader::State::kSame);
  std::filesystem::rename(path_, path_ + ".1");
  WriteFile(path_, "new 1\n");
  EXPECT_EQ(r->Check(), FileReader::State::kMoved);
  AppendFile(path_ + ".1", "old 2\n");  // the fd keeps reading the old file
  EXPECT_THAT(ReadLines(*r), ElementsAre(Got{"old 1", 0, 6, false}, Got{"old 2", 6, 12, false}));
  r->set_path(path_ + ".1");
  EXPECT_EQ(r->Check(), FileReader::State::kSame);
  std::filesystem::remove(path_ + ".1");
  EXPECT_EQ(r->Check(), FileReader::State::kMoved);
}

TEST_F(FileReaderTest, CheckSeesCopytruncate) {
  WriteFile(path_, "line one\nline two\n");
  auto r = OpenAt();
  ReadLines(*r);
  ASSERT_EQ(::truncate(path_.c_str(), 0), 0);
  EXPECT_EQ(r->Check(), FileReader::State::kTruncated);
  r->Seek(0);
  AppendFile(path_, "next\n");
  EXPECT_EQ(r->Check(), FileReader::State::kSame);
  EXPECT_THAT(ReadLines(*r), ElementsAre(Got{"next", 0, 5, false}));
  // Truncated and written past the offset before the poll: the first bytes
  // differ.
  ASSERT_EQ(::truncate(path_.c_str(), 0), 0);
  AppendFile(path_, "other content, longer\n");
  EXPECT_EQ(r->Check(), FileReader::State::kTruncated);
}

TEST_F(FileReaderTest, IdentityAndFingerprint) {
  WriteFile(path_, "0123456789");
  auto r = OpenAt();
  EXPECT_EQ(r->id().fp_len, 10u);
  auto by_path = FileReader::Identify(path_);
  ASSERT_TRUE(by_path.ok());
  EXPECT_EQ(*by_path, r->id());
  // The fingerprint grows with the file up to kFingerprintBytes.
  AppendFile(path_, "\n" + std::string(3000, 'z') + "\n");
  ReadLines(*r);
  EXPECT_EQ(r->id().fp_len, kFingerprintBytes);
  EXPECT_EQ(*FileReader::Identify(path_), r->id());
  auto by_fd = FileReader::Identify(r->fd());
  ASSERT_TRUE(by_fd.ok());
  EXPECT_EQ(*by_fd, r->id());
  EXPECT_EQ(*r->Size(), 3012);
  EXPECT_FALSE(FileReader::Identify(dir_ / "missing").ok());
  EXPECT_FALSE(FileReader::Open(dir_ / "missing", 0).ok());
}

TEST_F(FileReaderTest, ReusedInodeIsANewFile) {
  // Same size, other first bytes: whether or not the file system hands out
  // the same inode again, the fingerprint tells the files apart.
  WriteFile(path_, "first file\n");
  const FileIdentity a = *FileReader::Identify(path_);
  std::filesystem::remove(path_);
  WriteFile(path_, "other file\n");
  const FileIdentity b = *FileReader::Identify(path_);
  EXPECT_EQ(a.fp_len, b.fp_len);
  EXPECT_NE(a.fp_crc, b.fp_crc);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace outpost::logs
