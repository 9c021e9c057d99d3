// WAL storage on a full disk (issue 26 part 2): commits fail and their
// samples are counted as dropped while there is no space; when space
// returns the next commit goes through by itself, and the log reads back
// cleanly (no torn or misaligned page, prometheus/prometheus#13027) with
// exactly the commits that succeeded. Once on MemEnv with a byte budget,
// once on a real tmpfs mounted by the test.
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/wal/mem_env.h"
#include "core/wal/storage.h"
#include "gtest/gtest.h"
#include "tests/core/wal/storage_test_util.h"

namespace outpost::wal {
namespace {

constexpr char kWal[] = "/data/integrations/wal";
constexpr int kSeries = 20;

// Commits one sample at `t` for series 0..n-1.
absl::Status Commit(Storage& st, int64_t t, int n) {
  auto app = st.NewAppender();
  for (int i = 0; i < n; ++i) app->Append(app->Ref(Series("f", i)), t, static_cast<double>(t));
  return app->Commit();
}

// The log in `dir` holds exactly the commits in `ok` (kSeries samples
// each, kSeries + 5 from `wide_from` on), reads back without damage, and
// every sample's series has its Series record.
void ExpectLogHolds(Env* env, const std::string& dir, const std::set<int64_t>& ok,
                    int64_t wide_from) {
  DecodedWal w = ReadWal(env, dir);
  EXPECT_EQ(w.corruptions, 0u);
  std::map<int64_t, int> per_t;
  for (const RefSample& s : w.samples) ++per_t[s.t];
  std::set<int64_t> got;
  for (const auto& [t, n] : per_t) {
    got.insert(t);
    EXPECT_EQ(n, t >= wide_from ? kSeries + 5 : kSeries) << "t=" << t;
  }
  EXPECT_EQ(got, ok);
  std::set<uint64_t> refs;
  for (const RefSeries& s : w.series) refs.insert(s.ref);
  for (const RefSample& s : w.samples) EXPECT_TRUE(refs.count(s.ref)) << "ref " << s.ref;
}

TEST(StorageDiskFullTest, WritesResumeWhenSpaceReturnsAndTheLogStaysValid) {
  MemEnv env;
  std::set<int64_t> ok;
  int64_t t = 1;
  {
    auto st = Storage::Open(&env, kWal, {.segment_size = 4 * kPageSize, .compress = false});
    ASSERT_TRUE(st.ok()) << st.status();
    for (; t <= 20; ++t) {
      ASSERT_TRUE(Commit(**st, t, kSeries).ok());
      ok.insert(t);
    }
    // Room for a dozen more commits, then one is cut by the full disk.
    env.SetCapacity(env.used_bytes() + 3000);
    absl::Status s;
    for (; s.ok() && t < 100; ++t) {
      s = Commit(**st, t, kSeries);
      if (s.ok()) ok.insert(t);
    }
    ASSERT_TRUE(absl::IsResourceExhausted(s)) << s;
    const uint64_t failed_segment = (*st)->stats().segment_current;
    // While full: every commit fails, new series included; all counted.
    const int64_t wide_from = t;
    for (int k = 0; k < 5; ++k, ++t) EXPECT_TRUE(absl::IsResourceExhausted(Commit(**st, t, kSeries + 5)));
    StorageStats stats = (*st)->stats();
    EXPECT_EQ(stats.samples_dropped_disk_full, kSeries + 5u * (kSeries + 5));
    EXPECT_EQ(stats.samples_dropped_write_error, 0u);
    EXPECT_EQ(stats.writes_failed, 6u);

    // Space returns: the next commit is written, in a fresh segment (the
    // failed one was cut back to its last whole record).
    env.SetCapacity(0);
    for (int k = 0; k < 3; ++k, ++t) {
      ASSERT_TRUE(Commit(**st, t, kSeries + 5).ok());
      ok.insert(t);
    }
    stats = (*st)->stats();
    EXPECT_GT(stats.segment_current, failed_segment);
    EXPECT_EQ(stats.writes_failed, 6u);
    ASSERT_TRUE((*st)->Close().ok());
    ExpectLogHolds(&env, kWal, ok, wide_from);
  }
  // Reopening finds no damage and every series.
  auto st = Storage::Open(&env, kWal, {});
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ((*st)->stats().corruptions, 0u);
  EXPECT_EQ((*st)->LastTimestamp((*st)->LookupRef(Series("f", kSeries + 4))), t - 1);
}

// The same on a real file system: a 1 MiB tmpfs filled by a file.
TEST(StorageDiskFullTest, RealTmpfsFilledByAFile) {
  char tmpl[] = "/tmp/outpost-wal-tmpfs-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  if (::mount("tmpfs", root.c_str(), "tmpfs", 0, "size=1m") != 0) {
    const int err = errno;
    std::filesystem::remove_all(root);
    GTEST_SKIP() << "\n!!!!! cannot mount a tmpfs (" << std::strerror(err)
                 << "): the real full-disk test did NOT run (needs root) !!!!!\n";
  }
  const std::string dir = root + "/wal";
  std::set<int64_t> ok;
  int64_t t = 1;
  {
    auto st = Storage::Open(Env::Default(), dir, {.segment_size = 2 * kPageSize, .compress = false});
    ASSERT_TRUE(st.ok()) << st.status();
    for (; t <= 10; ++t) {
      ASSERT_TRUE(Commit(**st, t, kSeries).ok());
      ok.insert(t);
    }
    // Fill the rest of the disk.
    const std::string filler = root + "/filler";
    {
      std::ofstream f(filler, std::ios::binary);
      const std::string chunk(4096, 'x');
      while (f.write(chunk.data(), chunk.size()) && f.flush()) {
      }
    }
    const int64_t wide_from = t;
    for (int k = 0; k < 3; ++k, ++t) {
      const absl::Status s = Commit(**st, t, kSeries + 5);
      if (s.ok()) {
        ok.insert(t);  // fitted in what the filler left
      } else {
        EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
      }
    }
    EXPECT_GT((*st)->stats().samples_dropped_disk_full, 0u);
    std::filesystem::remove(filler);
    for (int k = 0; k < 3; ++k, ++t) {
      ASSERT_TRUE(Commit(**st, t, kSeries + 5).ok());
      ok.insert(t);
    }
    ASSERT_TRUE((*st)->Close().ok());
    ExpectLogHolds(Env::Default(), dir, ok, wide_from);
  }
  EXPECT_EQ(::umount2(root.c_str(), MNT_DETACH), 0);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace outpost::wal
