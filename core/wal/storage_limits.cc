// Storage truncation planning: which segments a truncation covers, and
// what the max_wal_time / max_wal_size limits take from segments a reader
// still needed (storage.h, TruncateOptions). The checkpoint itself is
// written by storage_checkpoint.cc.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/base/log.h"
#include "core/wal/storage.h"

namespace outpost::wal {
namespace {

std::string FormatMs(int64_t ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

}  // namespace

void Storage::NoteSamples(uint64_t segment, uint64_t n, int64_t min_ts, int64_t max_ts) {
  if (n == 0) return;
  SegmentInfo& si = segment_info_[segment];
  si.samples += n;
  si.min_ts = std::min(si.min_ts, min_ts);
  si.max_ts = std::max(si.max_ts, max_ts);
}

std::optional<Storage::TruncationPlan> Storage::PlanTruncation(const TruncateOptions& opts,
                                                               const std::vector<uint64_t>& segs,
                                                               uint64_t cur) {
  const uint64_t first = segs.front();
  TruncationPlan plan;
  plan.first = first;
  plan.time_end = first;
  if (lowest_needed_) plan.needed = lowest_needed_();

  // Prometheus (tsdb/agent/db.go truncate): the lower two thirds of the
  // complete segments, and nothing while that is a single segment. Here
  // also never a segment a reader still needs.
  uint64_t end = first;  // exclusive
  uint64_t two_thirds = first + (cur - 1 - first) * 2 / 3;
  bool normal = true;
  if (plan.needed.has_value()) {
    if (*plan.needed <= first) {
      normal = false;
    } else {
      two_thirds = std::min(two_thirds, *plan.needed - 1);
    }
  }
  if (normal && two_thirds > first) end = two_thirds + 1;

  // max_wal_time: the oldest complete segments whose newest sample (if
  // any) is older than the limit.
  if (opts.max_wal_time != absl::InfiniteDuration()) {
    const int64_t cutoff = opts.now_ms - absl::ToInt64Milliseconds(opts.max_wal_time);
    for (uint64_t s : segs) {
      if (s >= cur) break;
      auto it = segment_info_.find(s);
      if (it != segment_info_.end() && it->second.samples > 0 && it->second.max_ts >= cutoff) {
        break;
      }
      plan.time_end = s + 1;
    }
    end = std::max(end, plan.time_end);
  }

  // max_wal_size: the oldest complete segments until the directory fits.
  if (opts.max_wal_size > 0) {
    uint64_t total = DirSize();
    for (uint64_t s : segs) {
      if (s >= cur || total <= opts.max_wal_size) break;
      absl::StatusOr<uint64_t> n = env_->GetFileSize(JoinPath(dir_, SegmentName(s)));
      if (n.ok()) total -= std::min(total, *n);
      end = std::max(end, s + 1);
    }
  }

  if (end <= first) return std::nullopt;
  plan.last = end - 1;
  return plan;
}

void Storage::AccountTruncation(const TruncationPlan& plan) {
  if (plan.needed.has_value() && *plan.needed <= plan.last) {
    uint64_t by_time = 0, by_size = 0;
    int64_t mint = std::numeric_limits<int64_t>::max();
    int64_t maxt = std::numeric_limits<int64_t>::min();
    for (auto it = segment_info_.lower_bound(*plan.needed);
         it != segment_info_.end() && it->first <= plan.last; ++it) {
      const SegmentInfo& si = it->second;
      (it->first < plan.time_end ? by_time : by_size) += si.samples;
      if (si.samples > 0) {
        mint = std::min(mint, si.min_ts);
        maxt = std::max(maxt, si.max_ts);
      }
    }
    stats_.samples_dropped_max_wal_time += by_time;
    stats_.samples_dropped_max_wal_size += by_size;
    std::string reason;
    if (*plan.needed < plan.time_end) reason = "max_wal_time";
    if (plan.last >= std::max(*plan.needed, plan.time_end)) {
      absl::StrAppend(&reason, reason.empty() ? "" : ",", "max_wal_size");
    }
    const bool any = by_time + by_size > 0;
    log::Warn("WAL truncation dropped segments a reader still needed",
              {{"dir", dir_},
               {"reason", reason},
               {"first_segment", SegmentName(std::max(plan.first, *plan.needed))},
               {"last_segment", SegmentName(plan.last)},
               {"samples_max_wal_time", absl::StrCat(by_time)},
               {"samples_max_wal_size", absl::StrCat(by_size)},
               {"mint", any ? FormatMs(mint) : ""},
               {"maxt", any ? FormatMs(maxt) : ""}});
  }
  segment_info_.erase(segment_info_.begin(), segment_info_.upper_bound(plan.last));
}

}  // namespace outpost::wal
