// A token bucket with golang.org/x/time/rate's Limiter semantics (as
// Promtail's limit stage uses it): `rate` tokens per second up to `burst`,
// full at first. Time is passed in, so tests use a fake clock.
// Thread-compatible.
#ifndef OUTPOST_LOGS_TOKEN_BUCKET_H_
#define OUTPOST_LOGS_TOKEN_BUCKET_H_

#include <algorithm>

#include "absl/time/time.h"

namespace outpost::logs {

class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst) {}

  // Takes a token if one is there at `now` (Limiter.Allow).
  bool Allow(absl::Time now) {
    const double tokens = Advance(now) - 1;
    if (tokens < 0) return false;
    tokens_ = tokens;
    last_ = std::max(last_, now);
    return true;
  }

  // Takes a token now, owing it when there is none: how long to wait until
  // it is due (Limiter.Reserve(...).Delay()).
  absl::Duration Reserve(absl::Time now) {
    tokens_ = Advance(now) - 1;
    last_ = std::max(last_, now);
    if (tokens_ >= 0) return absl::ZeroDuration();
    return absl::Seconds(-tokens_ / rate_);
  }

 private:
  // The tokens at `now` (a time before the last one counts as the last).
  double Advance(absl::Time now) const {
    if (last_ == absl::InfinitePast()) return burst_;
    const double elapsed = absl::ToDoubleSeconds(std::max(now - last_, absl::ZeroDuration()));
    return std::min(burst_, tokens_ + elapsed * rate_);
  }

  double rate_;
  double burst_;
  double tokens_ = 0;
  absl::Time last_ = absl::InfinitePast();
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_TOKEN_BUCKET_H_
