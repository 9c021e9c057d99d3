// The samples of mod_status' machine-readable page (`?auto`), as
// Lusitaniae/apache_exporter v0.12.0 collector/collector.go makes them
// from a 200 answer, with its state across collections:
// - unlabelled values (apache_version, accesses, kBytes, duration, uptime,
//   cpu_time_ms_total) only when their line is on this page;
// - the labelled gauges (info, generation, load, workers, processes,
//   connections) and apache_cpuload are client_golang Gauge(Vec)s that are
//   never reset: a value set once is reported again by later pages that
//   lack its line (cpuload is 0 until a CPULoad line is seen); connections
//   only on a page with a Conns* line; every info{version,mpm} pair seen
//   stays;
// - scoreboard: reset by each Scoreboard line, all 11 states at 0 first,
//   an unknown character its own state;
// - proxy balancer families: reset by each page.
// A value that does not parse as Go's strconv.ParseFloat fails the page at
// that line: what was added before it stays, the labelled gauges are not
// added (upstream returns the error before collecting them). So does a
// label value (version, MPM, balancer, worker, status) that is not UTF-8,
// where upstream's exporter panics.
//
// Thread-safety: none (one collection at a time). After the first page, a
// page of the same shape adds its samples without heap allocation.
#ifndef OUTPOST_INTEGRATIONS_APACHE_STATUS_H_
#define OUTPOST_INTEGRATIONS_APACHE_STATUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "core/base/metric.h"
#include "integrations/common/series_cache.h"

namespace outpost::integrations::apache {

// ServerVersion's value ("Apache/2.4.57 (Debian)") as upstream's
// apache_version: major + minor/100 + patch/100000 (2.04057); false when it
// has no "/" or fewer than three dotted parts (upstream panics there) or
// they are not numbers.
bool ParseServerVersion(std::string_view value, double* out);

class StatusCollector {
 public:
  StatusCollector();
  StatusCollector(const StatusCollector&) = delete;
  StatusCollector& operator=(const StatusCollector&) = delete;

  // Adds the samples of `page` (the body of a 200 answer) to `out`.
  // InvalidArgument naming the line whose value does not parse.
  absl::Status Collect(std::string_view page, SeriesCache& out);

 private:
  // The labelled gauges' values that persist across pages.
  enum Slot {
    kGenConfig, kGenMpm,
    kLoad1, kLoad5, kLoad15,
    kWorkersBusy, kWorkersIdle,
    kProcAll, kProcStopping,
    kConnTotal, kConnWriting, kConnKeepalive, kConnClosing,
    kNumSlots
  };
  struct SlotDef {
    const MetricFamily* family;
    std::string_view label;  // "type", "interval" or "state"
    std::string_view value;
  };
  struct BalancerRow {
    std::string_view balancer, worker, status;  // views into the page
    double value;
  };

  absl::Status Line(std::string_view key, std::string_view value, SeriesCache& out);
  void Scoreboard(std::string_view value, SeriesCache& out);
  void SetSlot(Slot s, double v) {
    slot_value_[s] = v;
    slot_set_[s] = true;
  }

  MetricFamily version_, info_, generation_, load_, accesses_, kbytes_, duration_, cpu_time_,
      cpuload_, uptime_, workers_, processes_, connections_, scoreboard_, proxy_status_,
      proxy_accesses_, proxy_busy_, proxy_request_kbytes_, proxy_response_kbytes_;
  SlotDef slots_[kNumSlots];
  double slot_value_[kNumSlots] = {};
  bool slot_set_[kNumSlots] = {};
  double cpuload_value_ = 0;
  std::vector<std::pair<std::string, std::string>> infos_;  // {version, mpm} seen

  // Per page.
  std::string_view balancer_, worker_;
  double cpu_user_ = 0, cpu_system_ = 0;
  bool cpu_found_ = false, connections_seen_ = false;
  std::vector<BalancerRow> balancer_status_, balancer_busy_;  // capacity kept
  std::vector<std::pair<std::string_view, double>> unknown_states_;
};

}  // namespace outpost::integrations::apache

#endif  // OUTPOST_INTEGRATIONS_APACHE_STATUS_H_
