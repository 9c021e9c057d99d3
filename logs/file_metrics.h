// The file target's self-metrics, with Promtail's names and labels
// (loki clients/pkg/promtail/targets/file/metrics.go) plus Grafana Agent's
// logs_config label (static/logs/logs.go wraps the registerer with it).
// promtail_read_bytes_total and promtail_file_bytes_total are gauges
// despite their suffix, as upstream: the read offset and the size.
//
// Thread-safe (prometheus-cpp). The families are shared by every instance;
// an instance's series are removed when its FileMetrics goes.
#ifndef OUTPOST_LOGS_FILE_METRICS_H_
#define OUTPOST_LOGS_FILE_METRICS_H_

#include <mutex>
#include <string>
#include <vector>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace outpost::logs {

class FileMetrics {
 public:
  FileMetrics(prometheus::Registry& registry, const std::string& logs_config);
  ~FileMetrics();
  FileMetrics(const FileMetrics&) = delete;
  FileMetrics& operator=(const FileMetrics&) = delete;

  struct PerFile {
    prometheus::Gauge* read_bytes = nullptr;   // promtail_read_bytes_total{path}
    prometheus::Gauge* file_bytes = nullptr;   // promtail_file_bytes_total{path}
    prometheus::Counter* read_lines = nullptr;  // promtail_read_lines_total{path}
  };
  PerFile ForFile(const std::string& path);
  void RemoveFile(const PerFile& f);
  // promtail_targets_failed_total{reason}
  void TargetFailed(const std::string& reason, int n);
  // logentry_dropped_lines_total{reason} (pipeline stages' drops).
  prometheus::Counter& DroppedLines(const std::string& reason);

 private:
  std::string logs_config_;
  prometheus::Family<prometheus::Gauge>& read_bytes_;
  prometheus::Family<prometheus::Gauge>& file_bytes_;
  prometheus::Family<prometheus::Counter>& read_lines_;
  prometheus::Family<prometheus::Gauge>& files_active_;
  prometheus::Family<prometheus::Gauge>& targets_active_;
  prometheus::Family<prometheus::Counter>& targets_failed_;
  prometheus::Family<prometheus::Counter>& unread_dropped_;
  prometheus::Family<prometheus::Counter>& dropped_lines_;
  std::mutex mu_;
  std::vector<PerFile> files_;
  std::vector<prometheus::Counter*> failed_;
  std::vector<prometheus::Counter*> dropped_;

 public:
  prometheus::Gauge& files_active;    // promtail_files_active_total
  prometheus::Gauge& targets_active;  // promtail_targets_active_total
  // Outpost's own: bytes of rotated files let go unread past the bound
  // of files held open per target.
  prometheus::Counter& unread_dropped;
  // logentry_dropped_lines_total{reason="global_rate_limiter_drop"}: lines
  // over limits_config.readline_rate with readline_rate_drop (Promtail's
  // pipeline.go rate limiter).
  prometheus::Counter& rate_dropped;
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_FILE_METRICS_H_
