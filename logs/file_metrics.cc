#include "logs/file_metrics.h"

#include <algorithm>

namespace outpost::logs {

FileMetrics::FileMetrics(prometheus::Registry& registry, const std::string& logs_config)
    : logs_config_(logs_config),
      read_bytes_(prometheus::BuildGauge()
                      .Name("promtail_read_bytes_total")
                      .Help("Number of bytes read.")
                      .Register(registry)),
      file_bytes_(prometheus::BuildGauge()
                      .Name("promtail_file_bytes_total")
                      .Help("Number of bytes total.")
                      .Register(registry)),
      read_lines_(prometheus::BuildCounter()
                      .Name("promtail_read_lines_total")
                      .Help("Number of lines read.")
                      .Register(registry)),
      files_active_(prometheus::BuildGauge()
                        .Name("promtail_files_active_total")
                        .Help("Number of active files.")
                        .Register(registry)),
      targets_active_(prometheus::BuildGauge()
                          .Name("promtail_targets_active_total")
                          .Help("Number of active total.")
                          .Register(registry)),
      targets_failed_(prometheus::BuildCounter()
                          .Name("promtail_targets_failed_total")
                          .Help("Number of failed targets.")
                          .Register(registry)),
      unread_dropped_(prometheus::BuildCounter()
                          .Name("outpost_logs_unread_bytes_dropped_total")
                          .Help("Bytes of rotated files let go before they were read and "
                                "acknowledged, past the bound of rotated files held open.")
                          .Register(registry)),
      dropped_lines_(prometheus::BuildCounter()
                         .Name("logentry_dropped_lines_total")
                         .Help("A count of all log lines dropped as a result of a pipeline stage")
                         .Register(registry)),
      files_active(files_active_.Add({{"logs_config", logs_config}})),
      targets_active(targets_active_.Add({{"logs_config", logs_config}})),
      unread_dropped(unread_dropped_.Add({{"logs_config", logs_config},
                                          {"reason", "rotated_file_limit"}})),
      rate_dropped(dropped_lines_.Add({{"logs_config", logs_config},
                                       {"reason", "global_rate_limiter_drop"}})) {}

FileMetrics::~FileMetrics() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const PerFile& f : files_) {
    read_bytes_.Remove(f.read_bytes);
    file_bytes_.Remove(f.file_bytes);
    read_lines_.Remove(f.read_lines);
  }
  for (prometheus::Counter* c : failed_) targets_failed_.Remove(c);
  for (prometheus::Counter* c : dropped_) {
    if (c != &rate_dropped) dropped_lines_.Remove(c);
  }
  files_active_.Remove(&files_active);
  targets_active_.Remove(&targets_active);
  unread_dropped_.Remove(&unread_dropped);
  dropped_lines_.Remove(&rate_dropped);
}

FileMetrics::PerFile FileMetrics::ForFile(const std::string& path) {
  const prometheus::Labels labels{{"logs_config", logs_config_}, {"path", path}};
  PerFile f{&read_bytes_.Add(labels), &file_bytes_.Add(labels), &read_lines_.Add(labels)};
  std::lock_guard<std::mutex> lock(mu_);
  files_.push_back(f);
  return f;
}

void FileMetrics::RemoveFile(const PerFile& f) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::find_if(files_.begin(), files_.end(),
                         [&](const PerFile& g) { return g.read_bytes == f.read_bytes; });
  if (it == files_.end()) return;
  files_.erase(it);
  // Another tracked generation of the same path may share the series.
  for (const PerFile& g : files_) {
    if (g.read_bytes == f.read_bytes) return;
  }
  read_bytes_.Remove(f.read_bytes);
  file_bytes_.Remove(f.file_bytes);
  read_lines_.Remove(f.read_lines);
}

void FileMetrics::TargetFailed(const std::string& reason, int n) {
  prometheus::Counter& c =
      targets_failed_.Add({{"logs_config", logs_config_}, {"reason", reason}});
  c.Increment(n);
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(failed_.begin(), failed_.end(), &c) == failed_.end()) failed_.push_back(&c);
}

prometheus::Counter& FileMetrics::DroppedLines(const std::string& reason) {
  prometheus::Counter& c = dropped_lines_.Add({{"logs_config", logs_config_}, {"reason", reason}});
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(dropped_.begin(), dropped_.end(), &c) == dropped_.end()) dropped_.push_back(&c);
  return c;
}

}  // namespace outpost::logs
