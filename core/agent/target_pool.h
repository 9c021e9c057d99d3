// Runs the targets of one handler integration (blackbox, snmp): one
// collection pipeline per target (job "integrations/<name>/<target>"), all
// on one scheduler thread and a small pool of worker threads, so 500 probe
// targets cost a handful of threads, not a thousand, and at most
// `max_concurrent` collections run at once.
//
// Per target it keeps IntegrationRunner's contract: ticks every interval
// from an offset hashed from the target's name; a round that has not
// started (all workers busy) or not finished by its deadline (start +
// timeout) is reported as failed (up 0) and a late result is discarded;
// while a target's collection is still running its next tick reports up 0
// again; a Collect that throws is counted as an abnormal exit and the
// target's integration is re-created after restart_backoff. Failures are
// logged once per change of state, per target. A worker stuck in a hung
// Collect is left behind at Stop() holding its own references.
#ifndef OUTPOST_CORE_AGENT_TARGET_POOL_H_
#define OUTPOST_CORE_AGENT_TARGET_POOL_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/agent/runner.h"

namespace outpost {

class TargetPool final : public CollectionRunner {
 public:
  struct Target {
    std::string name;  // for logs and the tick offset: "blackbox/<target>"
    IntegrationRunner::Factory factory;
    std::shared_ptr<CollectionPipeline> pipeline;
  };
  struct Options {
    std::string name;  // the integration, for the abnormal-exit counter
    absl::Duration interval = absl::Minutes(1);
    absl::Duration timeout = absl::Seconds(10);
    absl::Duration restart_backoff = absl::Seconds(5);
    std::function<void()> on_abnormal_exit;
    size_t max_concurrent = 32;
  };

  TargetPool(Options opts, std::vector<Target> targets);
  ~TargetPool() override;  // Stop()s

  void Start() override;
  void Stop() override;
  std::vector<std::shared_ptr<CollectionPipeline>> pipelines() const override;
  // Rounds completed over all targets (committed or reported failed).
  uint64_t rounds() const;
  // Worker threads started so far (at most max_concurrent); for tests.
  size_t workers() const;

 private:
  struct Shared;
  static void WorkerLoop(std::shared_ptr<Shared> s);
  void SchedulerLoop();

  std::shared_ptr<Shared> shared_;
  std::thread scheduler_;
};

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_TARGET_POOL_H_
