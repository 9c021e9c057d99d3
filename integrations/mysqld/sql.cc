#include "integrations/mysqld/sql.h"

#include <errmsg.h>
#include <mysql.h>

#include <algorithm>
#include <mutex>
#include <utility>


namespace outpost::integrations::mysqld {
namespace {

// mysql_library_init is not thread-safe; run it once per process.
void LibraryInit() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

unsigned int Seconds(absl::Duration d) {
  const int64_t s = absl::ToInt64Seconds(absl::Ceil(d, absl::Seconds(1)));
  return static_cast<unsigned int>(std::clamp<int64_t>(s, 1, 3600));
}

bool ConnectionLost(unsigned int code) {
  return code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST ||
         code == CR_CONNECTION_ERROR || code == CR_CONN_HOST_ERROR;
}

}  // namespace

Connection::Connection(ConnectionSettings s) : s_(std::move(s)) {}

Connection::~Connection() { Close(); }

void Connection::Close() {
  if (mysql_ != nullptr) mysql_close(mysql_);
  mysql_ = nullptr;
}

absl::Status Connection::Error(std::string_view what) {
  const unsigned int code = mysql_errno(mysql_);
  absl::Status st = absl::UnavailableError(Cat(what, "Error ", code, ": ", mysql_error(mysql_)));
  if (ConnectionLost(code)) Close();
  return st;
}

absl::Status Connection::Open() {
  LibraryInit();
  Close();
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) return absl::ResourceExhaustedError("mysql_init failed");
  const Dsn& d = s_.dsn;
  auto secs = [&](absl::Duration v) {
    return Seconds(v > absl::ZeroDuration() ? v : s_.timeout);
  };
  const unsigned int connect = secs(d.timeout), rd = secs(d.read_timeout),
                     wr = secs(d.write_timeout);
  mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect);
  mysql_options(mysql_, MYSQL_OPT_READ_TIMEOUT, &rd);
  mysql_options(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &wr);
  const std::string lock = Cat("SET lock_wait_timeout=", s_.lock_wait_timeout);
  mysql_options(mysql_, MYSQL_INIT_COMMAND, lock.c_str());
  if (s_.log_slow_filter) {
    mysql_options(mysql_, MYSQL_INIT_COMMAND,
                  "SET log_slow_filter='tmp_table_on_disk,filesort_on_disk'");
  }
  for (const auto& [name, value] : d.session_vars) {
    const std::string set = Cat("SET ", name, "=", value);
    mysql_options(mysql_, MYSQL_INIT_COMMAND, set.c_str());
  }
  if (!d.charset.empty()) mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, d.charset.c_str());
  if (d.allow_cleartext_passwords) {
    const my_bool on = 1;
    mysql_options(mysql_, MYSQL_ENABLE_CLEARTEXT_PLUGIN, &on);
  }
  if (d.tls != TlsMode::kOff) {
    // preferred: TLS when the server offers it; true/skip-verify: required.
    const my_bool enforce = d.tls != TlsMode::kPreferred;
    const my_bool verify = d.tls == TlsMode::kOn;
    mysql_ssl_set(mysql_, nullptr, nullptr, nullptr, nullptr, nullptr);
    mysql_options(mysql_, MYSQL_OPT_SSL_ENFORCE, &enforce);
    mysql_options(mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  }
  const bool unix_socket = d.net == "unix";
  MYSQL* ok = mysql_real_connect(
      mysql_, unix_socket ? "localhost" : d.host.c_str(), d.user.c_str(),
      d.password.empty() ? nullptr : d.password.c_str(), d.db.empty() ? nullptr : d.db.c_str(),
      unix_socket ? 0 : static_cast<unsigned int>(d.port),
      unix_socket ? d.addr.c_str() : nullptr, 0);
  if (ok == nullptr) {
    absl::Status st =
        absl::UnavailableError(Cat("Error ", mysql_errno(mysql_), ": ", mysql_error(mysql_)));
    Close();
    return st;
  }
  return absl::OkStatus();
}

absl::Status Connection::Ensure() {
  if (mysql_ != nullptr && mysql_ping(mysql_) == 0) return absl::OkStatus();
  return Open();
}

absl::Status Connection::Query(std::string_view sql, ResultSet* out) {
  if (mysql_ == nullptr) return absl::UnavailableError("not connected");
  if (mysql_real_query(mysql_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    return Error("");
  }
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (res == nullptr) {
    if (mysql_field_count(mysql_) != 0) return Error("");
    out->Reset(0);  // a statement without a result set
    return absl::OkStatus();
  }
  const unsigned int n = mysql_num_fields(res);
  out->Reset(n);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  for (unsigned int i = 0; i < n; ++i) {
    out->SetColumn(i, std::string_view(fields[i].name, fields[i].name_length));
  }
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* len = mysql_fetch_lengths(res);
    for (unsigned int i = 0; i < n; ++i) {
      if (row[i] == nullptr) {
        out->AddCell(std::nullopt);
      } else {
        out->AddCell(std::string_view(row[i], len[i]));
      }
    }
  }
  mysql_free_result(res);
  return absl::OkStatus();
}

}  // namespace outpost::integrations::mysqld
