#include "integrations/postgres/connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/base/absl_compat.h"
#include "integrations/common/text.h"

namespace outpost::integrations::postgres {

Connection::Connection(Dsn dsn, absl::Duration timeout)
    : dsn_(std::move(dsn)), timeout_(timeout) {}

Connection::~Connection() { Close(); }

void Connection::Close() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

bool Connection::Broken() const { return conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK; }

absl::Status Connection::Open() {
  Close();
  const int64_t timeout_ms = std::max<int64_t>(absl::ToInt64Milliseconds(timeout_), 10);
  const std::string statement_ms = Cat(std::max<int64_t>(timeout_ms * 9 / 10, 1));
  // libpq counts connect_timeout in whole seconds (at least 2).
  const std::string connect_s = Cat(std::max<int64_t>((timeout_ms + 999) / 1000, 2));
  const std::string user_timeout_ms = Cat(timeout_ms);
  // extra_float_digits=2 as lib/pq sets it at startup (lib/pq conn.go),
  // so pg_settings_extra_float_digits reads as upstream's.
  std::string options = Cat("-c statement_timeout=", statement_ms,
                            " -c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=2");
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : dsn_.params) {
    if (k == "options") {
      options = Cat(v, " ", options);
      continue;
    }
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  auto add_default = [&](const char* k, const char* v) {
    if (dsn_.Find(k) != nullptr) return;
    keys.push_back(k);
    values.push_back(v);
  };
  add_default("application_name", "outpost");
  add_default("connect_timeout", connect_s.c_str());
  add_default("tcp_user_timeout", user_timeout_ms.c_str());
  keys.push_back("options");
  values.push_back(options.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0);
  if (conn_ == nullptr) return absl::ResourceExhaustedError("libpq: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    absl::Status st = absl::UnavailableError(ToAbsl(Trim(PQerrorMessage(conn_))));
    Close();
    return st;
  }
  return absl::OkStatus();
}

absl::Status Connection::Ensure(absl::Time now) {
  if (!Broken()) return absl::OkStatus();
  if (now < next_attempt_) return absl::UnavailableError("waiting before reconnecting");
  absl::Status st = Open();
  if (st.ok()) {
    failures_ = 0;
    next_attempt_ = absl::InfinitePast();
    return st;
  }
  ++failures_;
  const int shift = std::min(failures_ - 1, 5);
  next_attempt_ = now + std::min(absl::Seconds(1) * (1 << shift), absl::Seconds(30));
  return st;
}

absl::Status Connection::Query(std::string_view sql, ResultSet* out) {
  if (conn_ == nullptr) return absl::UnavailableError("not connected");
  sql_.assign(sql);
  PGresult* res = PQexec(conn_, sql_.c_str());
  const ExecStatusType status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    std::string msg(Trim(res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn_)));
    if (msg.empty()) msg = Trim(PQerrorMessage(conn_));
    PQclear(res);
    if (Broken()) Close();
    return absl::UnavailableError(msg);
  }
  const int cols = PQnfields(res), rows = PQntuples(res);
  out->Reset(static_cast<size_t>(cols));
  for (int c = 0; c < cols; ++c) {
    out->SetColumn(static_cast<size_t>(c), PQfname(res, c));
    out->SetColumnType(static_cast<size_t>(c), PQftype(res, c));
  }
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      if (PQgetisnull(res, r, c)) {
        out->AddCell(std::nullopt);
      } else {
        out->AddCell(std::string_view(PQgetvalue(res, r, c),
                                      static_cast<size_t>(PQgetlength(res, r, c))));
      }
    }
  }
  PQclear(res);
  return absl::OkStatus();
}

absl::Status Connection::RefreshVersion() {
  absl::Status st = Query("SELECT version();", &version_rs_);
  if (!st.ok() && conn_ == nullptr) {
    // The connection broke since the last collection: reconnect once now.
    next_attempt_ = absl::InfinitePast();
    absl::Status reopened = Ensure();
    if (!reopened.ok()) return reopened;
    st = Query("SELECT version();", &version_rs_);
  }
  if (!st.ok()) return st;
  ServerVersion v;
  if (version_rs_.num_rows() > 0 && version_rs_.num_columns() > 0 &&
      ParseVersionText(version_rs_.Text(0, 0), &v)) {
    version_ = v;
    version_text_.assign(version_rs_.Text(0, 0));
    return absl::OkStatus();
  }
  std::string text(version_rs_.num_rows() > 0 && version_rs_.num_columns() > 0
                       ? version_rs_.Text(0, 0)
                       : "");
  st = Query("SHOW server_version;", &version_rs_);
  if (!st.ok()) return st;
  if (version_rs_.num_rows() > 0 && version_rs_.num_columns() > 0 &&
      ParseServerVersionSetting(version_rs_.Text(0, 0), &v)) {
    version_ = v;
    version_text_ = std::move(text);
    return absl::OkStatus();
  }
  return absl::InternalError(Cat("could not parse version from \"",
                                 version_rs_.num_rows() > 0 ? version_rs_.Text(0, 0) : "",
                                 "\""));
}

}  // namespace outpost::integrations::postgres
