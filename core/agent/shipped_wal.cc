#include "core/agent/shipped_wal.h"

namespace outpost {

absl::StatusOr<std::unique_ptr<ShippedWal>> ShippedWal::Open(IntegrationsWal::Options opts,
                                                             prometheus::Registry& registry) {
  absl::StatusOr<std::unique_ptr<IntegrationsWal>> w =
      IntegrationsWal::Open(std::move(opts), registry);
  if (!w.ok()) return w.status();
  return std::unique_ptr<ShippedWal>(new ShippedWal(*std::move(w)));
}

ShippedWal::~ShippedWal() { Close(); }

void ShippedWal::StopShipper(absl::Duration flush_deadline) {
  if (shipper_ == nullptr) return;
  wal_->storage()->Unsubscribe(subscription_);
  wal_->storage()->SetLowestNeededSegment(nullptr);
  shipper_->Stop(flush_deadline);
  shipper_.reset();
}

absl::Status ShippedWal::Ship(const ShipperFactory& factory,
                              const std::vector<config::RemoteWriteConfig>& endpoints,
                              const std::map<std::string, std::string>& external_labels,
                              prometheus::Registry& registry) {
  std::unique_ptr<WalShipper> next;
  if (factory && !endpoints.empty()) {
    absl::StatusOr<std::unique_ptr<WalShipper>> s =
        factory(endpoints, wal_->dir(), external_labels, registry);
    if (!s.ok()) return s.status();  // the running shipper stays
    next = *std::move(s);
  }
  StopShipper(absl::ZeroDuration());
  if (next == nullptr) return absl::OkStatus();
  shipper_ = std::shared_ptr<WalShipper>(std::move(next));
  std::weak_ptr<WalShipper> weak = shipper_;
  subscription_ = wal_->storage()->Subscribe([weak] {
    if (auto sh = weak.lock()) sh->Notify();
  });
  wal_->storage()->SetLowestNeededSegment([weak]() -> std::optional<uint64_t> {
    auto sh = weak.lock();
    return sh ? sh->LowestNeededSegment() : std::nullopt;
  });
  return absl::OkStatus();
}

void ShippedWal::Close() {
  if (wal_ == nullptr) return;
  StopShipper(absl::ZeroDuration());
  wal_->Close();
}

}  // namespace outpost
