#include "core/agent/runner.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "absl/time/clock.h"
#include "core/base/memory_sink.h"
#include "gtest/gtest.h"
#include "tests/core/agent/runner_test_util.h"

namespace outpost {
namespace {

using namespace runner_test;  // NOLINT

IntegrationRunner::Options Opts(const std::string& name) {
  IntegrationRunner::Options o;
  o.name = name;
  o.interval = absl::Milliseconds(50);
  o.timeout = absl::Milliseconds(40);
  o.restart_backoff = absl::Milliseconds(20);
  return o;
}

TEST(RunnerTest, CollectsOnSchedule) {
  auto sink = std::make_shared<MemorySink>();
  std::atomic<int> calls{0};
  IntegrationRunner r(Opts("a"), [&]() -> absl::StatusOr<std::unique_ptr<Integration>> {
    return std::make_unique<CountingIntegration>(&calls);
  }, std::make_shared<CollectionPipeline>(Target("a"), sink));
  r.Start();
  ASSERT_TRUE(WaitFor([&] { return r.rounds() >= 3; }));
  r.Stop();
  auto ups = Ups(*sink, "integrations/a");
  ASSERT_GE(ups.size(), 3u);
  for (double u : ups) EXPECT_EQ(u, 1);
}

TEST(RunnerTest, HungIntegrationIsIsolatedAndReportedDown) {
  auto sink = std::make_shared<MemorySink>();
  auto gate = std::make_shared<Gate>();
  std::atomic<int> calls{0};
  IntegrationRunner hung(Opts("hung"), [gate]() -> absl::StatusOr<std::unique_ptr<Integration>> {
    return std::make_unique<HangingIntegration>(gate);
  }, std::make_shared<CollectionPipeline>(Target("hung"), sink));
  IntegrationRunner fine(Opts("fine"), [&]() -> absl::StatusOr<std::unique_ptr<Integration>> {
    return std::make_unique<CountingIntegration>(&calls);
  }, std::make_shared<CollectionPipeline>(Target("fine"), sink));
  hung.Start();
  fine.Start();
  // The healthy integration keeps collecting while the other is stuck.
  ASSERT_TRUE(WaitFor([&] { return calls.load() >= 5 && Ups(*sink, "integrations/hung").size() >= 3; }));
  EXPECT_EQ(gate->entered.load(), 1);  // never re-entered while stuck
  for (double u : Ups(*sink, "integrations/hung")) EXPECT_EQ(u, 0);
  for (double u : Ups(*sink, "integrations/fine")) EXPECT_EQ(u, 1);
  // Stop returns although Collect is still blocked.
  hung.Stop();
  fine.Stop();
  gate->Open();  // let the abandoned worker finish; it owns its state
}

TEST(RunnerTest, LateResultIsDiscardedAndCollectionResumes) {
  auto sink = std::make_shared<MemorySink>();
  auto gate = std::make_shared<Gate>();
  std::atomic<int> made{0};
  std::atomic<int> calls{0};
  IntegrationRunner r(Opts("late"), [&]() -> absl::StatusOr<std::unique_ptr<Integration>> {
    if (made++ == 0) return std::make_unique<HangingIntegration>(gate);
    return std::make_unique<CountingIntegration>(&calls);
  }, std::make_shared<CollectionPipeline>(Target("late"), sink));
  r.Start();
  ASSERT_TRUE(WaitFor([&] { return Ups(*sink, "integrations/late").size() >= 2; }));
  gate->Open();
  // The late round is discarded; the same integration object then answers
  // on time (the gate stays open) and up returns to 1.
  ASSERT_TRUE(WaitFor([&] {
    auto ups = Ups(*sink, "integrations/late");
    return !ups.empty() && ups.back() == 1;
  }));
  r.Stop();
}

TEST(RunnerTest, CrashIsCountedAndRestarted) {
  auto sink = std::make_shared<MemorySink>();
  std::atomic<int> made{0};
  std::atomic<int> exits{0};
  std::atomic<int> calls{0};
  IntegrationRunner::Options o = Opts("crashy");
  o.on_abnormal_exit = [&] { ++exits; };
  IntegrationRunner r(o, [&]() -> absl::StatusOr<std::unique_ptr<Integration>> {
    if (made++ == 0) return std::make_unique<ThrowingIntegration>();
    return std::make_unique<CountingIntegration>(&calls);
  }, std::make_shared<CollectionPipeline>(Target("crashy"), sink));
  r.Start();
  ASSERT_TRUE(WaitFor([&] { return calls.load() >= 2; }));
  r.Stop();
  EXPECT_EQ(exits.load(), 1);
  EXPECT_EQ(made.load(), 2);
  auto ups = Ups(*sink, "integrations/crashy");
  ASSERT_GE(ups.size(), 2u);
  EXPECT_EQ(ups.front(), 0);
  EXPECT_EQ(ups.back(), 1);
}

TEST(RunnerTest, FactoryErrorReportsDownAndRetries) {
  auto sink = std::make_shared<MemorySink>();
  std::atomic<int> made{0};
  std::atomic<int> calls{0};
  IntegrationRunner r(Opts("flaky"), [&]() -> absl::StatusOr<std::unique_ptr<Integration>> {
    if (made++ < 2) return absl::UnavailableError("not yet");
    return std::make_unique<CountingIntegration>(&calls);
  }, std::make_shared<CollectionPipeline>(Target("flaky"), sink));
  r.Start();
  ASSERT_TRUE(WaitFor([&] { return calls.load() >= 1; }));
  r.Stop();
  auto ups = Ups(*sink, "integrations/flaky");
  ASSERT_GE(ups.size(), 3u);
  EXPECT_EQ(ups[0], 0);
  EXPECT_EQ(ups[1], 0);
  EXPECT_EQ(ups.back(), 1);
}

TEST(RunnerTest, OffsetIsWithinInterval) {
  for (const char* n : {"node_exporter", "agent", "mysqld_exporter", ""}) {
    absl::Duration d = IntegrationRunner::Offset(n, absl::Seconds(15));
    EXPECT_GE(d, absl::ZeroDuration());
    EXPECT_LT(d, absl::Seconds(15));
  }
}

}  // namespace
}  // namespace outpost
