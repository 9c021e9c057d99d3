// OAuth2TokenSource: OAuth 2.0 client-credentials tokens for remote write,
// as Prometheus gets them (prometheus/common config/http_config.go
// oauth2RoundTripper, golang.org/x/oauth2/clientcredentials):
//
// - POST token_url, form body grant_type=client_credentials, scope (scopes
//   joined by spaces, when any) and endpoint_params (which may override).
// - Client authentication: HTTP basic with the url-escaped client_id and
//   secret (x/oauth2's AuthStyleInHeader); when the endpoint answers an
//   error, the request is tried again with client_id/client_secret in the
//   form (AuthStyleInParams), and the style that worked is kept
//   (x/oauth2's AuthStyleAutoDetect).
// - The answer: JSON {access_token, token_type, expires_in} (expires_in may
//   be a number or a string), or a form-encoded body. token_type is
//   normalized as x/oauth2 does ("bearer" -> "Bearer"; empty -> "Bearer").
// - The token is cached and refreshed `expiry_delta` (10 s, x/oauth2's
//   expiryDelta) before it expires; Invalidate() drops it after a 401.
// - client_secret_file is read on every token request (rotation works).
//
// Thread-safety: all methods; concurrent callers wait for one token
// request. Errors never contain the secret or the token.
#ifndef OUTPOST_CORE_HTTP_OAUTH2_H_
#define OUTPOST_CORE_HTTP_OAUTH2_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/config/config.h"

namespace outpost::http {

struct OAuth2Token {
  std::string access_token;
  std::string token_type = "Bearer";
  std::optional<absl::Time> expiry;  // none: does not expire
  std::string HeaderValue() const { return token_type + " " + access_token; }
};

// Parses a token endpoint answer (JSON object, or form-encoded when
// `content_type` says so) received at `now`. Untrusted input: any malformed
// body is an error, never a crash.
absl::StatusOr<OAuth2Token> ParseTokenResponse(std::string_view body,
                                               std::string_view content_type, absl::Time now);

struct OAuth2Options {
  std::function<absl::Time()> clock;  // default absl::Now
  absl::Duration expiry_delta = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(30);
};

class OAuth2TokenSource {
 public:
  explicit OAuth2TokenSource(config::OAuth2Config config, OAuth2Options options = {});

  // A valid token: the cached one, or a new one from the endpoint.
  absl::StatusOr<OAuth2Token> Token();
  // Drops the cached token if it is still `access_token` (the one a 401
  // answered); true when it was dropped or already replaced.
  bool Invalidate(std::string_view access_token);
  int fetches() const;  // token requests made (tests, logs)

 private:
  absl::StatusOr<OAuth2Token> Fetch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const config::OAuth2Config config_;
  OAuth2Options options_;
  mutable absl::Mutex mu_;
  std::optional<OAuth2Token> token_ ABSL_GUARDED_BY(mu_);
  // x/oauth2's AuthStyleAutoDetect result: 0 unknown, 1 header, 2 params.
  int auth_style_ ABSL_GUARDED_BY(mu_) = 0;
  int fetches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace outpost::http

#endif  // OUTPOST_CORE_HTTP_OAUTH2_H_
