// Hand-written (see go_time.h): the behaviour of Go's time.Parse,
// time.ParseDuration and strconv.ParseInt, read from Go's documentation and
// tests, re-expressed over string_views and absl::TimeZone.
#include "logs/stages/go_time.h"

#include <array>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"

namespace outpost::logs::stages {

enum class GoLayout::Kind : uint8_t {
  kLongMonth,  // January
  kMonth,      // Jan
  kNumMonth,   // 1
  kZeroMonth,  // 01
  kLongWeekDay,
  kWeekDay,
  kDay,        // 2
  kUnderDay,   // _2
  kZeroDay,    // 02
  kUnderYearDay,  // __2
  kZeroYearDay,   // 002
  kHour,          // 15
  kHour12,        // 3
  kZeroHour12,    // 03
  kMinute,
  kZeroMinute,
  kSecond,
  kZeroSecond,
  kLongYear,  // 2006
  kYear,      // 06
  kPM,        // PM
  kpm,        // pm
  kTZ,        // MST
  kISO8601TZ,               // Z0700
  kISO8601SecondsTZ,        // Z070000
  kISO8601ShortTZ,          // Z07
  kISO8601ColonTZ,          // Z07:00
  kISO8601ColonSecondsTZ,   // Z07:00:00
  kNumTZ,                   // -0700
  kNumSecondsTZ,            // -070000
  kNumShortTZ,              // -07
  kNumColonTZ,              // -07:00
  kNumColonSecondsTZ,       // -07:00:00
  kFrac0,                   // .000 or ,000
  kFrac9,                   // .999 or ,999
};

namespace {

using Kind = GoLayout::Kind;

bool IsDigit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }
bool IsLower(std::string_view s, size_t i) { return i < s.size() && s[i] >= 'a' && s[i] <= 'z'; }
bool CommaOrPeriod(char c) { return c == '.' || c == ','; }

struct Std {
  size_t at;    // where the element starts in the layout
  size_t len;   // its length
  Kind kind;
  int digits;   // fractional seconds
};

// The first std element of `l` (Go's nextStdChunk); false when none.
bool NextStd(std::string_view l, Std* s) {
  auto starts = [&](size_t i, std::string_view w) { return l.substr(i, w.size()) == w; };
  for (size_t i = 0; i < l.size(); ++i) {
    auto found = [&](size_t len, Kind k) {
      *s = Std{i, len, k, 0};
      return true;
    };
    switch (l[i]) {
      case 'J':
        if (starts(i, "January")) return found(7, Kind::kLongMonth);
        if (starts(i, "Jan") && !IsLower(l, i + 3)) return found(3, Kind::kMonth);
        break;
      case 'M':
        if (starts(i, "Monday")) return found(6, Kind::kLongWeekDay);
        if (starts(i, "Mon") && !IsLower(l, i + 3)) return found(3, Kind::kWeekDay);
        if (starts(i, "MST")) return found(3, Kind::kTZ);
        break;
      case '0':
        if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
          static constexpr Kind k0x[] = {Kind::kZeroMonth,  Kind::kZeroDay,    Kind::kZeroHour12,
                                         Kind::kZeroMinute, Kind::kZeroSecond, Kind::kYear};
          return found(2, k0x[l[i + 1] - '1']);
        }
        if (starts(i, "002")) return found(3, Kind::kZeroYearDay);
        break;
      case '1':
        if (starts(i, "15")) return found(2, Kind::kHour);
        return found(1, Kind::kNumMonth);
      case '2':
        if (starts(i, "2006")) return found(4, Kind::kLongYear);
        return found(1, Kind::kDay);
      case '_':
        if (starts(i, "_2")) {
          if (starts(i, "_2006")) {  // a literal _ and the year
            *s = Std{i + 1, 4, Kind::kLongYear, 0};
            return true;
          }
          return found(2, Kind::kUnderDay);
        }
        if (starts(i, "__2")) return found(3, Kind::kUnderYearDay);
        break;
      case '3':
        return found(1, Kind::kHour12);
      case '4':
        return found(1, Kind::kMinute);
      case '5':
        return found(1, Kind::kSecond);
      case 'P':
        if (starts(i, "PM")) return found(2, Kind::kPM);
        break;
      case 'p':
        if (starts(i, "pm")) return found(2, Kind::kpm);
        break;
      case '-':
        if (starts(i, "-070000")) return found(7, Kind::kNumSecondsTZ);
        if (starts(i, "-07:00:00")) return found(9, Kind::kNumColonSecondsTZ);
        if (starts(i, "-0700")) return found(5, Kind::kNumTZ);
        if (starts(i, "-07:00")) return found(6, Kind::kNumColonTZ);
        if (starts(i, "-07")) return found(3, Kind::kNumShortTZ);
        break;
      case 'Z':
        if (starts(i, "Z070000")) return found(7, Kind::kISO8601SecondsTZ);
        if (starts(i, "Z07:00:00")) return found(9, Kind::kISO8601ColonSecondsTZ);
        if (starts(i, "Z0700")) return found(5, Kind::kISO8601TZ);
        if (starts(i, "Z07:00")) return found(6, Kind::kISO8601ColonTZ);
        if (starts(i, "Z07")) return found(3, Kind::kISO8601ShortTZ);
        break;
      case '.':
      case ',':
        if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
          const char ch = l[i + 1];
          size_t j = i + 1;
          while (j < l.size() && l[j] == ch) ++j;
          if (!IsDigit(l, j)) {
            *s = Std{i, j - i, ch == '0' ? Kind::kFrac0 : Kind::kFrac9, static_cast<int>(j - i - 1)};
            return true;
          }
        }
        break;
      default:
        break;
    }
  }
  return false;
}

