// WAL storage on damaged directories (issue 26 part 6): each kind of damage
// an operator or a crash can leave is repaired or set aside, counted in
// StorageStats::corruptions (prometheus_tsdb_wal_corruptions_total), and
// the storage opens; it never crashes. The directory and permission cases
// run on the real file system (that is where Writer::Open used to crash).
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "core/wal/mem_env.h"
#include "core/wal/storage.h"
#include "gtest/gtest.h"
#include "tests/core/wal/storage_test_util.h"

namespace outpost::wal {
namespace {

constexpr char kWal[] = "/data/integrations/wal";
constexpr int kSeries = 20;
constexpr int kCommits = 2000;

// kCommits commits of kSeries samples (timestamps 1..kCommits) into
// 4-page segments, uncompressed: several segments of several pages.
void Fill(Env* env, const std::string& dir) {
  auto st = Storage::Open(env, dir, {.segment_size = 4 * kPageSize, .compress = false});
  ASSERT_TRUE(st.ok()) << st.status();
  auto app = (*st)->NewAppender();
  for (int c = 1; c <= kCommits; ++c) {
    for (int i = 0; i < kSeries; ++i) app->Append(app->Ref(Series("d", i)), c, c);
    ASSERT_TRUE(app->Commit().ok());
  }
  ASSERT_TRUE((*st)->Close().ok());
}

// Opens `dir` again, checks it opened with `min_corruptions` or more, that
// the series survived and that appending and reading back work.
void ExpectOpensAndWorks(Env* env, const std::string& dir, uint64_t min_corruptions) {
  auto st = Storage::Open(env, dir, {.segment_size = 4 * kPageSize});
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_GE((*st)->stats().corruptions, min_corruptions);
  EXPECT_EQ((*st)->stats().active_series, static_cast<uint64_t>(kSeries));
  auto app = (*st)->NewAppender();
  app->Append(app->Ref(Series("d", 0)), 1000000, 1);
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE((*st)->Close().ok());
  DecodedWal w = ReadWal(env, dir);
  ASSERT_FALSE(w.samples.empty());
  EXPECT_EQ(w.samples.back().t, 1000000);
}

class StorageDamageTest : public ::testing::Test {
 protected:
  void SetUp() override { Fill(&env_, kWal); }
  std::string Seg(uint64_t i) const { return JoinPath(kWal, SegmentName(i)); }
  MemEnv env_;
};

TEST_F(StorageDamageTest, ZeroedPageIsCountedAndTheRecordsAfterItAreKept) {
  ASSERT_TRUE(env_.FileExists(Seg(3)));
  // Page 1 of two segments that are not the last (the last is in
  // TruncatedLastSegment...).
  for (uint64_t seg : {uint64_t{0}, uint64_t{1}}) {
    std::string bytes = env_.Contents(Seg(seg));
    ASSERT_GE(bytes.size(), 3 * kPageSize);
    std::memset(bytes.data() + kPageSize, 0, kPageSize);
    env_.SetContents(Seg(seg), bytes);
  }
  {
    auto st = Storage::Open(&env_, kWal, {});
    ASSERT_TRUE(st.ok()) << st.status();
    EXPECT_EQ((*st)->stats().corruptions, 2u);
    EXPECT_EQ((*st)->LastTimestamp(1), kCommits);  // later pages and segments read
  }
  ExpectOpensAndWorks(&env_, kWal, 2);
}

TEST_F(StorageDamageTest, MissingMiddleSegmentIsCountedAndRefilled) {
  ASSERT_TRUE(env_.RemoveFile(Seg(1)).ok());
  {
    auto st = Storage::Open(&env_, kWal, {});
    ASSERT_TRUE(st.ok()) << st.status();
    EXPECT_EQ((*st)->stats().corruptions, 1u);
    EXPECT_EQ((*st)->LastTimestamp(1), kCommits);
  }
  // The gap is an empty segment now: the numbers are sequential again, as
  // Prometheus' reader requires.
  EXPECT_TRUE(env_.FileExists(Seg(1)));
  EXPECT_EQ(env_.Contents(Seg(1)), "");
  ExpectOpensAndWorks(&env_, kWal, 0);
}

TEST_F(StorageDamageTest, DeletedCheckpointFileIsCounted) {
  {
    auto st = Storage::Open(&env_, kWal, {.segment_size = 4 * kPageSize});
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE((*st)->Truncate(0).ok());
    ASSERT_TRUE((*st)->Close().ok());
  }
  auto cps = ListCheckpoints(&env_, kWal);
  ASSERT_TRUE(cps.ok());
  ASSERT_EQ(cps->size(), 1u);
  const std::string cp = JoinPath(kWal, CheckpointName(cps->back()));
  ASSERT_TRUE(env_.RemoveFile(JoinPath(cp, "00000000")).ok());
  auto st = Storage::Open(&env_, kWal, {});
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ((*st)->stats().corruptions, 1u);
}

TEST_F(StorageDamageTest, TruncatedLastSegmentIsRepairedAndCounted) {
  auto segs = ListSegments(&env_, kWal);
  ASSERT_TRUE(segs.ok());
  const std::string last = Seg(segs->back());
  const std::string bytes = env_.Contents(last);
  ASSERT_GT(bytes.size(), kPageSize + 100);
  env_.SetContents(last, bytes.substr(0, kPageSize + 100));  // inside a record
  {
    auto st = Storage::Open(&env_, kWal, {});
    ASSERT_TRUE(st.ok()) << st.status();
    EXPECT_EQ((*st)->stats().corruptions, 1u);
    EXPECT_LT(*(*st)->LastTimestamp(1), kCommits);
  }
  // Repaired: the next open finds nothing more.
  auto st = Storage::Open(&env_, kWal, {});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ((*st)->stats().corruptions, 0u);
}

// Runs `fn` in a child process (as user `uid` when >= 0) and returns its
// wait status: a crash shows as a signal, never takes the test binary down.
int RunInChild(int uid, const std::function<int()>& fn) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (uid >= 0 && (setgid(uid) != 0 || setuid(uid) != 0)) _exit(90);
    _exit(fn());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

class StoragePosixDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/outpost-wal-damage-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/integrations/wal";
    Fill(Env::Default(), dir_);
    auto segs = ListSegments(Env::Default(), dir_);
    ASSERT_TRUE(segs.ok());
    ASSERT_GE(segs->size(), 3u);
    last_ = segs->back();
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string Seg(uint64_t i) const { return JoinPath(dir_, SegmentName(i)); }
  // Opens the WAL in a child (as `uid`); exit 0 when it opened with a
  // quarantined file and works.
  int OpenInChild(int uid) {
    return RunInChild(uid, [this] {
      auto st = Storage::Open(Env::Default(), dir_, {});
      if (!st.ok()) return 1;
      if ((*st)->stats().quarantined < 1 || (*st)->stats().corruptions < 1) return 2;
      auto app = (*st)->NewAppender();
      app->Append(app->Ref(Series("d", 0)), 1000000, 1);
      if (!app->Commit().ok() || !(*st)->Close().ok()) return 3;
      return 0;
    });
  }
  std::string root_, dir_;
  uint64_t last_ = 0;
};

TEST_F(StoragePosixDamageTest, SegmentReplacedByADirectoryIsSetAside) {
  // The last segment (the writer's repair reads it) and a middle one.
  for (uint64_t seg : {last_, uint64_t{1}}) {
    SCOPED_TRACE(seg);
    std::filesystem::remove(Seg(seg));
    std::filesystem::create_directory(Seg(seg));
    const int status = OpenInChild(-1);
    ASSERT_TRUE(WIFEXITED(status)) << "crashed: signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_TRUE(std::filesystem::is_directory(Seg(seg) + ".corrupt"));
    EXPECT_TRUE(std::filesystem::is_regular_file(Seg(seg)));
  }
  ExpectOpensAndWorks(Env::Default(), dir_, 0);
}

TEST_F(StoragePosixDamageTest, UnreadableSegmentIsSetAside) {
  // Root reads anything: the child drops to an unprivileged user that owns
  // the WAL, as the agent's service user would.
  const int uid = geteuid() == 0 ? 65534 : -1;
  if (uid >= 0) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(root_)) {
      ASSERT_EQ(::chown(e.path().c_str(), uid, uid), 0);
    }
    ASSERT_EQ(::chown(root_.c_str(), uid, uid), 0);
  }
  for (uint64_t seg : {last_, uint64_t{1}}) {
    SCOPED_TRACE(seg);
    ASSERT_EQ(::chmod(Seg(seg).c_str(), 0), 0);
    const int status = OpenInChild(uid);
    ASSERT_TRUE(WIFEXITED(status)) << "crashed: signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_TRUE(std::filesystem::exists(Seg(seg) + ".corrupt"));
  }
}

}  // namespace
}  // namespace outpost::wal
