// Hand-written (see go_time.h): zones as Go's time.Parse uses its
// Location arguments, over absl::TimeZone.
#include "absl/time/civil_time.h"
#include "logs/stages/go_time.h"

namespace outpost::logs::stages {

GoZone::GoZone(absl::TimeZone tz) : tz_(tz), utc_(tz == absl::UTCTimeZone()) {
  // Every (abbreviation, offset) the zone has had, in order of appearance.
  absl::Time t = absl::FromUnixSeconds(-62135596800);  // year 1
  for (int i = 0; i < 4096; ++i) {
    const absl::TimeZone::CivilInfo ci = tz_.At(t);
    std::pair<std::string, int> z(ci.zone_abbr, ci.offset);
    bool seen = false;
    for (const auto& a : abbrs_) seen = seen || a == z;
    if (!seen) abbrs_.push_back(std::move(z));
    absl::TimeZone::CivilTransition tr;
    if (!tz_.NextTransition(t, &tr)) break;
    const absl::TimeZone::TimeInfo ti = tz_.At(tr.to);
    const absl::Time next = ti.kind == absl::TimeZone::TimeInfo::UNIQUE ? ti.pre : ti.trans;
    if (next <= t) break;
    t = next;
  }
}

bool GoZone::LookupName(std::string_view name, int64_t wall, int* offset) const {
  // Go's Location.lookupName: an abbreviation in force at that time first,
  // else the first one of that name.
  for (const auto& [abbr, off] : abbrs_) {
    if (abbr != name) continue;
    const absl::TimeZone::CivilInfo ci = tz_.At(absl::FromUnixSeconds(wall - off));
    if (name == ci.zone_abbr) {
      *offset = ci.offset;
      return true;
    }
  }
  for (const auto& [abbr, off] : abbrs_) {
    if (abbr == name) {
      *offset = off;
      return true;
    }
  }
  return false;
}

int64_t GoZone::FromWall(int64_t wall) const {
  if (utc_) return wall;
  // Go's time.Date: the offset in force at wall-as-UTC, corrected once.
  const int off1 = tz_.At(absl::FromUnixSeconds(wall)).offset;
  const int off = tz_.At(absl::FromUnixSeconds(wall - off1)).offset;
  return wall - off;
}

bool GoResolve(const GoParsed& p, const GoZone& default_zone, const GoZone& local, int64_t* ns) {
  // Years past ±1e9 cannot come from a layout; keep CivilSecond in range.
  const absl::CivilSecond cs(p.year, p.month, p.day, p.hour, p.minute, p.second);
  const int64_t wall = absl::ToUnixSeconds(absl::FromCivil(cs, absl::UTCTimeZone()));
  int64_t sec = wall;
  switch (p.zone) {
    case GoParsed::Zone::kUTC:
      break;
    case GoParsed::Zone::kOffset:
      sec = wall - p.offset;
      break;
    case GoParsed::Zone::kName: {
      // An abbreviation the zone does not know reads as UTC (Go records it
      // with a zero or GMT±N offset for display only).
      int off = 0;
      if (local.LookupName(p.zone_name, wall, &off)) sec = wall - off;
      break;
    }
    case GoParsed::Zone::kNone:
      sec = default_zone.FromWall(wall);
      break;
  }
  int64_t out = 0;
  if (__builtin_mul_overflow(sec, int64_t{1'000'000'000}, &out) ||
      __builtin_add_overflow(out, int64_t{p.nanos}, &out)) {
    return false;
  }
  *ns = out;
  return true;
}

}  // namespace outpost::logs::stages