// Go's skip: `prefix` must start the value; a space in it matches a run of
// spaces (or the end of the value).
bool Skip(std::string_view* v, std::string_view prefix) {
  size_t i = 0;
  while (i < prefix.size()) {
    if (prefix[i] == ' ') {
      if (!v->empty() && (*v)[0] != ' ') return false;
      while (i < prefix.size() && prefix[i] == ' ') ++i;
      while (!v->empty() && (*v)[0] == ' ') v->remove_prefix(1);
      continue;
    }
    if (v->empty() || (*v)[0] != prefix[i]) return false;
    ++i;
    v->remove_prefix(1);
  }
  return true;
}

// One or two digits (exactly two when fixed).
bool GetNum(std::string_view* v, bool fixed, int* n) {
  if (!IsDigit(*v, 0)) return false;
  if (!IsDigit(*v, 1)) {
    if (fixed) return false;
    *n = (*v)[0] - '0';
    v->remove_prefix(1);
    return true;
  }
  *n = ((*v)[0] - '0') * 10 + ((*v)[1] - '0');
  v->remove_prefix(2);
  return true;
}

bool GetNum3(std::string_view* v, bool fixed, int* n) {
  size_t i = 0;
  *n = 0;
  for (; i < 3 && IsDigit(*v, i); ++i) *n = *n * 10 + ((*v)[i] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  v->remove_prefix(i);
  return true;
}

// Leading [0-9]* of s (Go's leadingInt); false on overflow past 2^63.
bool LeadingInt(std::string_view* s, uint64_t* x) {
  *x = 0;
  size_t i = 0;
  for (; i < s->size() && (*s)[i] >= '0' && (*s)[i] <= '9'; ++i) {
    if (*x > (uint64_t{1} << 63) / 10) return false;
    *x = *x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (*x > (uint64_t{1} << 63)) return false;
  }
  s->remove_prefix(i);
  return true;
}

// Go time's atoi: an optional sign and digits, nothing else ("" is 0).
bool Atoi(std::string_view s, int64_t* x) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t q = 0;
  if (!LeadingInt(&s, &q) || !s.empty()) return false;
  if (q > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  *x = neg ? -static_cast<int64_t>(q) : static_cast<int64_t>(q);
  return true;
}

// The fraction v[0:nbytes] (separator included) as nanoseconds.
bool ParseNanos(std::string_view v, size_t nbytes, int* ns) {
  if (!CommaOrPeriod(v[0])) return false;
  if (nbytes > 10) nbytes = 10;
  int64_t x = 0;
  if (!Atoi(v.substr(1, nbytes - 1), &x) || x < 0) return false;
  for (size_t i = nbytes; i < 10; ++i) x *= 10;
  *ns = static_cast<int>(x);
  return true;
}

constexpr std::array<std::string_view, 12> kLongMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 12> kShortMonths = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 7> kShortDays = {"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};

// Case-insensitive for letters only (Go's match).
bool MatchFold(std::string_view a, std::string_view b) {
  for (size_t i = 0; i < a.size(); ++i) {
    char c1 = a[i], c2 = b[i];
    if (c1 == c2) continue;
    c1 |= 'a' - 'A';
    c2 |= 'a' - 'A';
    if (c1 != c2 || c1 < 'a' || c1 > 'z') return false;
  }
  return true;
}

template <size_t N>
int Lookup(const std::array<std::string_view, N>& tab, std::string_view* v) {
  for (size_t i = 0; i < N; ++i) {
    if (v->size() >= tab[i].size() && MatchFold(v->substr(0, tab[i].size()), tab[i])) {
      v->remove_prefix(tab[i].size());
      return static_cast<int>(i);
    }
  }
  return -1;
}

// A signed hour offset "+03" / "-4" in -23..23 (Go's parseSignedOffset);
// its length, 0 when none.
size_t SignedOffset(std::string_view v) {
  if (v.empty() || (v[0] != '-' && v[0] != '+')) return 0;
  std::string_view rest = v.substr(1);
  uint64_t x = 0;
  if (!LeadingInt(&rest, &x) || rest.size() == v.size() - 1 || x > 23) return 0;
  return v.size() - rest.size();
}

// The length of a zone abbreviation at the start of v (Go's
// parseTimeZone); 0 when none.
size_t TimeZoneLen(std::string_view v) {
  if (v.size() < 3) return 0;
  if (v.substr(0, 4) == "ChST" || v.substr(0, 4) == "MeST") return 4;
  if (v.substr(0, 3) == "GMT") return 3 + SignedOffset(v.substr(3));
  if (v[0] == '+' || v[0] == '-') return SignedOffset(v);
  size_t upper = 0;
  while (upper < 6 && upper < v.size() && v[upper] >= 'A' && v[upper] <= 'Z') ++upper;
  switch (upper) {
    case 3:
      return 3;
    case 4:
      return v[3] == 'T' || v.substr(0, 4) == "WITA" ? 4 : 0;
    case 5:
      return v[4] == 'T' ? 5 : 0;
    default:
      return 0;
  }
}

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

// Days before month m (1..13) in a common year.
constexpr std::array<int, 14> kDaysBefore = {0,   0,   31,  59,  90,  120, 151,
                                             181, 212, 243, 273, 304, 334, 365};

int DaysIn(int month, int64_t year) {
  if (month == 2 && IsLeap(year)) return 29;
  return kDaysBefore[month + 1] - kDaysBefore[month];
}

// A numeric zone offset of `kind` at the start of *v.
bool ParseOffset(Kind kind, std::string_view* v, int* offset) {
  std::string_view s = *v, hh, mm = "00", ss = "00";
  switch (kind) {
    case Kind::kISO8601ColonTZ:
    case Kind::kNumColonTZ:
      if (s.size() < 6 || s[3] != ':') return false;
      hh = s.substr(1, 2), mm = s.substr(4, 2);
      v->remove_prefix(6);
      break;
    case Kind::kISO8601ShortTZ:
    case Kind::kNumShortTZ:
      if (s.size() < 3) return false;
      hh = s.substr(1, 2);
      v->remove_prefix(3);
      break;
    case Kind::kISO8601ColonSecondsTZ:
    case Kind::kNumColonSecondsTZ:
      if (s.size() < 9 || s[3] != ':' || s[6] != ':') return false;
      hh = s.substr(1, 2), mm = s.substr(4, 2), ss = s.substr(7, 2);
      v->remove_prefix(9);
      break;
    case Kind::kISO8601SecondsTZ:
    case Kind::kNumSecondsTZ:
      if (s.size() < 7) return false;
      hh = s.substr(1, 2), mm = s.substr(3, 2), ss = s.substr(5, 2);
      v->remove_prefix(7);
      break;
    default:
      if (s.size() < 5) return false;
      hh = s.substr(1, 2), mm = s.substr(3, 2);
      v->remove_prefix(5);
      break;
  }
  int h = 0, m = 0, sec = 0;
  if (!GetNum(&hh, true, &h) || !GetNum(&mm, true, &m) || !GetNum(&ss, true, &sec)) return false;
  if (h > 24 || m > 60 || sec > 60) return false;
  *offset = (h * 60 + m) * 60 + sec;
  if (s[0] == '-') {
    *offset = -*offset;
  } else if (s[0] != '+') {
    return false;
  }
  return true;
}

}  // namespace

GoLayout::GoLayout(std::string_view layout)
    : has_year_(layout.find("06") != std::string_view::npos) {
  Std s;
  while (NextStd(layout, &s)) {
    Token t{s.kind, s.digits, false, std::string(layout.substr(0, s.at))};
    tokens_.push_back(std::move(t));
    layout.remove_prefix(s.at + s.len);
  }
  tail_ = std::string(layout);
  // Go's stdSecond: a fraction in the value is left to the next element
  // when that is a fractional second.
  for (size_t i = 0; i + 1 < tokens_.size(); ++i) {
    tokens_[i].frac_next =
        tokens_[i + 1].kind == Kind::kFrac0 || tokens_[i + 1].kind == Kind::kFrac9;
  }
}

bool GoLayout::Parse(std::string_view v, GoParsed* out) const {
  int64_t year = 0;
  int month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0, nanos = 0;
  bool am = false, pm = false, utc = false;
  int offset = -1;  // Go's sentinel: no numeric offset
  std::string_view zone_name;
  for (const Token& t : tokens_) {
    if (!Skip(&v, t.literal)) return false;
    switch (t.kind) {
      case Kind::kYear: {
        if (v.size() < 2 || !Atoi(v.substr(0, 2), &year)) return false;
        v.remove_prefix(2);
        year += year >= 69 ? 1900 : 2000;
        break;
      }
      case Kind::kLongYear:
        if (v.size() < 4 || !IsDigit(v, 0) || !Atoi(v.substr(0, 4), &year)) return false;
        v.remove_prefix(4);
        break;
      case Kind::kMonth:
        month = Lookup(kShortMonths, &v) + 1;
        if (month == 0) return false;
        break;
      case Kind::kLongMonth:
        month = Lookup(kLongMonths, &v) + 1;
        if (month == 0) return false;
        break;
      case Kind::kNumMonth:
      case Kind::kZeroMonth:
        if (!GetNum(&v, t.kind == Kind::kZeroMonth, &month) || month < 1 || month > 12) {
          return false;
        }
        break;
      case Kind::kWeekDay:
        if (Lookup(kShortDays, &v) < 0) return false;
        break;
      case Kind::kLongWeekDay:
        if (Lookup(kLongDays, &v) < 0) return false;
        break;
      case Kind::kDay:
      case Kind::kUnderDay:
      case Kind::kZeroDay:
        if (t.kind == Kind::kUnderDay && !v.empty() && v[0] == ' ') v.remove_prefix(1);
        if (!GetNum(&v, t.kind == Kind::kZeroDay, &day)) return false;
        break;
      case Kind::kUnderYearDay:
      case Kind::kZeroYearDay:
        for (int i = 0; i < 2; ++i) {
          if (t.kind == Kind::kUnderYearDay && !v.empty() && v[0] == ' ') v.remove_prefix(1);
        }
        if (!GetNum3(&v, t.kind == Kind::kZeroYearDay, &yday)) return false;
        break;
      case Kind::kHour:
        if (!GetNum(&v, false, &hour) || hour >= 24) return false;
        break;
      case Kind::kHour12:
      case Kind::kZeroHour12:
        if (!GetNum(&v, t.kind == Kind::kZeroHour12, &hour) || hour > 12) return false;
        break;
      case Kind::kMinute:
      case Kind::kZeroMinute:
        if (!GetNum(&v, t.kind == Kind::kZeroMinute, &minute) || minute >= 60) return false;
        break;
      case Kind::kSecond:
      case Kind::kZeroSecond:
        if (!GetNum(&v, t.kind == Kind::kZeroSecond, &second) || second >= 60) return false;
        // A fraction the layout does not have is read anyway.
        if (v.size() >= 2 && CommaOrPeriod(v[0]) && IsDigit(v, 1) && !t.frac_next) {
          size_t n = 2;
          while (IsDigit(v, n)) ++n;
          if (!ParseNanos(v, n, &nanos)) return false;
          v.remove_prefix(n);
        }
        break;
      case Kind::kPM:
      case Kind::kpm: {
        if (v.size() < 2) return false;
        const std::string_view p = v.substr(0, 2);
        v.remove_prefix(2);
        const bool upper = t.kind == Kind::kPM;
        if (p == (upper ? "PM" : "pm")) {
          pm = true;
        } else if (p == (upper ? "AM" : "am")) {
          am = true;
        } else {
          return false;
        }
        break;
      }
      case Kind::kISO8601TZ:
      case Kind::kISO8601ShortTZ:
      case Kind::kISO8601ColonTZ:
      case Kind::kISO8601SecondsTZ:
      case Kind::kISO8601ColonSecondsTZ:
        if (!v.empty() && v[0] == 'Z') {
          v.remove_prefix(1);
          utc = true;
          break;
        }
        [[fallthrough]];
      case Kind::kNumTZ:
      case Kind::kNumShortTZ:
      case Kind::kNumColonTZ:
      case Kind::kNumSecondsTZ:
      case Kind::kNumColonSecondsTZ:
        if (!ParseOffset(t.kind, &v, &offset)) return false;
        break;
      case Kind::kTZ: {
        if (v.substr(0, 3) == "UTC") {
          utc = true;
          v.remove_prefix(3);
          break;
        }
        const size_t n = TimeZoneLen(v);
        if (n == 0) return false;
        zone_name = v.substr(0, n);
        v.remove_prefix(n);
        break;
      }
      case Kind::kFrac0: {
        const size_t n = 1 + static_cast<size_t>(t.digits);
        if (v.size() < n || !ParseNanos(v, n, &nanos)) return false;
        v.remove_prefix(n);
        break;
      }
      case Kind::kFrac9: {
        if (v.size() < 2 || !CommaOrPeriod(v[0]) || !IsDigit(v, 1)) break;  // omitted
        size_t i = 0;
        while (IsDigit(v, i + 1)) ++i;
        if (!ParseNanos(v, 1 + i, &nanos)) return false;
        v.remove_prefix(1 + i);
        break;
      }
    }
  }
  if (!Skip(&v, tail_) || !v.empty()) return false;
  if (pm && hour < 12) {
    hour += 12;
  } else if (am && hour == 12) {
    hour = 0;
  }
  if (yday >= 0) {
    int m = 0, d = 0;
    if (IsLeap(year)) {
      if (yday == 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        --yday;
      }
    }
    if (yday < 1 || yday > 365) return false;
    if (m == 0) {
      m = (yday - 1) / 31 + 1;
      if (kDaysBefore[m + 1] < yday) ++m;
      d = yday - kDaysBefore[m];
    }
    if ((month >= 0 && month != m) || (day >= 0 && day != d)) return false;
    month = m;
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > DaysIn(month, year)) return false;
  out->year = year;
  out->month = month;
  out->day = day;
  out->hour = hour;
  out->minute = minute;
  out->second = second;
  out->nanos = nanos;
  out->zone_name = {};
  out->offset = 0;
  if (utc) {
    out->zone = GoParsed::Zone::kUTC;
  } else if (offset != -1) {
    out->zone = GoParsed::Zone::kOffset;
    out->offset = offset;
  } else if (!zone_name.empty()) {
    out->zone = GoParsed::Zone::kName;
    out->zone_name = zone_name;
  } else {
    out->zone = GoParsed::Zone::kNone;
  }
  return true;
}

bool ParseGoInt64(std::string_view s, int64_t* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  uint64_t x = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (x > (uint64_t{1} << 63) / 10) return false;
    x = x * 10 + static_cast<uint64_t>(c - '0');
    if (x > (uint64_t{1} << 63)) return false;
  }
  const uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (x > limit) return false;
  *out = neg ? static_cast<int64_t>(0 - x) : static_cast<int64_t>(x);
  return true;
}

}  // namespace outpost::logs::stages
