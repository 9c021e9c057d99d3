#include "integrations/redis/options.h"

#include <charconv>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/config/duration.h"
#include "integrations/common/text.h"

namespace outpost::integrations::redis {
namespace {

// A bool key whose `true` outpost does not implement: a config error that
// names the key.
void UnsupportedTrue(config::MapReader& m, std::string_view key, bool* out, std::string_view why) {
  m.Bool(key, out);
  if (*out) m.Error(key, why);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url.QueryUnescape: %XX and '+' as space; a bad escape is an error.
bool QueryUnescape(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexDigit(in[i + 1]);
      int lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ParsePort(std::string_view s, int* port) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 65535) return false;
  *port = v;
  return true;
}

// host, host:port, [v6], [v6]:port.
absl::Status ParseHostPort(std::string_view hp, Endpoint* ep) {
  if (hp.empty()) return absl::InvalidArgumentError("missing host");
  if (hp.front() == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos) return absl::InvalidArgumentError("missing ']' in host");
    ep->host = std::string(hp.substr(1, close - 1));
    std::string_view rest = hp.substr(close + 1);
    if (rest.empty()) return absl::OkStatus();
    if (rest.front() != ':' || !ParsePort(rest.substr(1), &ep->port))
      return absl::InvalidArgumentError(absl::StrCat("invalid port in \"", std::string(hp), "\""));
    return absl::OkStatus();
  }
  size_t colon = hp.rfind(':');
  if (colon == std::string_view::npos) {
    ep->host = std::string(hp);
    return absl::OkStatus();
  }
  if (hp.find(':') != colon)
    return absl::InvalidArgumentError("IPv6 hosts must be written in brackets: [::1]:6379");
  ep->host = std::string(hp.substr(0, colon));
  if (ep->host.empty()) return absl::InvalidArgumentError("missing host");
  if (!ParsePort(hp.substr(colon + 1), &ep->port))
    return absl::InvalidArgumentError(absl::StrCat("invalid port in \"", std::string(hp), "\""));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Endpoint> ParseAddress(std::string_view addr) {
  Endpoint ep;
  if (addr.empty()) return absl::InvalidArgumentError("empty address");
  if (addr.front() == '/') {
    ep.unix_socket = true;
    ep.path = std::string(addr);
    return ep;
  }
  size_t sep = addr.find("://");
  if (sep == std::string_view::npos) {
    absl::Status st = ParseHostPort(addr, &ep);
    if (!st.ok()) return st;
    return ep;
  }
  std::string_view scheme = addr.substr(0, sep);
  std::string_view rest = addr.substr(sep + 3);
  if (scheme == "unix") {
    if (rest.empty()) return absl::InvalidArgumentError("unix:// without a socket path");
    ep.unix_socket = true;
    ep.path = std::string(rest);
    return ep;
  }
  if (scheme != "redis" && scheme != "rediss" && scheme != "tcp") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unsupported scheme \"", std::string(scheme), "\" (want redis, rediss, tcp or unix)"));
  }
  ep.tls = scheme == "rediss";
  // Query and fragment are not used.
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::string_view path;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::string_view user = userinfo;
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      if (!QueryUnescape(userinfo.substr(colon + 1), &ep.password))
        return absl::InvalidArgumentError("invalid escape in the URL password");
      ep.has_password = true;
    }
    if (!QueryUnescape(user, &ep.user))
      return absl::InvalidArgumentError("invalid escape in the URL user");
  }
  absl::Status st = ParseHostPort(rest, &ep);
  if (!st.ok()) return st;
  if (!path.empty()) {
    auto [p, ec] = std::from_chars(path.data(), path.data() + path.size(), ep.db);
    if (ec != std::errc() || p != path.data() + path.size() || ep.db < 0)
      return absl::InvalidArgumentError(
          absl::StrCat("invalid database \"", std::string(path), "\" in the URL path"));
  }
  return ep;
}

