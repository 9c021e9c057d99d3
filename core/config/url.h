// URLs in a config: where their user info is, the password masked for
// display, and the validation of the http(s) URLs a config holds
// (remote_write url, proxy_url, oauth2 token_url, http_sd url).
//
//   MaskUrlPassword("https://u:pw@host/api/v1/write")
//       == "https://u:%3Csecret%3E@host/api/v1/write"
//
// Decisions:
// - A password is shown as kSecretMask ("<secret>") percent-encoded, as
//   any URL encoder writes a password "<secret>": the masked URL stays a
//   valid URL, so a dumped config (dump.h) loads again and its URL password
//   reads back as the literal "<secret>", like every other masked secret.
//   (Prometheus' config.URL.Redacted writes "xxxxx" instead, to avoid that
//   escaping: prometheus/common config/http_config.go.)
// - The user info ends at the last '@' of the authority, as Go's net/url
//   and curl read it; an empty password ("user:@host") and a user without
//   password ("user@host") are shown as they are.
// - Validation follows Go's url.Parse where it rejects (bad %-escapes
//   outside the query, a bad IPv6 literal, a non-numeric port, characters
//   not allowed in a host name), plus a port above 65535 (curl rejects it).
// Thread-safe; pure.
#ifndef OUTPOST_CORE_CONFIG_URL_H_
#define OUTPOST_CORE_CONFIG_URL_H_

#include <string>
#include <string_view>

namespace outpost::config {

// `url` with the password of its user info masked. Takes URLs
// ("scheme://user:pw@host/...") and scrape addresses without a scheme
// ("user:pw@host:port"); anything without a password comes back unchanged.
std::string MaskUrlPassword(std::string_view url);

// An http:// or https:// URL (scheme in any case) with a non-empty host,
// without spaces, control characters, '<', '>' or '"'.
bool IsAbsoluteHttpUrl(std::string_view url);

// What is wrong with an absolute http(s) URL (one IsAbsoluteHttpUrl
// accepts), e.g. "invalid IPv6 address \"[::g]\" in host"; empty when it
// is valid. Never quotes the user info (it may hold a password).
std::string UrlSyntaxProblem(std::string_view url);

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_URL_H_
