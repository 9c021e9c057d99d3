// The SQL layer of the mysqld integration: one libmysqlclient (MariaDB
// Connector/C) connection, opened from a parsed DSN, that runs text
// queries into ResultSets.
//
// Each new session runs "SET lock_wait_timeout=N" (and, when asked,
// log_slow_filter, plus the DSN's session variables) as init commands, as
// mysqld_exporter adds them to its DSN. Connect, read and write timeouts
// come from the DSN or, when it has none, from the integration's scrape
// timeout. TLS DSN modes map to MYSQL_OPT_SSL_ENFORCE and
// MYSQL_OPT_SSL_VERIFY_SERVER_CERT.
//
// Errors read "Error <code>: <server message>" like go-sql-driver's and
// never contain the password. Not thread-safe: one collection at a time.
#ifndef OUTPOST_INTEGRATIONS_MYSQLD_SQL_H_
#define OUTPOST_INTEGRATIONS_MYSQLD_SQL_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "integrations/mysqld/collector.h"
#include "integrations/mysqld/dsn.h"

struct st_mysql;

namespace outpost::integrations::mysqld {

struct ConnectionSettings {
  Dsn dsn;
  int lock_wait_timeout = 2;
  bool log_slow_filter = false;
  absl::Duration timeout = absl::Seconds(10);  // used when the DSN sets none
};

class Connection final : public Querier {
 public:
  explicit Connection(ConnectionSettings s);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Makes sure a working session exists: pings an open one (reopening it
  // once when the ping fails, e.g. after a server restart) or opens one.
  absl::Status Ensure();
  // Runs one statement. A lost connection closes the session (the next
  // Ensure reopens it).
  absl::Status Query(std::string_view sql, ResultSet* out) override;
  void Close();
  bool connected() const { return mysql_ != nullptr; }

 private:
  absl::Status Open();
  absl::Status Error(std::string_view what);

  ConnectionSettings s_;
  st_mysql* mysql_ = nullptr;
};

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_INTEGRATIONS_MYSQLD_SQL_H_