std::string RedactAddress(std::string_view addr) {
  size_t sep = addr.find("://");
  if (sep == std::string_view::npos) return std::string(addr);
  size_t start = sep + 3;
  size_t end = addr.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = addr.size();
  std::string_view authority = addr.substr(start, end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(addr);
  size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(addr);
  return absl::StrCat(std::string(addr.substr(0, start + colon + 1)), "xxxxx",
                      std::string(addr.substr(start + at)));
}

absl::StatusOr<std::vector<DbKey>> ParseKeyList(std::string_view list) {
  std::vector<DbKey> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.empty()) continue;
    DbKey k;
    std::string_view db = "0";
    std::string_view key = item;
    size_t eq = item.find('=');
    std::string db_buf;
    if (eq != std::string_view::npos) {
      if (item.find('=', eq + 1) != std::string_view::npos)
        return absl::InvalidArgumentError(
            absl::StrCat("invalid key list argument: ", std::string(item)));
      // upstream removes every "db" from the db part ("db3" → "3").
      std::string_view raw = Trim(item.substr(0, eq));
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw.substr(i, 2) == "db") {
          ++i;
          continue;
        }
        db_buf.push_back(raw[i]);
      }
      db = db_buf;
      key = item.substr(eq + 1);
    }
    if (!QueryUnescape(Trim(key), &k.key))
      return absl::InvalidArgumentError(
          absl::StrCat("couldn't parse db/key string: ", std::string(item)));
    if (db.empty() || k.key.empty()) continue;  // upstream skips empty halves
    int n = 0;
    auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), n);
    if (ec != std::errc() || p != db.data() + db.size() || n < 0)
      return absl::InvalidArgumentError(
          absl::StrCat("invalid database index for db \"", std::string(db), "\""));
    k.db = std::to_string(n);
    out.push_back(std::move(k));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ParseKeyGroups(std::string_view csv) {
  // Go's encoding/csv Reader.Read: the first record; "..." quoting with ""
  // for a quote; a quote inside an unquoted field is an error.
  std::vector<std::string> fields;
  size_t i = 0;
  while (i < csv.size() && (csv[i] == '\n' || csv[i] == '\r')) ++i;  // blank lines
  if (i == csv.size()) return fields;
  for (;;) {
    std::string f;
    if (i < csv.size() && csv[i] == '"') {
      ++i;
      for (;;) {
        if (i >= csv.size()) return absl::InvalidArgumentError("extraneous or missing \" in quoted-field");
        if (csv[i] == '"') {
          if (i + 1 < csv.size() && csv[i + 1] == '"') {
            f.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f.push_back(csv[i++]);
      }
      if (i < csv.size() && csv[i] != ',' && csv[i] != '\n' && csv[i] != '\r')
        return absl::InvalidArgumentError("extraneous or missing \" in quoted-field");
    } else {
      while (i < csv.size() && csv[i] != ',' && csv[i] != '\n') {
        if (csv[i] == '"') return absl::InvalidArgumentError("bare \" in non-quoted-field");
        f.push_back(csv[i++]);
      }
      if (!f.empty() && f.back() == '\r' && (i == csv.size() || csv[i] == '\n')) f.pop_back();
    }
    fields.push_back(std::move(f));
    if (i < csv.size() && csv[i] == ',') {
      ++i;
      continue;
    }
    break;  // end of input or of the first record
  }
  std::vector<std::string> out;
  for (std::string& f : fields) {
    size_t b = f.find_first_not_of(" \t\r\n\v\f");
    if (b == std::string::npos) continue;
    size_t e = f.find_last_not_of(" \t\r\n\v\f");
    out.push_back(f.substr(b, e - b + 1));
  }
  return out;
}

Options ParseOptions(config::MapReader& m) {
  Options o;
  m.String("redis_addr", &o.redis_addr);
  if (o.redis_addr.empty()) {
    m.Error("redis_addr", "cannot create redis_exporter; redis_exporter.redis_addr is not defined");
  } else if (absl::StatusOr<Endpoint> ep = ParseAddress(o.redis_addr); !ep.ok()) {
    m.ValueError("redis_addr", ToStd(ep.status().message()));
  }
  m.String("redis_user", &o.redis_user);
  m.Secret("redis_password", &o.redis_password);
  m.String("redis_password_file", &o.redis_password_file);
  m.String("redis_password_map_file", &o.redis_password_map_file);
  if (!o.redis_password_file.empty() && !o.redis_password_map_file.empty()) {
    m.Error("redis_password_map_file",
            "only one of redis_password_file and redis_password_map_file should be specified");
  }
  m.String("namespace", &o.namespace_);
  m.String("config_command", &o.config_command);
  if (o.config_command.empty()) o.config_command = "CONFIG";  // upstream's fallback
  for (auto [key, out] : {std::pair{"check_keys", &o.check_keys},
                          std::pair{"check_single_keys", &o.check_single_keys},
                          std::pair{"check_streams", &o.check_streams},
                          std::pair{"check_single_streams", &o.check_single_streams},
                          std::pair{"count_keys", &o.count_keys}}) {
    m.String(key, out);
    if (absl::StatusOr<std::vector<DbKey>> keys = ParseKeyList(*out); !keys.ok())
      m.ValueError(key, ToStd(keys.status().message()));
  }
  m.String("check_key_groups", &o.check_key_groups);
  if (absl::StatusOr<std::vector<std::string>> groups = ParseKeyGroups(o.check_key_groups);
      !groups.ok()) {
    m.ValueError("check_key_groups", ToStd(groups.status().message()));
  }
  uint64_t batch = static_cast<uint64_t>(o.check_key_groups_batch_size);
  m.Uint64("check_key_groups_batch_size", &batch);
  if (batch == 0) m.ValueError("check_key_groups_batch_size", "must be > 0");
  o.check_key_groups_batch_size = static_cast<int64_t>(batch);
  uint64_t max_groups = static_cast<uint64_t>(o.max_distinct_key_groups);
  m.Uint64("max_distinct_key_groups", &max_groups);
  o.max_distinct_key_groups = static_cast<int64_t>(max_groups);
  m.Bool("export_key_values", &o.export_key_values);
  m.String("script_path", &o.script_path);
  m.Duration("connection_timeout", &o.connection_timeout);
  m.String("tls_client_key_file", &o.tls_client_key_file);
  m.String("tls_client_cert_file", &o.tls_client_cert_file);
  if (o.tls_client_key_file.empty() != o.tls_client_cert_file.empty()) {
    m.Error(o.tls_client_key_file.empty() ? "tls_client_cert_file" : "tls_client_key_file",
            "TLS client key file and cert file should both be present");
  }
  m.String("tls_ca_cert_file", &o.tls_ca_cert_file);
  m.Bool("skip_tls_verification", &o.skip_tls_verification);
  m.Bool("set_client_name", &o.set_client_name);
  UnsupportedTrue(m, "is_tile38", &o.is_tile38, "not supported yet (Tile38 metrics)");
  m.Bool("is_cluster", &o.is_cluster);
  if (o.is_cluster && (!o.check_keys.empty() || !o.check_single_keys.empty())) {
    m.Error("is_cluster",
            "not supported yet together with check_keys/check_single_keys (cluster redirects)");
  }
  m.Bool("export_client_list", &o.export_client_list);
  m.Bool("export_client_port", &o.export_client_port);
  m.Bool("redis_metrics_only", &o.redis_metrics_only);
  m.Bool("ping_on_connect", &o.ping_on_connect);
  m.Bool("incl_system_metrics", &o.incl_system_metrics);
  return o;
}

void DumpOptions(const Options& o, YAML::Emitter& out) {
  auto str = [&](const char* k, const std::string& v) {
    out << YAML::Key << k << YAML::Value << v;
  };
  auto boolean = [&](const char* k, bool v) { out << YAML::Key << k << YAML::Value << v; };
  auto integer = [&](const char* k, int64_t v) { out << YAML::Key << k << YAML::Value << v; };
  str("redis_addr", RedactAddress(o.redis_addr));
  str("redis_user", o.redis_user);
  str("redis_password", std::string(o.redis_password.masked()));
  str("redis_password_file", o.redis_password_file);
  str("redis_password_map_file", o.redis_password_map_file);
  str("namespace", o.namespace_);
  str("config_command", o.config_command);
  str("check_keys", o.check_keys);
  str("check_key_groups", o.check_key_groups);
  integer("check_key_groups_batch_size", o.check_key_groups_batch_size);
  integer("max_distinct_key_groups", o.max_distinct_key_groups);
  str("check_single_keys", o.check_single_keys);
  str("check_streams", o.check_streams);
  str("check_single_streams", o.check_single_streams);
  boolean("export_key_values", o.export_key_values);
  str("count_keys", o.count_keys);
  str("script_path", o.script_path);
  out << YAML::Key << "connection_timeout" << YAML::Value
      << config::FormatPromDuration(o.connection_timeout);
  str("tls_client_key_file", o.tls_client_key_file);
  str("tls_client_cert_file", o.tls_client_cert_file);
  str("tls_ca_cert_file", o.tls_ca_cert_file);
  boolean("set_client_name", o.set_client_name);
  boolean("is_tile38", o.is_tile38);
  boolean("is_cluster", o.is_cluster);
  boolean("export_client_list", o.export_client_list);
  boolean("export_client_port", o.export_client_port);
  boolean("redis_metrics_only", o.redis_metrics_only);
  boolean("ping_on_connect", o.ping_on_connect);
  boolean("incl_system_metrics", o.incl_system_metrics);
  boolean("skip_tls_verification", o.skip_tls_verification);
}

}  // namespace outpost::integrations::redis
