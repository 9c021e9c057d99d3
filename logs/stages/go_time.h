// Go's time layouts, written by hand for the timestamp stage (not a port of
// Go's code: it follows the behaviour of Go's time.Parse as Promtail uses it,
// stages/timestamp.go and util.go convertDateLayout) and Go's
// strconv.ParseInt for the Unix formats (time.ParseDuration is go_duration.h).
// go_time.cc has the layouts and numbers, go_zone.cc the zones.
//
// A layout ("02/Jan/2006:15:04:05 -0700") is split once into tokens; Parse
// walks them over a value without allocating. Zones and calendar math use
// absl::Time / absl::TimeZone (absl::LoadTimeZone reads /usr/share/zoneinfo).
//
// Thread-compatible; a compiled layout and a GoZone are immutable.
#ifndef OUTPOST_LOGS_STAGES_GO_TIME_H_
#define OUTPOST_LOGS_STAGES_GO_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace outpost::logs::stages {

// What a layout read from a value: civil fields and the zone, if any.
struct GoParsed {
  enum class Zone : uint8_t { kNone, kUTC, kOffset, kName };
  int64_t year = 0;  // 0 when the layout has no year (Go's year 0)
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int nanos = 0;
  Zone zone = Zone::kNone;
  int offset = 0;              // kOffset: seconds east of UTC
  std::string_view zone_name;  // kName: "MST", "CEST" (points into the value)
};

// A zone as Go's time.Location is used by Parse: the default zone of values
// without a zone, and (as Go's "local") the zone whose abbreviations are
// known. Built once (it lists the zone's abbreviations).
class GoZone {
 public:
  explicit GoZone(absl::TimeZone tz);
  const absl::TimeZone& tz() const { return tz_; }
  bool is_utc() const { return utc_; }
  // Go's Location.lookupName: the offset of abbreviation `name` at the
  // wall time `wall` (seconds of the civil time read as UTC).
  bool LookupName(std::string_view name, int64_t wall, int* offset) const;
  // Go's time.Date in this zone: the Unix seconds of civil time `wall`.
  int64_t FromWall(int64_t wall) const;

 private:
  absl::TimeZone tz_;
  bool utc_;
  std::vector<std::pair<std::string, int>> abbrs_;  // (abbreviation, offset)
};

class GoLayout {
 public:
  // Splits `layout` into Go's std elements and literal text.
  explicit GoLayout(std::string_view layout);
  // Reads `value` as Go's time.Parse does (fields, ranges, day of month,
  // day of year, AM/PM); false when it does not match.
  bool Parse(std::string_view value, GoParsed* out) const;
  // Promtail's test for a layout with a year (util.go: contains "06" or
  // "2006").
  bool has_year() const { return has_year_; }

  enum class Kind : uint8_t;

 private:
  struct Token {
    Kind kind;
    int digits = 0;         // fractional seconds: digits in the layout
    bool frac_next = false; // seconds: the next element is a fraction
    std::string literal;    // text before the element
  };
  std::vector<Token> tokens_;
  std::string tail_;  // literal text after the last element
  bool has_year_;
};

// The Unix nanoseconds of `p`. `default_zone` is for values without a zone
// (UTC for Go's Parse, the location for ParseInLocation), `local` knows the
// abbreviations (Go's Local, or the location). False when out of the int64
// nanosecond range (years 1678..2262).
bool GoResolve(const GoParsed& p, const GoZone& default_zone, const GoZone& local, int64_t* ns);

// Go's strconv.ParseInt(s, 10, 64).
bool ParseGoInt64(std::string_view s, int64_t* out);

}  // namespace outpost::logs::stages

#endif  // OUTPOST_LOGS_STAGES_GO_TIME_H_
