// The WAL every integration writes into, <wal_directory>/integrations/wal
// (DESIGN.md), and its upkeep on a background thread:
//   - group commit: fsync every `sync_interval` (a commit is already safe
//     from a process crash; this bounds what a power loss can cost);
//   - truncation every `truncate_frequency`, with Grafana Agent's cutoff
//     (static/metrics/instance/instance.go truncateLoop): now - min_wal_time
//     when samples are shipped (the shipper's lowest needed segment is kept
//     whatever the cutoff), now when nothing ships them.
//
// Thread-safety: storage() may be used from any thread; Close() once.
#ifndef OUTPOST_CORE_AGENT_INTEGRATIONS_WAL_H_
#define OUTPOST_CORE_AGENT_INTEGRATIONS_WAL_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/wal/storage.h"
#include "core/wal/storage_prometheus.h"

namespace outpost {

class IntegrationsWal {
 public:
  struct Options {
    std::string wal_directory;  // metrics.wal_directory
    absl::Duration truncate_frequency = absl::Minutes(60);
    absl::Duration min_wal_time = absl::Minutes(5);
    absl::Duration sync_interval = absl::Seconds(1);
    bool shipped = false;  // some remote_write reads this WAL
  };

  // Opens (replays, repairs) the WAL and starts the upkeep thread.
  static absl::StatusOr<std::unique_ptr<IntegrationsWal>> Open(Options opts,
                                                               prometheus::Registry& registry);
  ~IntegrationsWal();  // Close()s

  const std::shared_ptr<wal::Storage>& storage() const { return storage_; }
  const std::string& dir() const { return dir_; }
  // Stops the upkeep thread, fsyncs and closes the log. Idempotent.
  void Close();

  // The directory for a wal_directory.
  static std::string DirFor(const std::string& wal_directory);

 private:
  IntegrationsWal(Options opts, std::string dir, prometheus::Registry& registry);
  void Loop();

  const Options opts_;
  const std::string dir_;
  wal::PrometheusStorageMetrics metrics_;  // must outlive storage_
  std::shared_ptr<wal::Storage> storage_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_INTEGRATIONS_WAL_H_
