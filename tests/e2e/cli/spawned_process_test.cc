// The posix_spawn child-process helper the e2e tests stand on
// (tests/support/spawned_process.h; Process in process.h wraps it): redirections,
// environment, exit codes, failed starts, signals, stop.
#include "tests/support/spawned_process.h"

#include <pthread.h>
#include <signal.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/cli/process.h"

namespace outpost::testing {
namespace {

constexpr char kSh[] = "/bin/sh";

TEST(SpawnedProcessTest, SeparateOutputsAndExitCode) {
  TempDir d;
  SpawnOptions o;
  o.out = d / "out";
  o.err = d / "err";
  SpawnedProcess p({kSh, "-c", "echo to-out; echo to-err >&2; exit 3"}, o);
  ASSERT_TRUE(p.started());
  EXPECT_EQ(p.Wait(), std::optional<int>(3));
  EXPECT_EQ(ReadAll(d / "out"), "to-out\n");
  EXPECT_EQ(ReadAll(d / "err"), "to-err\n");
  EXPECT_FALSE(p.running());
  EXPECT_EQ(p.Wait(), std::optional<int>(3));  // kept after reaping
}

TEST(SpawnedProcessTest, OneLogForBoth) {
  TempDir d;
  SpawnedProcess p({kSh, "-c", "echo a; echo b >&2"}, d / "log");
  EXPECT_EQ(p.Wait(), std::optional<int>(0));
  EXPECT_EQ(ReadAll(d / "log"), "a\nb\n");
}

TEST(SpawnedProcessTest, EnvironmentIsExactlyTheGivenOne) {
  TempDir d;
  setenv("OUTPOST_SPAWN_TEST_LEAK", "leaked", 1);
  SpawnOptions o = SpawnOptions::Log(d / "out");
  o.env = std::vector<std::string>{"GREETING=hi"};
  SpawnedProcess p({kSh, "-c", "echo \"$GREETING|$OUTPOST_SPAWN_TEST_LEAK\""}, o);
  EXPECT_EQ(p.Wait(), std::optional<int>(0));
  EXPECT_EQ(ReadAll(d / "out"), "hi|\n");
  unsetenv("OUTPOST_SPAWN_TEST_LEAK");
}

TEST(SpawnedProcessTest, StdinFromDevNull) {
  TempDir d;
  SpawnOptions o = SpawnOptions::Log(d / "out");
  o.stdin_null = true;
  SpawnedProcess p({kSh, "-c", "cat; echo done"}, o);
  EXPECT_EQ(p.Wait(), std::optional<int>(0));
  EXPECT_EQ(ReadAll(d / "out"), "done\n");
}

TEST(SpawnedProcessTest, MissingProgramIsReportedNotHung) {
  TempDir d;
  SpawnedProcess p({d / "no-such-program"}, d / "log");
  EXPECT_FALSE(p.started());
  EXPECT_EQ(p.spawn_error(), ENOENT);
  EXPECT_FALSE(p.running());
  EXPECT_EQ(p.Wait(), std::optional<int>(SpawnedProcess::kSpawnFailed));
  p.Signal(SIGTERM);  // no-op
  p.Stop();           // no-op
}

TEST(SpawnedProcessTest, UnwritableRedirectionIsReported) {
  TempDir d;
  SpawnedProcess p({kSh, "-c", "exit 0"}, d / "no-such-dir/log");
  EXPECT_FALSE(p.started());
  EXPECT_EQ(p.Wait(), std::optional<int>(SpawnedProcess::kSpawnFailed));
}

TEST(SpawnedProcessTest, WaitIsBoundedAndStopTerminates) {
  TempDir d;
  SpawnedProcess p({"/bin/sleep", "60"}, d / "log");
  ASSERT_TRUE(p.started());
  EXPECT_TRUE(p.running());
  EXPECT_EQ(p.Wait(std::chrono::milliseconds(50)), std::nullopt);
  p.Stop();
  EXPECT_FALSE(p.running());
  EXPECT_EQ(p.Wait(), std::optional<int>(128 + SIGTERM));
}

// A test thread that blocks or ignores signals must not hand that to the
// child: SIGTERM still ends it.
TEST(SpawnedProcessTest, ChildGetsDefaultSignalHandling) {
  TempDir d;
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &old), 0);
  struct sigaction ignore {}, old_action {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGTERM, &ignore, &old_action);
  SpawnedProcess p({"/bin/sleep", "60"}, d / "log");
  sigaction(SIGTERM, &old_action, nullptr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_TRUE(p.started());
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(), std::optional<int>(128 + SIGTERM));
}

TEST(SpawnedProcessTest, StopEscalatesWhenTheSignalIsIgnored) {
  TempDir d;
  // The shell ignores SIGINT, says so, then execs sleep, which keeps it
  // ignored.
  SpawnOptions o = SpawnOptions::Log(d / "log");
  o.stop_signal = SIGINT;
  o.stop_grace = std::chrono::milliseconds(100);
  SpawnedProcess p({kSh, "-c", "trap '' INT; echo ready; exec /bin/sleep 600"}, o);
  ASSERT_TRUE(p.started());
  for (int i = 0; i < 1500 && ReadAll(d / "log").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(ReadAll(d / "log"), "ready\n");
  p.Stop();
  EXPECT_EQ(p.Wait(), std::optional<int>(128 + SIGKILL));
}

}  // namespace
}  // namespace outpost::testing
