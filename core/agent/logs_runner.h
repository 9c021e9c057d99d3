// What runs the `logs:` block: the agent's view of logs/. The composition
// root (core/main.cc) provides a LogsFactory backed by logs/; core never
// includes logs/ itself (DESIGN.md, "Dependencies point one way").
#ifndef OUTPOST_CORE_AGENT_LOGS_RUNNER_H_
#define OUTPOST_CORE_AGENT_LOGS_RUNNER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/config/logs_config.h"

namespace prometheus {
class Registry;
}

namespace outpost {

// Thread-compatible: the agent calls it under its reload lock.
class LogsRunner {
 public:
  virtual ~LogsRunner() = default;
  // Starts the instances of `logs` (at start and on each reload). An
  // instance whose config did not change keeps running untouched (its open
  // files and positions); changed ones are stopped and started anew, gone
  // ones stopped. An error (a positions directory that cannot be created)
  // leaves the running instances as they were.
  virtual absl::Status Apply(const config::LogsConfig& logs) = 0;
  // Stops reading; gives pending batches up to `flush_deadline`, then
  // persists the acknowledged positions. Idempotent.
  virtual void Stop(absl::Duration flush_deadline) = 0;
};

// Self-metrics go to `registry`, which outlives the runner; `hostname` is
// the agent's (AgentHostname), against which targets' __host__ is checked.
using LogsFactory = std::function<std::unique_ptr<LogsRunner>(prometheus::Registry& registry,
                                                              const std::string& hostname)>;

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_LOGS_RUNNER_H_
