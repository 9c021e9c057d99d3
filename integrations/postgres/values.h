// What the postgres collectors share below the SQL layer: the Querier they
// talk through, the server version as upstream parses it, and lib/pq's
// value conversions (dbToFloat64, dbToString) applied to text cells and
// their column type OIDs.
//
// Model: grafana/postgres_exporter@9358270470dd (Grafana Agent v0.44's
// fork, ≈0.15) cmd/postgres_exporter/util.go and collector/instance.go;
// lib/pq's decode of text-format values (lib/pq encode.go: int2/4/8 →
// int64, float4/8 → float64, bool → bool, timestamp[tz]/date/time →
// time.Time, text/varchar/name/bpchar → string, anything else → []byte).
//
// The connection sets DateStyle=ISO and TimeZone=UTC, so timestamps arrive
// as "2006-01-02 15:04:05[.999999][+00]".
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_VALUES_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "integrations/common/result_set.h"

namespace outpost::integrations::postgres {

// Runs SQL. Implemented over a live libpq connection (connection.h) and by
// test fakes.
class Querier {
 public:
  virtual ~Querier() = default;
  // Runs `sql` and replaces *out with its result, column types set (OIDs).
  // Errors carry the server's message (`ERROR:  relation "x" does not
  // exist`), or the connection's.
  virtual absl::Status Query(std::string_view sql, ResultSet* out) = 0;
};

// The server version as upstream's semver (blang/semver ParseTolerant of
// the first "N[.N[.N]]" of SELECT version()'s second word; missing parts
// are 0).
struct ServerVersion {
  int major = 0, minor = 0, patch = 0;

  // For range checks: 15.4 → 150400, 9.6.2 → 90602.
  int Num() const { return major * 10000 + minor * 100 + patch; }
  bool AtLeast(int maj, int min = 0, int pat = 0) const {
    return Num() >= maj * 10000 + min * 100 + pat;
  }
  // "15.4.0", as pg_static's short_version.
  std::string String() const;
};

// Parses SELECT version() text ("PostgreSQL 15.4 (Debian 15.4-1) on
// x86_64-pc-linux-gnu, ..."); false when it has no version
// (instance.go versionRegex `^\w+ ((\d+)(\.\d+)?(\.\d+)?)`).
bool ParseVersionText(std::string_view text, ServerVersion* out);
// Parses SHOW server_version ("13.3 (Debian 13.3-1.pgdg100+1)"), the
// fallback (serverVersionRegex).
bool ParseServerVersionSetting(std::string_view text, ServerVersion* out);

// PostgreSQL type OIDs the conversions tell apart (pg_type.dat).
inline constexpr uint32_t kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
                          kTextOid = 25, kOidOid = 26, kFloat4Oid = 700, kFloat8Oid = 701,
                          kNameOid = 19, kBpcharOid = 1042, kVarcharOid = 1043, kDateOid = 1082,
                          kTimeOid = 1083, kTimestampOid = 1114, kTimestampTzOid = 1184,
                          kNumericOid = 1700;

// dbToFloat64 of the cell (row, col): NULL → NaN (ok), ints and floats
// parsed, bool → 1/0, timestamps → Unix seconds (truncated, as
// time.Unix()), anything else parsed with Go's ParseFloat; false with NaN
// when it does not parse.
bool ToFloat(const ResultSet& rs, size_t row, size_t col, double* out);
// dbToString of the cell: NULL → "", bool → "true"/"false", timestamps →
// Unix seconds, float8/float4 → Go's %v of the float, else the text as
// sent. Appends nothing and returns false for nothing (every type has a
// string form).
void ToLabel(const ResultSet& rs, size_t row, size_t col, std::string* out);

// Seconds since the epoch of a "2006-01-02 15:04:05[.frac][±hh[:mm[:ss]]]"
// text (no offset: UTC, as lib/pq's timestamp without time zone); false
// otherwise ("infinity" included).
bool ParseTimestamp(std::string_view text, double* out);

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_VALUES_H_
