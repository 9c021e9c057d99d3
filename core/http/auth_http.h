// Small HTTP helpers for the credential fetchers (OAuth2 token endpoint,
// AWS STS): one blocking libcurl POST, URL splitting, form encoding.
//
// Not on the sample path: these run when a token or temporary credentials
// expire. Thread-safe (each call has its own curl handle). Errors are
// values; a response body is never put into an error beyond 256 bytes.
#ifndef OUTPOST_CORE_HTTP_AUTH_HTTP_H_
#define OUTPOST_CORE_HTTP_AUTH_HTTP_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/config.h"
#include "core/http/sigv4.h"

namespace outpost::http {

struct UrlParts {
  std::string scheme;  // lowercase
  std::string host;    // host[:port] as written, without userinfo; the
                       // port is dropped when it is the scheme's default
  std::string path;    // "" or "/..."
  std::string query;   // without '?'
};
// False when `url` is not http(s)://host...
bool SplitHttpUrl(std::string_view url, UrlParts* out);

// application/x-www-form-urlencoded value encoding (Go's url.QueryEscape:
// space as '+').
std::string FormEscape(std::string_view s);
// "k=v&k2=v2", keys sorted (Go's url.Values.Encode).
std::string FormEncode(const std::map<std::string, std::string>& values);

struct PostOptions {
  config::TlsConfig tls;
  std::string proxy_url;
  absl::Duration timeout = absl::Seconds(30);
};

struct PostResponse {
  int status = 0;
  std::string content_type;
  std::string body;  // at most 1 MiB kept
};

// POSTs `body` with `headers`. A transport failure is UnavailableError;
// any HTTP answer (whatever its status) is returned.
absl::StatusOr<PostResponse> HttpPost(const std::string& url, const HeaderList& headers,
                                      std::string_view body, const PostOptions& options);

// At most 256 bytes of a body, for an error message.
std::string Snippet(std::string_view body);

}  // namespace outpost::http

#endif  // OUTPOST_CORE_HTTP_AUTH_HTTP_H_
