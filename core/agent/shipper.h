// What ships a WAL somewhere: the agent's view of remote write. The
// composition root (core/main.cc) provides a ShipperFactory backed by
// remote_write/; core never includes remote_write/ itself.
#ifndef OUTPOST_CORE_AGENT_SHIPPER_H_
#define OUTPOST_CORE_AGENT_SHIPPER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/config.h"

namespace prometheus {
class Registry;
}

namespace outpost {

// Thread-safe.
class WalShipper {
 public:
  virtual ~WalShipper() = default;
  // A commit landed in the WAL (cheap: wakes the tailers).
  virtual void Notify() = 0;
  // The lowest WAL segment some endpoint has not acknowledged yet; WAL
  // truncation keeps it and every later one. nullopt: nothing needed.
  virtual std::optional<uint64_t> LowestNeededSegment() const = 0;
  // Stops tailing; gives in-flight data up to `flush_deadline` to be sent,
  // then persists the acknowledged position.
  virtual void Stop(absl::Duration flush_deadline) = 0;
};

// Starts shipping `wal_dir` to `endpoints`, adding `external_labels` to
// every series that lacks them; self-metrics go to `registry`.
using ShipperFactory = std::function<absl::StatusOr<std::unique_ptr<WalShipper>>(
    const std::vector<config::RemoteWriteConfig>& endpoints, const std::string& wal_dir,
    const std::map<std::string, std::string>& external_labels, prometheus::Registry& registry)>;

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_SHIPPER_H_
