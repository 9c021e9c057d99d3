#include "integrations/postgres/dsn.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "core/base/absl_compat.h"
#include "integrations/common/text.h"

namespace outpost::integrations::postgres {
namespace {

constexpr std::string_view kMask = "***";

bool IsUrl(std::string_view dsn) {
  return dsn.starts_with("postgresql://") || dsn.starts_with("postgres://");
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

struct Span {
  size_t begin, end;
};

// Where the password text sits in `dsn`, found the way libpq splits the
// two forms (fe-connect.c conninfo_uri_parse_options, conninfo_parse):
// used only to hide it, the values come from PQconninfoParse.
std::vector<Span> PasswordSpans(std::string_view dsn) {
  std::vector<Span> out;
  if (IsUrl(dsn)) {
    const size_t start = dsn.find("://") + 3;
    // User info ends at the first '@' before any '/'; the password follows
    // its first ':'.
    size_t p = start;
    while (p < dsn.size() && dsn[p] != '@' && dsn[p] != '/') ++p;
    if (p < dsn.size() && dsn[p] == '@') {
      const size_t colon = dsn.substr(0, p).find(':', start);
      if (colon != std::string_view::npos) out.push_back({colon + 1, p});
    }
    // ?password=... among the query parameters.
    const size_t q = dsn.find('?', start);
    if (q != std::string_view::npos) {
      size_t i = q + 1;
      while (i <= dsn.size()) {
        size_t amp = dsn.find('&', i);
        if (amp == std::string_view::npos) amp = dsn.size();
        const std::string_view kv = dsn.substr(i, amp - i);
        if (kv.starts_with("password=")) out.push_back({i + 9, amp});
        i = amp + 1;
      }
    }
    return out;
  }
  // keyword [ws] = [ws] value, the value either 'quoted' (backslash
  // escapes) or up to the next whitespace.
  size_t i = 0;
  while (i < dsn.size()) {
    while (i < dsn.size() && IsSpace(dsn[i])) ++i;
    const size_t kw = i;
    while (i < dsn.size() && !IsSpace(dsn[i]) && dsn[i] != '=') ++i;
    const std::string_view keyword = dsn.substr(kw, i - kw);
    while (i < dsn.size() && IsSpace(dsn[i])) ++i;
    if (i >= dsn.size() || dsn[i] != '=') break;
    ++i;
    while (i < dsn.size() && IsSpace(dsn[i])) ++i;
    const size_t v = i;
    if (i < dsn.size() && dsn[i] == '\'') {
      ++i;
      while (i < dsn.size() && dsn[i] != '\'') i += dsn[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, dsn.size());
    } else {
      while (i < dsn.size() && !IsSpace(dsn[i])) i += dsn[i] == '\\' ? 2 : 1;
      i = std::min(i, dsn.size());
    }
    if (keyword == "password" && i > v) out.push_back({v, i});
  }
  return out;
}

// `msg` with every password text of `dsn` replaced (libpq quotes the
// token it could not decode, which may be the password).
std::string Scrub(std::string msg, std::string_view dsn) {
  for (const Span& s : PasswordSpans(dsn)) {
    const std::string_view pw = dsn.substr(s.begin, s.end - s.begin);
    if (pw.empty()) continue;
    for (size_t at = msg.find(pw); at != std::string::npos; at = msg.find(pw, at + kMask.size())) {
      msg.replace(at, pw.size(), kMask);
    }
  }
  return msg;
}

// Go's url.URL.EscapedPath for one path segment (shouldEscape, encodePath).
std::string EscapePath(std::string_view s) {
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || std::string_view("-_.~$&+,/:;=@").find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", u);
      out.append(buf);
    }
  }
  return out;
}

}  // namespace

const std::string* Dsn::Find(std::string_view keyword) const {
  for (const auto& [k, v] : params) {
    if (k == keyword) return &v;
  }
  return nullptr;
}

absl::StatusOr<Dsn> ParseDsn(std::string_view text) {
  const std::string s(text);
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(s.c_str(), &err);
  if (opts == nullptr) {
    std::string reason = err != nullptr ? std::string(Trim(err)) : "out of memory";
    PQfreemem(err);
    return absl::InvalidArgumentError(
        Cat("invalid DSN \"", MaskDsn(text), "\": ", Scrub(std::move(reason), text)));
  }
  Dsn d;
  d.text = s;
  d.url = IsUrl(text);
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) d.params.emplace_back(o->keyword, o->val);
  }
  PQconninfoFree(opts);
  return d;
}

std::string MaskDsn(std::string_view dsn) {
  std::string out;
  size_t at = 0;
  for (const Span& s : PasswordSpans(dsn)) {
    out.append(dsn.substr(at, s.begin - at));
    out.append(kMask);
    at = s.end;
  }
  out.append(dsn.substr(at));
  return out;
}

absl::StatusOr<std::string> DsnInstanceKey(const std::vector<std::string>& dsns) {
  if (dsns.size() != 1) {
    return absl::InvalidArgumentError(
        Cat("can't automatically determine a value for `instance` with ", dsns.size(),
            " DSN. either use 1 DSN or manually assign a value for `instance` in the "
            "integration config"));
  }
  if (!IsUrl(dsns[0])) {
    // lib/pq's ParseURL takes URLs only.
    return absl::InvalidArgumentError(
        "cannot parse DSN: not a postgresql:// URL; set `instance` for a key=value DSN");
  }
  absl::StatusOr<Dsn> d = ParseDsn(dsns[0]);
  if (!d.ok()) return absl::InvalidArgumentError(Cat("cannot parse DSN: ", d.status().message()));
  const std::string* host = d->Find("host");
  const std::string* port = d->Find("port");
  const std::string* db = d->Find("dbname");
  std::string hostport;
  if (host == nullptr) {
    hostport = "localhost:5432";  // upstream sets both, whatever the port
  } else {
    hostport = *host;
    if (port != nullptr) hostport += Cat(":", *port);
  }
  return Cat("postgresql://", hostport, "/", db != nullptr ? *db : "");
}

std::string ServerLabel(const Dsn& d) {
  const std::string* host = d.Find("host");
  const std::string* port = d.Find("port");
  return Cat(host != nullptr ? *host : "localhost", ":", port != nullptr ? *port : "5432");
}

std::string DatabaseDsn(const Dsn& d, std::string_view db) {
  if (d.url) {
    const std::string_view t = d.text;
    const size_t start = t.find("://") + 3;
    size_t p = start;
    while (p < t.size() && t[p] != '@' && t[p] != '/') ++p;
    const size_t host = p < t.size() && t[p] == '@' ? p + 1 : start;
    const size_t path = t.find_first_of("/?", host);
    const size_t query = t.find('?', host);
    const size_t path_end = query == std::string_view::npos ? t.size() : query;
    const size_t cut = path == std::string_view::npos ? t.size() : path;
    return Cat(t.substr(0, cut), "/", EscapePath(db), t.substr(std::max(cut, path_end)));
  }
  // Upstream appends " dbname=<db>"; quoted when the name needs it.
  bool plain = !db.empty();
  for (char c : db) plain = plain && !IsSpace(c) && c != '\'' && c != '\\';
  if (plain) return Cat(d.text, " dbname=", db);
  std::string quoted;
  for (char c : db) {
    if (c == '\'' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return Cat(d.text, " dbname='", quoted, "'");
}

}  // namespace outpost::integrations::postgres
