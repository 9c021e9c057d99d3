// The runtime side of an integration: something that collects on a schedule.
#ifndef OUTPOST_CORE_BASE_INTEGRATION_H_
#define OUTPOST_CORE_BASE_INTEGRATION_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/base/metric.h"

namespace outpost {

class Integration {
 public:
  virtual ~Integration() = default;

  // Collects one round of samples into `app`. Called from a scheduler
  // thread, never concurrently with itself. Should give up by `deadline`
  // (the scrape_timeout); the scheduler stops waiting for it then anyway.
  // A non-OK status makes `up` 0 for this round and discards whatever was
  // added in it, as a failed scrape does; TargetDown() makes `up` 0 but
  // keeps what was added (the exporter's own `pg_up 0`). Partial failures
  // that upstream reports as metrics (node_scrape_collector_success 0)
  // return OK.
  virtual absl::Status Collect(Appender& app, absl::Time deadline) = 0;
};

// The status of a round in which the integration's server could not be
// reached: `up` is 0 for the round, and the samples it added (`pg_up 0`,
// the exporter's own counters) are written all the same.
absl::Status TargetDown(std::string_view message);
// True for a status made by TargetDown.
bool IsTargetDown(const absl::Status& status);

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_INTEGRATION_H_
