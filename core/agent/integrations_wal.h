// A WAL under the agent's wal_directory and its upkeep on a background
// thread: <wal_directory>/integrations/wal, which every integration writes
// into, and <wal_directory>/<name>/wal for each metrics instance (DESIGN.md):
//   - group commit: fsync every `sync_interval` (a commit is already safe
//     from a process crash; this bounds what a power loss can cost);
//   - truncation every `truncate_frequency`, with Grafana Agent's cutoff
//     (static/metrics/instance/instance.go truncateLoop): now - min_wal_time
//     when samples are shipped, now when nothing ships them, clamped to at
//     least now - max_wal_time, and skipped when unchanged. The shipper's
//     lowest needed segment (wal::Storage::SetLowestNeededSegment) is kept
//     unless older than max_wal_time or pushing the directory over
//     max_wal_size (outpost-only); what those limits drop is counted in
//     agent_wal_samples_dropped_total{reason} and logged.
//
// Thread-safety: storage() may be used from any thread; Truncate() from any
// thread (the storage serializes); Close() once.
#ifndef OUTPOST_CORE_AGENT_INTEGRATIONS_WAL_H_
#define OUTPOST_CORE_AGENT_INTEGRATIONS_WAL_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
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
    std::string name = "integrations";  // the sub-directory
    // Labels on the storage's self-metrics (several WALs, one registry).
    std::map<std::string, std::string> metric_labels;
    absl::Duration truncate_frequency = absl::Minutes(60);
    absl::Duration min_wal_time = absl::Minutes(5);
    // integrations.max_wal_time / max_wal_size (config.h; size 0: none).
    absl::Duration max_wal_time = absl::Hours(4);
    uint64_t max_wal_size = 0;
    absl::Duration sync_interval = absl::Seconds(1);
    bool shipped = false;  // some remote_write reads this WAL
    // Tests: the file system (null: wal::Env::Default(), not owned), the
    // segment size, and the clock of the truncation cutoff (null:
    // absl::Now).
    wal::Env* env = nullptr;
    uint64_t segment_size = wal::kDefaultSegmentSize;
    std::function<absl::Time()> clock;
  };

  // Opens (replays, repairs) the WAL and starts the upkeep thread.
  static absl::StatusOr<std::unique_ptr<IntegrationsWal>> Open(Options opts,
                                                               prometheus::Registry& registry);
  ~IntegrationsWal();  // Close()s

  const std::shared_ptr<wal::Storage>& storage() const { return storage_; }
  const std::string& dir() const { return dir_; }
  // Runs one truncation now, as the upkeep thread does every
  // truncate_frequency. OK when skipped (cutoff unchanged).
  absl::Status Truncate();
  // Stops the upkeep thread, fsyncs and closes the log. Idempotent.
  void Close();

  // The directory of WAL `name` under a wal_directory.
  static std::string DirFor(const std::string& wal_directory,
                            const std::string& name = "integrations");

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
  std::mutex truncate_mu_;
  int64_t last_cutoff_ms_ = 0;  // guarded by truncate_mu_
  std::thread thread_;
};

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_INTEGRATIONS_WAL_H_
