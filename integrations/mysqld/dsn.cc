#include "integrations/mysqld/dsn.h"

#include <charconv>

#include "core/base/absl_compat.h"
#include "integrations/common/text.h"

namespace outpost::integrations::mysqld {
namespace {

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(Cat("invalid DSN: ", what));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url.QueryUnescape (plus_is_space) / url.PathUnescape.
bool Unescape(std::string_view s, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ValidVarName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '@';
    if (!ok) return false;
  }
  return true;
}

// go-sql-driver options that change nothing for a monitoring connection
// through libmysqlclient; accepted and ignored.
constexpr std::string_view kIgnoredParams[] = {
    "allowAllFiles",   "allowNativePasswords", "allowOldPasswords", "checkConnLiveness",
    "clientFoundRows", "collation",            "columnsWithAlias",  "interpolateParams",
    "loc",             "maxAllowedPacket",     "multiStatements",   "parseTime",
    "rejectReadOnly",  "serverPubKey",         "strict",            "connectionAttributes",
};

absl::Status ParseBool(std::string_view key, std::string_view v, bool* out) {
  if (v == "1" || v == "true" || v == "TRUE" || v == "True") {
    *out = true;
  } else if (v == "0" || v == "false" || v == "FALSE" || v == "False") {
    *out = false;
  } else {
    return Invalid(Cat("invalid bool value for ", key, ": ", v));
  }
  return absl::OkStatus();
}

absl::Status ParseParams(std::string_view params, Dsn* d) {
  std::string value;
  while (!params.empty()) {
    size_t amp = params.find('&');
    std::string_view kv = params.substr(0, amp);
    params = amp == std::string_view::npos ? std::string_view{} : params.substr(amp + 1);
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) return Invalid(Cat("parameter without value: ", kv));
    std::string_view key = kv.substr(0, eq);
    if (!Unescape(kv.substr(eq + 1), true, &value)) {
      return Invalid(Cat("bad escape in the value of parameter ", key));
    }
    if (key == "tls") {
      if (value == "true" || value == "1" || value == "TRUE" || value == "True") {
        d->tls = TlsMode::kOn;
      } else if (value == "false" || value == "0" || value == "FALSE" || value == "False") {
        d->tls = TlsMode::kOff;
      } else if (value == "skip-verify") {
        d->tls = TlsMode::kSkipVerify;
      } else if (value == "preferred") {
        d->tls = TlsMode::kPreferred;
      } else {
        return Invalid(Cat("tls=", value, ": custom TLS configs are not supported yet"));
      }
    } else if (key == "timeout" || key == "readTimeout" || key == "writeTimeout") {
      absl::Duration dur;
      if (!absl::ParseDuration(ToAbsl(value), &dur) || dur < absl::ZeroDuration()) {
        return Invalid(Cat("invalid duration for ", key, ": ", value));
      }
      (key == "timeout" ? d->timeout : key == "readTimeout" ? d->read_timeout : d->write_timeout) =
          dur;
    } else if (key == "charset") {
      d->charset = value.substr(0, value.find(','));
    } else if (key == "allowCleartextPasswords") {
      if (absl::Status st = ParseBool(key, value, &d->allow_cleartext_passwords); !st.ok()) return st;
    } else {
      bool ignored = false;
      for (std::string_view k : kIgnoredParams) ignored = ignored || k == key;
      if (ignored) continue;
      if (!ValidVarName(key)) return Invalid(Cat("bad parameter name: ", key));
      d->session_vars.emplace_back(std::string(key), value);
    }
  }
  return absl::OkStatus();
}

// net.SplitHostPort for "host:port" and "[v6]:port"; false without a port.
bool SplitHostPort(std::string_view addr, std::string_view* host, std::string_view* port) {
  if (!addr.empty() && addr[0] == '[') {
    size_t close = addr.find(']');
    if (close == std::string_view::npos || close + 1 >= addr.size() || addr[close + 1] != ':') {
      return false;
    }
    *host = addr.substr(1, close - 1);
    *port = addr.substr(close + 2);
    return true;
  }
  size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos || addr.find(':') != colon) return false;
  *host = addr.substr(0, colon);
  *port = addr.substr(colon + 1);
  return true;
}

}  // namespace

absl::StatusOr<Dsn> ParseDsn(std::string_view dsn) {
  Dsn d;
  const size_t slash = dsn.rfind('/');
  if (slash == std::string_view::npos) {
    return Invalid("missing the slash separating the database name");
  }
  std::string_view left = dsn.substr(0, slash);
  size_t at = left.rfind('@');
  size_t net_start = 0;
  if (at != std::string_view::npos) {
    std::string_view cred = left.substr(0, at);
    size_t colon = cred.find(':');
    d.user = std::string(cred.substr(0, colon));
    if (colon != std::string_view::npos) d.password = std::string(cred.substr(colon + 1));
    net_start = at + 1;
  }
  std::string_view netaddr = left.substr(net_start);
  size_t paren = netaddr.find('(');
  if (paren != std::string_view::npos) {
    if (netaddr.back() != ')') {
      if (netaddr.substr(paren + 1).find(')') != std::string_view::npos) {
        return Invalid("did you forget to escape a param value?");
      }
      return Invalid("network address not terminated (missing closing brace)");
    }
    d.addr = std::string(netaddr.substr(paren + 1, netaddr.size() - paren - 2));
    d.net = std::string(netaddr.substr(0, paren));
  } else {
    d.net = std::string(netaddr);
  }
  std::string_view rest = dsn.substr(slash + 1);
  size_t q = rest.find('?');
  if (!Unescape(rest.substr(0, q), false, &d.db)) return Invalid("bad escape in the database name");
  if (q != std::string_view::npos) {
    if (absl::Status st = ParseParams(rest.substr(q + 1), &d); !st.ok()) return st;
  }

  // go-sql-driver Config.normalize.
  if (d.net.empty()) d.net = "tcp";
  if (d.net != "tcp" && d.net != "unix") {
    return Invalid(Cat("network \"", d.net, "\" is not supported (tcp or unix)"));
  }
  if (d.net == "unix") {
    if (d.addr.empty()) d.addr = "/tmp/mysql.sock";
    return d;
  }
  if (d.addr.empty()) d.addr = "127.0.0.1:3306";
  std::string_view host, port;
  if (!SplitHostPort(d.addr, &host, &port)) {
    // ensureHavePort: net.JoinHostPort(addr, "3306").
    const bool v6 = d.addr.find(':') != std::string::npos;
    d.host = d.addr;
    d.addr = v6 ? Cat("[", d.addr, "]:3306") : Cat(d.addr, ":3306");
    d.port = 3306;
    return d;
  }
  int p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p <= 0 || p > 65535) {
    return Invalid(Cat("bad port in address ", d.addr));
  }
  d.host = std::string(host);
  d.port = p;
  return d;
}

std::string MaskDsn(std::string_view dsn) {
  const size_t slash = dsn.rfind('/');
  std::string_view left = slash == std::string_view::npos ? dsn : dsn.substr(0, slash);
  const size_t at = left.rfind('@');
  if (at == std::string_view::npos) return std::string(dsn);
  const size_t colon = left.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(dsn);
  return Cat(dsn.substr(0, colon + 1), "***", dsn.substr(at));
}

std::string DsnInstanceKey(const Dsn& d) { return Cat(d.net, "(", d.addr, ")/", d.db); }

}  // namespace outpost::integrations::mysqld
