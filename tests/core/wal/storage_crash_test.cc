// Crash test: a child process appends and commits in a loop, reporting each
// commit that returned through a pipe; the parent SIGKILLs it at random
// moments. Every reopen must succeed and hold every reported commit.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "core/wal/storage.h"
#include "gtest/gtest.h"
#include "tests/core/wal/storage_test_util.h"

namespace outpost::wal {
namespace {

constexpr int kSeriesPerCommit = 10;

// Child body: never returns.
[[noreturn]] void RunChild(const std::string& dir, int fd) {
  // Small segments so kills also land around rotations.
  auto st = Storage::Open(Env::Default(), dir, StorageOptions{.segment_size = 4 * kPageSize});
  if (!st.ok()) _exit(2);
  auto app = (*st)->NewAppender();
  std::vector<uint64_t> refs;
  for (int i = 0; i < kSeriesPerCommit; ++i) refs.push_back(app->Ref(Series("crash", i)));
  int64_t t = (*st)->LastTimestamp(refs[0]).value_or(0);
  if (t < 0) t = 0;
  for (;;) {
    ++t;
    for (uint64_t r : refs) app->Append(r, t, static_cast<double>(t));
    if (!app->Commit().ok()) _exit(3);
    if (write(fd, &t, sizeof t) != sizeof t) _exit(4);
  }
}

TEST(StorageCrashTest, EveryReturnedCommitSurvivesSigkill) {
  char tmpl[] = "/tmp/outpost-storage-crash-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = std::string(tmpl) + "/wal";
  std::mt19937 rng(20240611);
  std::set<int64_t> committed;
  constexpr int kKills = 24;
  for (int round = 0; round < kKills; ++round) {
    SCOPED_TRACE(round);
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      RunChild(dir, fds[1]);
    }
    close(fds[1]);
    // Let it run 1..60 ms, reading what it reports meanwhile.
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::microseconds(1000 + rng() % 59000);
    int64_t t;
    while (std::chrono::steady_clock::now() < deadline) {
      ssize_t n = read(fds[0], &t, sizeof t);
      if (n == sizeof t) committed.insert(t);
      if (n <= 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    // Whatever reached the pipe was committed before the kill.
    fcntl(fds[0], F_SETFL, 0);
    while (read(fds[0], &t, sizeof t) == sizeof t) committed.insert(t);
    close(fds[0]);

    auto st = Storage::Open(Env::Default(), dir, {});
    ASSERT_TRUE(st.ok()) << st.status();
    const uint64_t ref = (*st)->LookupRef(Series("crash", 0));
    if (!committed.empty()) {
      ASSERT_NE(ref, 0u);
      EXPECT_GE((*st)->LastTimestamp(ref).value_or(-1), *committed.rbegin());
    }
    ASSERT_TRUE((*st)->Close().ok());
  }
  EXPECT_GT(committed.size(), 100u);  // the child did run
  // Every reported commit is in the log, with all its samples.
  DecodedWal w = ReadWal(Env::Default(), dir);
  std::map<int64_t, int> per_t;
  for (const RefSample& s : w.samples) ++per_t[s.t];
  for (int64_t t : committed) {
    ASSERT_EQ(per_t[t], kSeriesPerCommit) << "commit " << t;
  }
  EXPECT_EQ(w.corruptions, 0u);
  ASSERT_TRUE(Env::Default()->RemoveAll(tmpl).ok());
}

}  // namespace
}  // namespace outpost::wal
