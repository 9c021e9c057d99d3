// One persistent libpq connection to one PostgreSQL server (or one
// database of it), the postgres integration's Querier.
//
// Connects with PQconnectdbParams from the parsed DSN's keywords plus, when
// the DSN does not set them, application_name=outpost, connect_timeout
// and tcp_user_timeout from the scrape timeout; `options` always gets
// "-c statement_timeout=<ms> -c DateStyle=ISO -c TimeZone=UTC" appended
// (statement_timeout is 9/10 of the scrape timeout, so a slow query fails
// inside the scrape; values.h relies on the date style).
//
// A broken connection (PQstatus != CONNECTION_OK after a query) is closed;
// the next Ensure() reconnects, unless a failed attempt is less than the
// backoff ago (1 s doubling to 30 s while attempts keep failing, as the
// mysqld integration). Upstream's lib/pq pool (MaxOpenConns=1) keeps one
// connection per DSN too; this never opens a second one, so the number of
// server connections stays flat however many collections run
// (postgres_exporter#921 leaked them).
//
// Errors carry libpq's or the server's message (never the password). Not
// thread-safe: one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_POSTGRES_CONNECTION_H_
#define OUTPOST_INTEGRATIONS_POSTGRES_CONNECTION_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "integrations/common/result_set.h"
#include "integrations/postgres/dsn.h"
#include "integrations/postgres/values.h"

struct pg_conn;

namespace outpost::integrations::postgres {

class Connection final : public Querier {
 public:
  // `timeout` is the scrape timeout.
  Connection(Dsn dsn, absl::Duration timeout);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Makes sure a connection is open, connecting when there is none.
  // Unavailable without trying while backing off after a failed attempt
  // (`now` is compared with the backoff).
  absl::Status Ensure(absl::Time now = absl::Now());
  // Runs `sql` (text results; column types and NULLs kept). A broken
  // connection is closed (the next Ensure reconnects).
  absl::Status Query(std::string_view sql, ResultSet* out) override;
  // SELECT version(), else SHOW server_version (collector/instance.go
  // queryVersion); sets version() and version_text(). Run it first in each
  // collection: it is the liveness check. When it finds the connection
  // broken (e.g. the server restarted), it reconnects once and retries.
  absl::Status RefreshVersion();
  void Close();

  bool connected() const { return conn_ != nullptr; }
  const ServerVersion& version() const { return version_; }
  // The full SELECT version() text ("" when only SHOW server_version
  // answered).
  const std::string& version_text() const { return version_text_; }
  const Dsn& dsn() const { return dsn_; }
  // Failed connection attempts in a row (0 when connected).
  int failures() const { return failures_; }

 private:
  absl::Status Open();
  bool Broken() const;

  Dsn dsn_;
  absl::Duration timeout_;
  pg_conn* conn_ = nullptr;
  std::string sql_;  // NUL-terminated copy of the statement, reused
  ResultSet version_rs_;
  ServerVersion version_;
  std::string version_text_;
  int failures_ = 0;
  absl::Time next_attempt_ = absl::InfinitePast();
};

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_INTEGRATIONS_POSTGRES_CONNECTION_H_
