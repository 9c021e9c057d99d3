// timex: the kernel clock discipline state from adjtimex(2)
// (node_exporter collector/timex.go; EPERM = no data).
#include <sys/timex.h>

#include <cerrno>
#include <cstring>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

struct Def {
  const char* name;
  MetricType type;
  const char* help;
};

enum Field {
  kSync,
  kOffset,
  kFreq,
  kMaxerror,
  kEsterror,
  kStatus,
  kConstant,
  kTick,
  kPpsFreq,
  kJitter,
  kShift,
  kStabil,
  kJitcnt,
  kCalcnt,
  kErrcnt,
  kStbcnt,
  kTai,
  kFieldCount
};

constexpr Def kDefs[kFieldCount] = {
    {"node_timex_sync_status", MetricType::kGauge,
     "Is clock synchronized to a reliable server (1 = yes, 0 = no)."},
    {"node_timex_offset_seconds", MetricType::kGauge,
     "Time offset in between local system and reference clock."},
    {"node_timex_frequency_adjustment_ratio", MetricType::kGauge,
     "Local clock frequency adjustment."},
    {"node_timex_maxerror_seconds", MetricType::kGauge, "Maximum error in seconds."},
    {"node_timex_estimated_error_seconds", MetricType::kGauge, "Estimated error in seconds."},
    {"node_timex_status", MetricType::kGauge, "Value of the status array bits."},
    {"node_timex_loop_time_constant", MetricType::kGauge, "Phase-locked loop time constant."},
    {"node_timex_tick_seconds", MetricType::kGauge, "Seconds between clock ticks."},
    {"node_timex_pps_frequency_hertz", MetricType::kGauge, "Pulse per second frequency."},
    {"node_timex_pps_jitter_seconds", MetricType::kGauge, "Pulse per second jitter."},
    {"node_timex_pps_shift_seconds", MetricType::kGauge, "Pulse per second interval duration."},
    {"node_timex_pps_stability_hertz", MetricType::kGauge,
     "Pulse per second stability, average of recent frequency changes."},
    {"node_timex_pps_jitter_total", MetricType::kCounter,
     "Pulse per second count of jitter limit exceeded events."},
    {"node_timex_pps_calibration_total", MetricType::kCounter,
     "Pulse per second count of calibration intervals."},
    {"node_timex_pps_error_total", MetricType::kCounter,
     "Pulse per second count of calibration errors."},
    {"node_timex_pps_stability_exceeded_total", MetricType::kCounter,
     "Pulse per second count of stability limit exceeded events."},
    {"node_timex_tai_offset_seconds", MetricType::kGauge,
     "International Atomic Time (TAI) offset."},
};

class TimexCollector final : public Collector {
 public:
  TimexCollector() {
    for (int i = 0; i < kFieldCount; ++i)
      families_[i] = {kDefs[i].name, kDefs[i].type, kDefs[i].help, ""};
  }

 protected:
  absl::Status Update() override {
    struct timex tx;
    std::memset(&tx, 0, sizeof(tx));
    int status = ::adjtimex(&tx);
    if (status < 0) {
      if (errno == EPERM) return NoData("adjtimex not permitted");
      return absl::UnavailableError(Cat("adjtimex: ", std::strerror(errno)));
    }
    constexpr double kMicro = 1e6, kNano = 1e9, kPpm16Frac = 1000000.0 * 65536.0;
    const double divisor = (tx.status & STA_NANO) != 0 ? kNano : kMicro;
    double v[kFieldCount];
    v[kSync] = status == TIME_ERROR ? 0 : 1;
    v[kOffset] = static_cast<double>(tx.offset) / divisor;
    v[kFreq] = 1 + static_cast<double>(tx.freq) / kPpm16Frac;
    v[kMaxerror] = static_cast<double>(tx.maxerror) / kMicro;
    v[kEsterror] = static_cast<double>(tx.esterror) / kMicro;
    v[kStatus] = static_cast<double>(tx.status);
    v[kConstant] = static_cast<double>(tx.constant);
    v[kTick] = static_cast<double>(tx.tick) / kMicro;
    v[kPpsFreq] = static_cast<double>(tx.ppsfreq) / kPpm16Frac;
    v[kJitter] = static_cast<double>(tx.jitter) / divisor;
    v[kShift] = static_cast<double>(tx.shift);
    v[kStabil] = static_cast<double>(tx.stabil) / kPpm16Frac;
    v[kJitcnt] = static_cast<double>(tx.jitcnt);
    v[kCalcnt] = static_cast<double>(tx.calcnt);
    v[kErrcnt] = static_cast<double>(tx.errcnt);
    v[kStbcnt] = static_cast<double>(tx.stbcnt);
    v[kTai] = static_cast<double>(tx.tai);
    for (int i = 0; i < kFieldCount; ++i) series_.Add(families_[i], v[i]);
    return absl::OkStatus();
  }

 private:
  MetricFamily families_[kFieldCount];
};

}  // namespace

CollectorOr NewTimexCollector(const Options&, const Paths&) {
  return std::make_unique<TimexCollector>();
}

}  // namespace outpost::integrations::node
