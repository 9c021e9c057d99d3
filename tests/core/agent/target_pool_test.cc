#include "core/agent/target_pool.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/base/memory_sink.h"
#include "gtest/gtest.h"
#include "tests/core/agent/runner_test_util.h"

namespace outpost {
namespace {

using namespace runner_test;  // NOLINT

TargetPool::Options PoolOpts(size_t max_concurrent = 32) {
  TargetPool::Options o;
  o.name = "probe";
  o.interval = absl::Milliseconds(50);
  o.timeout = absl::Milliseconds(40);
  o.restart_backoff = absl::Milliseconds(20);
  o.max_concurrent = max_concurrent;
  return o;
}

TargetPool::Target Counting(const std::string& name, std::shared_ptr<MemorySink> sink,
                            std::atomic<int>* calls) {
  return TargetPool::Target{"probe/" + name,
                            [calls]() -> absl::StatusOr<std::unique_ptr<Integration>> {
                              return std::make_unique<CountingIntegration>(calls);
                            },
                            std::make_shared<CollectionPipeline>(Target("probe/" + name), sink)};
}

TEST(TargetPoolTest, EachTargetIsItsOwnJob) {
  auto sink = std::make_shared<MemorySink>();
  std::vector<std::atomic<int>> calls(3);
  std::vector<TargetPool::Target> targets;
  for (int i = 0; i < 3; ++i) targets.push_back(Counting(std::to_string(i), sink, &calls[i]));
  TargetPool pool(PoolOpts(), std::move(targets));
  EXPECT_EQ(pool.pipelines().size(), 3u);
  pool.Start();
  ASSERT_TRUE(WaitFor([&] {
    for (auto& c : calls) {
      if (c.load() < 3) return false;
    }
    return true;
  }));
  pool.Stop();
  for (int i = 0; i < 3; ++i) {
    auto ups = Ups(*sink, "integrations/probe/" + std::to_string(i));
    ASSERT_GE(ups.size(), 3u) << i;
    for (double u : ups) EXPECT_EQ(u, 1);
  }
}

TEST(TargetPoolTest, ConcurrencyIsBoundedAndStarvedRoundsAreReportedDown) {
  auto sink = std::make_shared<MemorySink>();
  auto gate = std::make_shared<Gate>();
  std::vector<TargetPool::Target> targets;
  for (int i = 0; i < 5; ++i) {
    const std::string name = "hung" + std::to_string(i);
    targets.push_back(TargetPool::Target{
        "probe/" + name,
        [gate]() -> absl::StatusOr<std::unique_ptr<Integration>> {
          return std::make_unique<HangingIntegration>(gate);
        },
        std::make_shared<CollectionPipeline>(Target("probe/" + name), sink)});
  }
  TargetPool pool(PoolOpts(/*max_concurrent=*/2), std::move(targets));
  pool.Start();
  // Every target is reported down (at its deadline, or while it waits for
  // a worker), though only two collections ever run.
  ASSERT_TRUE(WaitFor([&] {
    for (int i = 0; i < 5; ++i) {
      if (Ups(*sink, "integrations/probe/hung" + std::to_string(i)).size() < 2) return false;
    }
    return true;
  }));
  EXPECT_LE(pool.workers(), 2u);
  EXPECT_LE(gate->entered.load(), 2);
  for (int i = 0; i < 5; ++i) {
    for (double u : Ups(*sink, "integrations/probe/hung" + std::to_string(i))) EXPECT_EQ(u, 0);
  }
  pool.Stop();  // returns although two workers are stuck
  gate->Open();
}

TEST(TargetPoolTest, HungTargetDoesNotStopTheOthers) {
  auto sink = std::make_shared<MemorySink>();
  auto gate = std::make_shared<Gate>();
  std::atomic<int> calls{0};
  std::vector<TargetPool::Target> targets;
  targets.push_back(TargetPool::Target{
      "probe/hung",
      [gate]() -> absl::StatusOr<std::unique_ptr<Integration>> {
        return std::make_unique<HangingIntegration>(gate);
      },
      std::make_shared<CollectionPipeline>(Target("probe/hung"), sink)});
  targets.push_back(Counting("fine", sink, &calls));
  TargetPool pool(PoolOpts(), std::move(targets));
  pool.Start();
  ASSERT_TRUE(WaitFor([&] {
    return calls.load() >= 5 && Ups(*sink, "integrations/probe/hung").size() >= 3;
  }));
  EXPECT_EQ(gate->entered.load(), 1);  // never re-entered while stuck
  for (double u : Ups(*sink, "integrations/probe/hung")) EXPECT_EQ(u, 0);
  for (double u : Ups(*sink, "integrations/probe/fine")) EXPECT_EQ(u, 1);
  gate->Open();
  // The late round is discarded; the target then answers on time again.
  ASSERT_TRUE(WaitFor([&] {
    auto ups = Ups(*sink, "integrations/probe/hung");
    return !ups.empty() && ups.back() == 1;
  }));
  pool.Stop();
}

TEST(TargetPoolTest, CrashIsCountedAndTheTargetRecreated) {
  auto sink = std::make_shared<MemorySink>();
  std::atomic<int> made{0};
  std::atomic<int> exits{0};
  std::atomic<int> calls{0};
  TargetPool::Options o = PoolOpts();
  o.on_abnormal_exit = [&] { ++exits; };
  std::vector<TargetPool::Target> targets;
  targets.push_back(TargetPool::Target{
      "probe/crashy",
      [&]() -> absl::StatusOr<std::unique_ptr<Integration>> {
        if (made++ == 0) return std::make_unique<ThrowingIntegration>();
        return std::make_unique<CountingIntegration>(&calls);
      },
      std::make_shared<CollectionPipeline>(Target("probe/crashy"), sink)});
  TargetPool pool(o, std::move(targets));
  pool.Start();
  ASSERT_TRUE(WaitFor([&] { return calls.load() >= 2; }));
  pool.Stop();
  EXPECT_EQ(exits.load(), 1);
  EXPECT_EQ(made.load(), 2);
  auto ups = Ups(*sink, "integrations/probe/crashy");
  ASSERT_GE(ups.size(), 2u);
  EXPECT_EQ(ups.front(), 0);
  EXPECT_EQ(ups.back(), 1);
}

TEST(TargetPoolTest, ParamsAreParamLabelsForRelabeling) {
  TargetOptions t = Target("blackbox/web");
  t.params = {{"target", "http://example.org"}, {"module", "http_2xx"}};
  relabel::Config rule;
  rule.source_labels = {"__param_target"};
  rule.target_label = "probe_target";
  ASSERT_TRUE(relabel::Compile(rule).ok());
  t.relabel_configs.push_back(rule);
  CollectionPipeline p(std::move(t), nullptr);
  EXPECT_EQ(p.target_labels().Get("probe_target"), "http://example.org");
  EXPECT_FALSE(p.target_labels().Has("__param_module"));
}

}  // namespace
}  // namespace outpost
