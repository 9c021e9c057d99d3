#include "core/config/url.h"

#include <arpa/inet.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "core/config/secret.h"
#include "core/config/str_util.h"

namespace outpost::config {

using internal::Cat;
using internal::Sv;
namespace {

constexpr size_t npos = std::string_view::npos;

// Offsets of the authority ("scheme://AUTHORITY/...", or the start of a
// scheme-less address) and of the '@' that ends its user info.
struct Authority {
  size_t begin = 0;
  size_t end = 0;
  size_t at = npos;  // npos: no user info
  size_t host() const { return at == npos ? begin : at + 1; }
};

Authority FindAuthority(std::string_view url) {
  Authority a;
  const size_t s = url.find("://");
  // "://" later in a path or query ("host/x?u=http://...") is no scheme.
  if (s != npos && url.substr(0, s).find_first_of("/?#@") == npos) a.begin = s + 3;
  a.end = url.find_first_of("/?#", a.begin);
  if (a.end == npos) a.end = url.size();
  const size_t at = url.substr(a.begin, a.end - a.begin).rfind('@');
  if (at != npos) a.at = a.begin + at;
  return a;
}

// The first '%' of `s` not followed by two hex digits, as "%zz" (at most 3
// characters); empty when every escape is well-formed.
std::string_view BadEscape(std::string_view s) {
  for (size_t i = s.find('%'); i != npos; i = s.find('%', i + 1)) {
    if (i + 2 >= s.size() || !absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return s.substr(i, 3);
    }
  }
  return {};
}

// Go's net/url validUserinfo.
bool ValidUserinfo(std::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("-._:~!$&'()*+,;=%@").find(c) == npos) {
      return false;
    }
  }
  return true;
}

// Characters Go's net/url accepts in a host name (shouldEscape in
// encodeHost mode; non-ASCII bytes are left to IDNA).
bool ValidHostChar(char c) {
  return static_cast<unsigned char>(c) >= 0x80 || absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-_.~!$&'()*+,;=:[]<>\"%").find(c) != npos;
}

// ":port" or "": digits, at most 65535.
std::string PortProblem(std::string_view colon_port) {
  if (colon_port.empty()) return "";
  std::string_view digits = colon_port.substr(1);
  if (colon_port[0] != ':' || digits.find_first_not_of("0123456789") != npos) {
    // Not quoted: a '/' in an unencoded password puts part of it here.
    return "invalid port after host (not a number)";
  }
  if (digits.size() > 5 || (!digits.empty() && std::stoi(std::string(digits)) > 65535)) {
    return Cat("invalid port \"", colon_port, "\" after host (greater than 65535)");
  }
  return "";
}

std::string HostProblem(std::string_view hostport) {
  if (!hostport.empty() && hostport[0] == '[') {
    const size_t close = hostport.find(']');
    if (close == npos) return "missing ']' in host";
    std::string_view literal = hostport.substr(1, close - 1);
    std::string_view zone;
    // RFC 6874 zone: "[fe80::1%25eth0]".
    if (const size_t z = literal.find("%25"); z != npos) {
      zone = literal.substr(z + 3);
      literal = literal.substr(0, z);
    }
    in6_addr addr;
    if (inet_pton(AF_INET6, std::string(literal).c_str(), &addr) != 1) {
      return Cat("invalid IPv6 address \"", hostport.substr(0, close + 1), "\" in host");
    }
    if (std::string_view bad = BadEscape(zone); !bad.empty()) {
      return Cat("invalid URL escape \"", bad, "\" in host");
    }
    return PortProblem(hostport.substr(close + 1));
  }
  const size_t colon = hostport.rfind(':');
  std::string_view host = hostport.substr(0, colon);
  for (char c : host) {
    if (!ValidHostChar(c)) return Cat("invalid character \"", std::string(1, c), "\" in host name");
  }
  if (std::string_view bad = BadEscape(host); !bad.empty()) {
    return Cat("invalid URL escape \"", bad, "\" in host");
  }
  return colon == npos ? "" : PortProblem(hostport.substr(colon));
}

}  // namespace

std::string MaskUrlPassword(std::string_view url) {
  static const std::string kMask = [] {
    std::string m;
    for (char c : kSecretMask) {
      m += c == '<' ? "%3C" : c == '>' ? "%3E" : std::string(1, c);
    }
    return m;
  }();
  const Authority a = FindAuthority(url);
  if (a.at == npos) return std::string(url);
  const size_t colon = url.substr(a.begin, a.at - a.begin).find(':');
  if (colon == npos || a.begin + colon + 1 == a.at) return std::string(url);  // no password
  return Cat(url.substr(0, a.begin + colon + 1), kMask, url.substr(a.at));
}

bool IsAbsoluteHttpUrl(std::string_view url) {
  if (!absl::StartsWithIgnoreCase(Sv(url), "http://") &&
      !absl::StartsWithIgnoreCase(Sv(url), "https://")) {
    return false;
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"') {
      return false;
    }
  }
  const Authority a = FindAuthority(url);
  return a.host() < a.end && url[a.host()] != ':';
}

std::string UrlSyntaxProblem(std::string_view url) {
  const Authority a = FindAuthority(url);
  if (a.at != npos) {
    std::string_view userinfo = url.substr(a.begin, a.at - a.begin);
    if (!ValidUserinfo(userinfo)) return "invalid character in the user info";
    if (!BadEscape(userinfo).empty()) return "invalid URL escape in the user info";
  }
  if (std::string p = HostProblem(url.substr(a.host(), a.end - a.host())); !p.empty()) return p;
  // Go's url.Parse checks the escapes of the path and the fragment, not
  // those of the query.
  std::string_view rest = url.substr(a.end);
  const size_t q = rest.find('?');
  const size_t hash = rest.find('#');
  std::string_view path = rest.substr(0, std::min(q, hash));
  std::string_view fragment = hash == npos ? std::string_view() : rest.substr(hash);
  for (std::string_view part : {path, fragment}) {
    if (std::string_view bad = BadEscape(part); !bad.empty()) {
      return Cat("invalid URL escape \"", bad, "\"");
    }
  }
  return "";
}

}  // namespace outpost::config
