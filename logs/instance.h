// One logs.configs[] entry at run time: its file targets, tailed by one
// reader thread, shipped by one LokiClient per client, with a positions
// file that advances only when every client acknowledged the lines.
//
// Files are identified by device + inode and a fingerprint of their first
// bytes (positions.h), not by path:
// - rename + create: the old inode is read to its end (and until its lines
//   are acknowledged) while the new file at the path is read from 0; a
//   rotated name that still matches the glob is the same file, not a new
//   one (Promtail re-reads it: loki#2353);
// - copytruncate: a shrinking size or changed first bytes retire the old
//   generation; a copy found by the glob whose first bytes are the old
//   generation's continues where reading stopped (no duplicates), and the
//   truncated file is read from 0;
// - a new file is read from its start, as Promtail does.
// At most kMaxRotatedPerTarget rotated files per target are held open;
// past that the oldest is let go and its unread bytes are counted in
// outpost_logs_unread_bytes_dropped_total{reason="rotated_file_limit"}.
//
// Memory: one shared read buffer per instance; per file a few hundred
// bytes; each client holds at most two batches. During an outage the
// reader stops (back-pressure) and the files are the buffer.
//
// Thread-safety: Start/Stop from one thread.
#ifndef OUTPOST_LOGS_INSTANCE_H_
#define OUTPOST_LOGS_INSTANCE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/logs_config.h"

namespace prometheus {
class Registry;
}

namespace outpost::logs {

inline constexpr int kMaxRotatedPerTarget = 64;
// Files one instance holds open at most (live and rotated); past it, new
// matches wait, with one warning, until some are let go.
inline constexpr size_t kMaxOpenFiles = 8192;
// The line cap when limits_config.max_line_size is unset (Loki's default
// max_line_size): memory stays bounded whatever the input.
inline constexpr uint64_t kDefaultMaxLineSize = 256 * 1024;

struct InstanceOptions {
  config::LogsInstanceConfig config;
  absl::Duration min_poll = absl::Milliseconds(250);
  absl::Duration max_poll = absl::Milliseconds(250);
  std::string cwd;       // relative __path__ globs resolve here
  std::string hostname;  // __host__ filter
  prometheus::Registry* registry = nullptr;
};

class LogsInstance {
 public:
  static absl::StatusOr<std::unique_ptr<LogsInstance>> Start(InstanceOptions options);
  ~LogsInstance();
  LogsInstance(const LogsInstance&) = delete;
  LogsInstance& operator=(const LogsInstance&) = delete;

  // Stops reading, gives the clients `flush_deadline` to send what they
  // hold, then writes the positions durably. Idempotent.
  void Stop(absl::Duration flush_deadline);

  struct Impl;

 private:
  explicit LogsInstance(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_INSTANCE_H_
