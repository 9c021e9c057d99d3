// Runs one integration instance on its schedule.
//
// Each runner owns two threads: a scheduler thread that keeps time (ticks
// every scrape_interval, starting at an offset derived from a hash of the
// integration's name, as Prometheus spreads targets) and enforces
// scrape_timeout, and a worker thread that calls Integration::Collect. A
// collection that overruns its timeout is reported as failed (up 0) at the
// deadline; its late result is discarded, and while it stays stuck every
// tick reports up 0 again. So a slow or hung integration never delays
// another one and never blocks Stop(): a stuck worker is left behind
// (detached, holding its own references) rather than joined.
//
// An integration that throws out of Collect (the C++ form of an exporter
// that crashed its goroutine) is counted as an abnormal exit, re-created
// after restart_backoff, and collection resumes.
//
// Failures are logged once per change of state, not once per round.
#ifndef OUTPOST_CORE_AGENT_RUNNER_H_
#define OUTPOST_CORE_AGENT_RUNNER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/agent/pipeline.h"
#include "core/base/integration.h"

namespace outpost {

// What the agent starts and stops: the runner of one integration instance,
// or the pool of a handler integration's targets (target_pool.h).
class CollectionRunner {
 public:
  virtual ~CollectionRunner() = default;
  virtual void Start() = 0;
  // Returns promptly whatever the collections are doing.
  virtual void Stop() = 0;
  // Every pipeline it feeds.
  virtual std::vector<std::shared_ptr<CollectionPipeline>> pipelines() const = 0;
};

class IntegrationRunner final : public CollectionRunner {
 public:
  using Factory = std::function<absl::StatusOr<std::unique_ptr<Integration>>()>;
  struct Options {
    std::string name;  // for logs and metrics: "node_exporter"
    absl::Duration interval = absl::Minutes(1);
    absl::Duration timeout = absl::Seconds(10);
    absl::Duration restart_backoff = absl::Seconds(5);
    // Called on every abnormal exit (to count it); may be empty.
    std::function<void()> on_abnormal_exit;
  };

  IntegrationRunner(Options opts, Factory factory, std::shared_ptr<CollectionPipeline> pipeline);
  ~IntegrationRunner() override;  // Stop()s

  IntegrationRunner(const IntegrationRunner&) = delete;
  IntegrationRunner& operator=(const IntegrationRunner&) = delete;

  void Start() override;
  // Returns promptly whatever Collect is doing.
  void Stop() override;

  const std::shared_ptr<CollectionPipeline>& pipeline() const { return pipeline_; }
  std::vector<std::shared_ptr<CollectionPipeline>> pipelines() const override { return {pipeline_}; }
  // Number of rounds completed (committed or reported failed); for tests.
  uint64_t rounds() const;

  // The first tick's offset within the interval for `name`.
  static absl::Duration Offset(const std::string& name, absl::Duration interval);

 private:
  struct Shared;
  void SchedulerLoop();
  static void WorkerLoop(std::shared_ptr<Shared> s);

  const Options opts_;
  const Factory factory_;
  const std::shared_ptr<CollectionPipeline> pipeline_;
  std::shared_ptr<Shared> shared_;
  std::thread scheduler_;
};

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_RUNNER_H_
