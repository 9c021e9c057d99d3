// Public API of remote write: ships one WAL directory to its remote_write
// endpoints, at least once, across restarts.
//
//   auto rw = remote_write::Manager::Create(instance.remote_write, wal_dir,
//                                           global.external_labels, registry);
//   storage->Subscribe([m = rw->get()] { m->Notify(); });
//   storage->SetLowestNeededSegment([m = rw->get()] { return m->LowestNeededSegment(); });
//   ...  // at shutdown, after collection stopped and the WAL was flushed:
//   (*rw)->Stop(instance.remote_flush_deadline);
//
// An Endpoint = Watcher (watcher.h) -> QueueManager (queue_manager.h) ->
// HttpClient (http_client.h), plus:
// - progress: "<wal_dir>/remote_write/<name>.progress" holds the WAL
//   position up to which everything was acknowledged, and the series done
//   beyond it (progress.h); "<name>.progress.live" is overwritten after
//   every acknowledged request, before its shard sends the next one
//   (survives kill -9), and "<name>.progress" replaced and fsynced every
//   `progress_interval` (5 s) and at Stop (survives power loss). On start the endpoint resumes there and skips what was done, so
//   data not acknowledged when the agent stopped or crashed is sent after
//   the restart, and what a receiver already took is not sent again but
//   for the last request of each shard (the newest sample of its series:
//   a duplicate Prometheus accepts). Never lost, never out of order.
//   Without a progress file, everything in the WAL is sent (the agent's
//   first start has an empty WAL).
// - metadata: when metadata_config.send, the latest metadata of every metric
//   family read from the WAL is sent every send_interval, in requests of at
//   most metadata_config.max_samples_per_send entries.
// - self-metrics (metrics.h) in the registry given to Create.
//
// Errors: Create fails on an invalid config (URL, relabel rule). Runtime
// failures are retried, counted and logged; nothing throws.
// Thread-safety: Notify and LowestNeededSegment from any thread (Notify is
// cheap: call it after every commit); Stop once, from the owner.
// Lifetime: the registry must outlive the Manager.
#ifndef OUTPOST_REMOTE_WRITE_ENDPOINT_H_
#define OUTPOST_REMOTE_WRITE_ENDPOINT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "core/agent/shipper.h"
#include "core/config/config.h"
#include "prometheus/registry.h"
#include "remote_write/metrics.h"
#include "remote_write/progress.h"
#include "remote_write/queue_manager.h"
#include "remote_write/watcher.h"

namespace outpost::remote_write {

struct EndpointOptions {
  absl::Duration progress_interval = absl::Seconds(5);
  absl::Duration poll_interval = absl::Seconds(1);  // watcher fallback
};

class Endpoint {
 public:
  static absl::StatusOr<std::unique_ptr<Endpoint>> Create(
      const config::RemoteWriteConfig& config, const std::string& wal_dir,
      const std::map<std::string, std::string>& external_labels,
      prometheus::Registry& registry, EndpointOptions options = {});
  ~Endpoint();  // Stop(0) if still running

  void Notify() { watcher_->Notify(); }
  // Reads the WAL to its end, sends what is queued until `flush_deadline`
  // has passed (not at all while the endpoint is failing), abandons the
  // rest (it stays in the WAL, and a warning says where it resumes), saves
  // progress.
  void Stop(absl::Duration flush_deadline);

  Position acked() const { return acks_->acked(); }
  // The lowest WAL segment this endpoint still needs.
  uint64_t LowestNeededSegment() const { return acks_->acked().segment; }
  const std::string& name() const { return config_.name; }
  // Series in the watcher's cache (tests, memory figures).
  size_t cached_series() const { return watcher_->series(); }
  const std::string& progress_path() const { return progress_path_; }

 private:
  Endpoint(const config::RemoteWriteConfig& config, std::string progress_path,
           prometheus::Registry& registry, EndpointOptions options, const Progress& start);
  void ProgressLoop();
  void MetadataLoop();
  // Writes the progress file if it changed since the last (synced) write.
  void SaveProgress(bool sync);

  const config::RemoteWriteConfig config_;
  const std::string progress_path_;
  LiveProgressFile live_ ABSL_GUARDED_BY(save_mu_);
  const EndpointOptions options_;
  EndpointMetrics metrics_;
  std::unique_ptr<AckTracker> acks_;
  std::unique_ptr<QueueManager> queue_;
  std::unique_ptr<Watcher> watcher_;
  absl::Mutex save_mu_;  // one writer of the progress file at a time
  uint64_t saved_version_ ABSL_GUARDED_BY(save_mu_) = 0;
  uint64_t synced_version_ ABSL_GUARDED_BY(save_mu_) = 0;
  bool save_failed_ ABSL_GUARDED_BY(save_mu_) = false;
  uint64_t seq_ ABSL_GUARDED_BY(save_mu_) = 0;
  bool stopped_ = false;
  absl::Notification stop_loops_;
  std::thread progress_thread_;
  std::thread metadata_thread_;
};

// All endpoints of one WAL directory; the agent's WalShipper.
class Manager final : public WalShipper {
 public:
  static absl::StatusOr<std::unique_ptr<Manager>> Create(
      const std::vector<config::RemoteWriteConfig>& configs, const std::string& wal_dir,
      const std::map<std::string, std::string>& external_labels,
      prometheus::Registry& registry, EndpointOptions options = {});

  void Notify() override;
  // Stops every endpoint in parallel, each with `flush_deadline`.
  void Stop(absl::Duration flush_deadline) override;
  // Minimum over endpoints; nullopt when there are none.
  std::optional<uint64_t> LowestNeededSegment() const override;
  const std::vector<std::unique_ptr<Endpoint>>& endpoints() const { return endpoints_; }

 private:
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
};

// The factory the composition root (core/main.cc) gives the agent
// (core/agent/shipper.h): Manager::Create with `options`.
ShipperFactory MakeShipperFactory(EndpointOptions options = {});

}  // namespace outpost::remote_write

#endif  // OUTPOST_REMOTE_WRITE_ENDPOINT_H_
