// PostgreSQL data source names as postgres_exporter and Grafana Agent take
// them: a URL ("postgresql://user:pass@host:port/db?sslmode=disable", also
// "postgres://") or a key=value conninfo ("host=/run/postgresql
// user=prometheus dbname=postgres"). Both are parsed by libpq itself
// (PQconninfoParse), so every keyword libpq knows is accepted and nothing
// else is.
//
// Errors and loggable forms never contain the password. Pure functions.
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_DSN_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_DSN_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace outpost::integrations::postgres {

struct Dsn {
  std::string text;  // as configured (contains the password)
  bool url = false;  // the postgresql:// (or postgres://) form
  // The keywords the DSN sets, with their values, in libpq's order
  // (PQconninfoParse: percent-decoding and quoting already undone).
  std::vector<std::pair<std::string, std::string>> params;

  // The value of `keyword`, or nullptr when the DSN does not set it.
  const std::string* Find(std::string_view keyword) const;
};

// Parses `dsn` with libpq. InvalidArgument naming the DSN (password masked)
// and libpq's reason.
absl::StatusOr<Dsn> ParseDsn(std::string_view dsn);

// `dsn` with the password (URL user info, `password=` parameter or
// keyword) replaced by "***"; the text is otherwise unchanged. Works on
// DSNs that do not parse too (for their error messages).
std::string MaskDsn(std::string_view dsn);

// Grafana Agent's InstanceKey (static/integrations/postgres_exporter/
// postgres_exporter.go): from exactly one DSN, which must be a URL,
// "postgresql://<host>[:<port>]/<dbname>", with localhost:5432 when the
// URL names no host. Errors: several DSNs ("can't automatically
// determine a value for `instance` with N DSN..."), a key=value DSN
// ("cannot parse DSN: ..."): both need `instance:`.
absl::StatusOr<std::string> DsnInstanceKey(const std::vector<std::string>& dsns);

// The `server` label of the DSN's metrics (upstream's parseFingerprint):
// "<host>:<port>", the host as written (a socket directory stays a path),
// "localhost" and 5432 by default.
std::string ServerLabel(const Dsn& d);

// The DSN of database `db` on the server of `d`, as autodiscovery makes
// it (datasource.go discoverDatabaseDSNs): a URL gets `db` as its path,
// a conninfo gets " dbname='<db>'" appended (the last dbname wins).
std::string DatabaseDsn(const Dsn& d, std::string_view db);

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_DSN_H_
