// `timestamp`: sets the entry's time from an extracted value (Promtail
// stages/timestamp.go, util.go convertDateLayout). `format` (and each of
// `fallback_formats`) is a Go layout, one of Go's named layouts ANSIC ..
// RFC3339Nano, or Unix / UnixMs / UnixUs / UnixNs. As upstream:
// - `location` applies to custom layouts only (named ones use time.Parse):
//   the zone of values without one, and the zone whose abbreviations (MST)
//   are known; otherwise values without a zone are UTC and abbreviations
//   are those of the process' local zone (unknown ones read as UTC);
// - a custom layout without "06"/"2006" gets the current year, the previous
//   one for a December value in January, the next for a January value in
//   December ("now" is the entry's read time, in the local zone);
// - on failure, `fudge` (default) sets the last good time of the same label
//   set + 1ns (an LRU of 10000 label sets), `skip` leaves the time as is.
// Failures are logged at debug level only; upstream counts none.
#include <cmath>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/log.h"
#include "logs/stages/go_time.h"
#include "logs/stages/stage.h"

namespace outpost::logs::stages {
namespace {

// stages/timestamp.go maxLastKnownTimestampsCacheSize.
constexpr size_t kLastKnownSize = 10000;

// Go's named layouts that Promtail maps (util.go convertDateLayout).
constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
    {"ANSIC", "Mon Jan _2 15:04:05 2006"},
    {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
    {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
    {"RFC822", "02 Jan 06 15:04 MST"},
    {"RFC822Z", "02 Jan 06 15:04 -0700"},
    {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
    {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
    {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
    {"RFC3339", "2006-01-02T15:04:05Z07:00"},
    {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
};

class Format {
 public:
  enum class Kind { kLayout, kUnix, kUnixMs, kUnixUs, kUnixNs };

  // `loc`: the stage's location (null: none).
  Format(std::string_view spec, const GoZone* utc, const GoZone* local, const GoZone* loc)
      : layout_(spec) {
    if (spec == "Unix") kind_ = Kind::kUnix;
    if (spec == "UnixMs") kind_ = Kind::kUnixMs;
    if (spec == "UnixUs") kind_ = Kind::kUnixUs;
    if (spec == "UnixNs") kind_ = Kind::kUnixNs;
    default_zone_ = utc;
    local_ = now_zone_ = local;
    for (const auto& [name, layout] : kNamed) {
      if (spec == name) {
        layout_ = GoLayout(layout);
        return;
      }
    }
    if (loc != nullptr) default_zone_ = local_ = loc;
    yearless_ = !layout_.has_year();
  }

  // The Unix nanoseconds of `s`; `now` for layouts without a year.
  bool Parse(std::string_view s, absl::Time now, int64_t* ns) const {
    int64_t n = 0;
    switch (kind_) {
      case Kind::kUnix:
        return ParseUnix(s, ns);
      case Kind::kUnixMs:
        return ParseGoInt64(s, &n) && !__builtin_mul_overflow(n, int64_t{1'000'000}, ns);
      case Kind::kUnixUs:
        return ParseGoInt64(s, &n) && !__builtin_mul_overflow(n, int64_t{1'000}, ns);
      case Kind::kUnixNs:
        return ParseGoInt64(s, ns);
      case Kind::kLayout:
        break;
    }
    GoParsed p;
    if (!layout_.Parse(s, &p)) return false;
    if (yearless_) {
      const absl::CivilSecond today = absl::ToCivilSecond(now, now_zone_->tz());
      p.year = today.year();
      if (p.month == 12 && today.month() == 1) --p.year;
      if (p.month == 1 && today.month() == 12) ++p.year;
    }
    return GoResolve(p, *default_zone_, *local_, ns);
  }

 private:
  // "1562708916" or "1562708916.414123" (util.go: the fraction scaled by a
  // float power of ten, as upstream).
  static bool ParseUnix(std::string_view s, int64_t* ns) {
    const size_t dot = s.find('.');
    int64_t sec = 0;
    if (dot == std::string_view::npos || s.find('.', dot + 1) != std::string_view::npos) {
      return ParseGoInt64(s, &sec) && !__builtin_mul_overflow(sec, int64_t{1'000'000'000}, ns);
    }
    const std::string_view frac_text = s.substr(dot + 1);
    int64_t frac = 0;
    if (!ParseGoInt64(s.substr(0, dot), &sec) || !ParseGoInt64(frac_text, &frac)) return false;
    const double scaled = static_cast<double>(frac) *
                          std::pow(10.0, 9.0 - static_cast<double>(frac_text.size()));
    if (!(std::abs(scaled) < 9.2e18)) return false;
    return !__builtin_mul_overflow(sec, int64_t{1'000'000'000}, ns) &&
           !__builtin_add_overflow(*ns, static_cast<int64_t>(scaled), ns);
  }

  Kind kind_ = Kind::kLayout;
  GoLayout layout_;
  const GoZone* default_zone_;
  const GoZone* local_;
  const GoZone* now_zone_;  // Go's time.Now() is in Local
  bool yearless_ = false;
};

struct LabelsHash {
  size_t operator()(const Labels& l) const { return l.Hash(); }
};

// The last good time per label set, least recently used dropped first
// (Promtail's golang-lru keyed by labels.String()).
class LastKnown {
 public:
  const int64_t* Get(const Labels& labels) {
    auto it = map_.find(labels);
    if (it == map_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second.pos);
    return &it->second.ts;
  }
  void Put(const Labels& labels, int64_t ts) {
    auto it = map_.find(labels);
    if (it != map_.end()) {
      it->second.ts = ts;
      lru_.splice(lru_.begin(), lru_, it->second.pos);
      return;
    }
    if (map_.size() == kLastKnownSize) {
      map_.erase(*lru_.back());
      lru_.pop_back();
    }
    auto [ins, ok] = map_.emplace(labels, Slot{ts, {}});
    lru_.push_front(&ins->first);
    ins->second.pos = lru_.begin();
  }
  size_t size() const { return map_.size(); }

 private:
  struct Slot {
    int64_t ts;
    std::list<const Labels*>::iterator pos;
  };
  std::unordered_map<Labels, Slot, LabelsHash> map_;
  std::list<const Labels*> lru_;  // front: most recently used
};

class TimestampStage final : public Stage {
 public:
  TimestampStage(std::string source, std::string format_text,
                 const std::vector<std::string>& formats, std::optional<absl::TimeZone> loc,
                 bool fudge)
      : source_(std::move(source)),
        format_text_(std::move(format_text)),
        utc_(absl::UTCTimeZone()),
        local_(absl::LocalTimeZone()),
        fudge_(fudge) {
    if (loc) loc_.emplace(*loc);
    for (const std::string& f : formats) {
      formats_.emplace_back(f, &utc_, &local_, loc_ ? &*loc_ : nullptr);
    }
  }

  Result Process(Entry& e, Output&) override {
    int64_t ns = 0;
    if (ParseFrom(e, &ns)) {
      e.ts_ns = ns;
      if (fudge_) last_.Put(e.labels, ns);
    } else if (fudge_) {
      if (const int64_t* last = last_.Get(e.labels)) {
        e.ts_ns = *last + 1;
        last_.Put(e.labels, e.ts_ns);
      }
    }
    return Result::kContinue;
  }

 private:
  bool ParseFrom(const Entry& e, int64_t* ns) const {
    const Value* v = e.extracted.Find(source_);
    if (v == nullptr) {
      log::Debug("extracted data did not contain a timestamp");
      return false;
    }
    if (v->kind == Value::Kind::kNull) {
      log::Debug("failed to convert extracted time to string");
      return false;
    }
    for (const Format& f : formats_) {
      if (f.Parse(v->text, e.read_at, ns)) return true;
    }
    log::Debug("failed to parse time", {{"format", format_text_}, {"value", v->text}});
    return false;
  }

  std::string source_;
  std::string format_text_;
  GoZone utc_;
  GoZone local_;
  std::optional<GoZone> loc_;
  std::vector<Format> formats_;  // format, then fallback_formats
  bool fudge_;
  LastKnown last_;
};

}  // namespace

std::unique_ptr<Stage> NewTimestampStage(const config::PipelineStage& spec, const StageContext&,
                                         config::Errors* errors) {
  config::MapReader m = BodyReader(spec, errors);
  const size_t before = errors->errors.size();
  std::string source, format, location, action = "fudge";
  std::vector<std::string> fallback;
  m.String("source", &source);
  m.String("format", &format);
  m.StringList("fallback_formats", &fallback);
  m.String("action_on_failure", &action);
  if (errors->errors.size() != before) return nullptr;
  // stages/timestamp.go validateTimestampConfig, in its order.
  if (source.empty()) {
    m.Error("source", "timestamp source value is required if timestamp is specified");
    return nullptr;
  }
  if (format.empty()) {
    m.Error("format", "timestamp format is required");
    return nullptr;
  }
  std::optional<absl::TimeZone> loc;
  if (m.Has("location") && !m.node()["location"].IsNull()) {
    m.String("location", &location);
    absl::TimeZone tz;
    if (location.empty() || location == "UTC") {
      loc = absl::UTCTimeZone();
    } else if (location == "Local") {
      loc = absl::LocalTimeZone();
    } else if (absl::LoadTimeZone(location, &tz)) {
      loc = tz;
    } else {
      m.ValueError("location",
                   absl::StrCat("invalid location specified: unknown time zone ", location));
      return nullptr;
    }
  }
  if (action != "fudge" && action != "skip") {
    m.ValueError("action_on_failure", "invalid action on failure (supported values are [skip fudge])");
    return nullptr;
  }
  std::vector<std::string> formats{format};
  formats.insert(formats.end(), fallback.begin(), fallback.end());
  return std::make_unique<TimestampStage>(std::move(source), std::move(format), formats, loc,
                                          action == "fudge");
}

}  // namespace outpost::logs::stages
