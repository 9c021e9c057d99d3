// go-sql-driver/mysql data source names, as mysqld_exporter and Grafana
// Agent take them:
//   [user[:password]@][net[(addr)]]/dbname[?param1=value1&...]
// e.g. "exporter:pw@tcp(db:3306)/", "root@unix(/run/mysqld/mysqld.sock)/",
// "(127.0.0.1)/" (net defaults to tcp, port to 3306, addr to
// 127.0.0.1:3306 or /tmp/mysql.sock), with go-sql-driver's splitting rules
// (dsn.go ParseDSN: the last '/' ends the address part, the last '@'
// before it ends the credentials, the first ':' splits user and password,
// so passwords may contain '@', ':' and '/').
//
// Parameters: tls (false|true|skip-verify|preferred; "custom" names are
// not supported), timeout/readTimeout/writeTimeout (Go durations), charset,
// allowCleartextPasswords, a set of driver options that have no effect here
// (accepted), and any other name is a session variable set on connect
// ("SET name=value"), as go-sql-driver does.
//
// Errors are one line and never contain the password. Pure functions.
#ifndef OUTPOST_INTEGRATIONS_MYSQLD_DSN_H_
#define OUTPOST_INTEGRATIONS_MYSQLD_DSN_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace outpost::integrations::mysqld {

enum class TlsMode { kOff, kOn, kSkipVerify, kPreferred };

struct Dsn {
  std::string user;
  std::string password;
  std::string net;   // "tcp" or "unix"
  std::string addr;  // "host:port" (tcp) or a socket path (unix)
  std::string host;  // tcp: the host without brackets
  int port = 3306;   // tcp
  std::string db;
  TlsMode tls = TlsMode::kOff;
  absl::Duration timeout = absl::ZeroDuration();  // 0: not set
  absl::Duration read_timeout = absl::ZeroDuration();
  absl::Duration write_timeout = absl::ZeroDuration();
  std::string charset;
  bool allow_cleartext_passwords = false;
  // Other parameters, in DSN order: SET name=value on each connection.
  std::vector<std::pair<std::string, std::string>> session_vars;
};

// Parses `dsn`. InvalidArgument with a one-line message naming the problem
// (never the password).
absl::StatusOr<Dsn> ParseDsn(std::string_view dsn);

// `dsn` with its password replaced by "***" (for messages and instance
// keys); the text is otherwise unchanged.
std::string MaskDsn(std::string_view dsn);

// Grafana Agent's InstanceKey: "<net>(<addr>)/<dbname>", e.g.
// "tcp(127.0.0.1:3306)/" or "unix(/run/mysqld/mysqld.sock)/".
std::string DsnInstanceKey(const Dsn& d);

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_INTEGRATIONS_MYSQLD_DSN_H_
