#include "integrations/postgres/values.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "integrations/common/text.h"

namespace outpost::integrations::postgres {
namespace {

// Reads "N[.N[.N]]" at the front of `s` (the regexes' `(\d+)(\.\d+)?(\.\d+)?`).
bool ReadVersion(std::string_view s, ServerVersion* out) {
  int parts[3] = {0, 0, 0};
  size_t i = 0;
  for (int p = 0; p < 3; ++p) {
    if (p > 0) {
      if (i + 1 >= s.size() || s[i] != '.' || !std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
        break;
      }
      ++i;
    }
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (v < 1000000) v = v * 10 + (s[i] - '0');
      ++i;
    }
    parts[p] = v;
  }
  *out = {parts[0], parts[1], parts[2]};
  return true;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool IsTimeType(uint32_t oid) {
  return oid == kTimestampOid || oid == kTimestampTzOid || oid == kDateOid || oid == kTimeOid;
}

// Reads exactly `n` digits at s[*i].
bool Digits(std::string_view s, size_t* i, size_t n, int* out) {
  if (*i + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[*i + k];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *i += n;
  *out = v;
  return true;
}

}  // namespace

std::string ServerVersion::String() const {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%d.%d.%d", major, minor, patch);
  return buf;
}

bool ParseVersionText(std::string_view text, ServerVersion* out) {
  size_t i = 0;
  while (i < text.size() && IsWordChar(text[i])) ++i;
  if (i == 0 || i >= text.size() || text[i] != ' ') return false;
  return ReadVersion(text.substr(i + 1), out);
}

bool ParseServerVersionSetting(std::string_view text, ServerVersion* out) {
  return ReadVersion(text, out);
}

bool ParseTimestamp(std::string_view s, double* out) {
  // 2006-01-02 15:04:05[.frac][+hh[:mm[:ss]]]; a date alone is midnight.
  size_t i = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!Digits(s, &i, 4, &y)) return false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    y = y * 10 + (s[i++] - '0');  // years past 9999
    if (y > 1000000) return false;
  }
  if (i >= s.size() || s[i++] != '-' || !Digits(s, &i, 2, &mo) || i >= s.size() ||
      s[i++] != '-' || !Digits(s, &i, 2, &d)) {
    return false;
  }
  if (i < s.size() && s[i] == ' ') {
    ++i;
    if (!Digits(s, &i, 2, &h) || i >= s.size() || s[i++] != ':' || !Digits(s, &i, 2, &mi) ||
        i >= s.size() || s[i++] != ':' || !Digits(s, &i, 2, &sec)) {
      return false;
    }
    if (i < s.size() && s[i] == '.') {
      // The fraction is dropped: time.Unix() is whole seconds.
      size_t start = ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i == start) return false;
    }
  }
  int offset_s = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i++] == '-' ? -1 : 1;
    int oh = 0, om = 0, os = 0;
    if (!Digits(s, &i, 2, &oh)) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!Digits(s, &i, 2, &om)) return false;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!Digits(s, &i, 2, &os)) return false;
      }
    }
    offset_s = sign * (oh * 3600 + om * 60 + os);
  }
  if (i != s.size()) return false;  // " BC", "infinity", garbage
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return false;
  absl::Time t = absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, sec), absl::UTCTimeZone());
  *out = static_cast<double>(absl::ToUnixSeconds(t) - offset_s);
  return true;
}

bool ToFloat(const ResultSet& rs, size_t row, size_t col, double* out) {
  ResultSet::Cell c = rs.Get(row, col);
  if (!c.has_value()) {
    *out = std::nan("");
    return true;
  }
  const uint32_t oid = rs.column_type(col);
  if (oid == kBoolOid) {
    *out = (*c == "t" || *c == "true") ? 1.0 : 0.0;
    return true;
  }
  if (IsTimeType(oid)) {
    if (ParseTimestamp(*c, out)) return true;
    *out = std::nan("");
    return false;
  }
  if (ParseGoFloat(*c, out)) return true;
  *out = std::nan("");
  return false;
}

void ToLabel(const ResultSet& rs, size_t row, size_t col, std::string* out) {
  ResultSet::Cell c = rs.Get(row, col);
  if (!c.has_value()) return;
  const uint32_t oid = rs.column_type(col);
  if (oid == kBoolOid) {
    out->append((*c == "t" || *c == "true") ? "true" : "false");
    return;
  }
  if (IsTimeType(oid)) {
    double secs = 0;
    if (ParseTimestamp(*c, &secs)) {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.0f", secs);
      out->append(buf);
    }
    return;
  }
  if (oid == kFloat4Oid || oid == kFloat8Oid) {
    double v = 0;
    if (ParseGoFloat(*c, &v)) {
      out->append(FormatGoFloat(v));
      return;
    }
  }
  out->append(*c);
}

}  // namespace outpost::integrations::postgres
