// A WAL (IntegrationsWal) together with the remote-write shipper that tails
// it: the shipper is told of every commit and holds back truncation of
// what it has not sent. The agent has one for the integrations and one per
// metrics instance.
//
// Thread-safety: Ship/StopShipper/Close from the agent's controlling
// thread (under its reload lock); storage() from any thread.
#ifndef OUTPOST_CORE_AGENT_SHIPPED_WAL_H_
#define OUTPOST_CORE_AGENT_SHIPPED_WAL_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/agent/integrations_wal.h"
#include "core/agent/shipper.h"

namespace outpost {

class ShippedWal {
 public:
  static absl::StatusOr<std::unique_ptr<ShippedWal>> Open(IntegrationsWal::Options opts,
                                                          prometheus::Registry& registry);
  ~ShippedWal();  // Close()s

  const std::shared_ptr<wal::Storage>& storage() const { return wal_->storage(); }
  const std::string& dir() const { return wal_->dir(); }

  // (Re)starts shipping to `endpoints` (none: stops shipping). The
  // acknowledged position is durable, so a new shipper resumes where the
  // old one stopped. When the factory fails the running shipper stays and
  // the error is returned.
  absl::Status Ship(const ShipperFactory& factory,
                    const std::vector<config::RemoteWriteConfig>& endpoints,
                    const std::map<std::string, std::string>& external_labels,
                    prometheus::Registry& registry);
  // Gives in-flight data up to `flush_deadline`, then stops shipping.
  void StopShipper(absl::Duration flush_deadline);
  // Stops the shipper (no flush) and closes the WAL. Idempotent.
  void Close();

 private:
  explicit ShippedWal(std::unique_ptr<IntegrationsWal> wal) : wal_(std::move(wal)) {}

  std::unique_ptr<IntegrationsWal> wal_;
  std::shared_ptr<WalShipper> shipper_;
  int subscription_ = -1;
};

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_SHIPPED_WAL_H_
