// RequestAuth: the per-request authentication of the push clients (remote
// write, Loki) to managed services, shared by every HTTP client (shard,
// metadata) of one endpoint:
//
// - sigv4:  signs each request (and each retry: the date changes) for
//           service "aps" with the credentials of an AwsCredentialsProvider
//           (aws_credentials.h); adds X-Amz-Date, X-Amz-Security-Token
//           (temporary credentials) and Authorization.
// - oauth2: adds "Authorization: Bearer <token>" from an OAuth2TokenSource
//           (oauth2.h); a 401 answer drops the token so that the client
//           retries once with a fresh one.
//
// (basic_auth, authorization and bearer_token stay in http_client.cc.)
//
//   auto auth = MakeRequestAuth(config);          // nullptr: neither is set
//   auto client = HttpClient::Create(config, *auth);
//
// Thread-safety: all methods, from any thread. Errors (no credentials, the
// token endpoint or STS failing) are returned as values and never hold a
// secret; the client treats them as recoverable send errors.
#ifndef OUTPOST_CORE_HTTP_AUTH_H_
#define OUTPOST_CORE_HTTP_AUTH_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/config.h"
#include "core/http/sigv4.h"

namespace outpost::http {

struct AuthRequest {
  std::string_view method;  // "POST"
  std::string_view host;    // Host header value the request carries
  std::string_view path;    // as on the wire
  std::string_view query;
  const HeaderList* headers = nullptr;  // other headers sent (signed by sigv4)
  std::string_view body;
};

class RequestAuth {
 public:
  virtual ~RequestAuth() = default;
  // The headers to add to this request.
  virtual absl::StatusOr<HeaderList> Headers(const AuthRequest& request) = 0;
  // The endpoint answered 401 to a request that carried `sent` (what
  // Headers returned). True when sending again may succeed (a new token).
  virtual bool OnUnauthorized(const HeaderList& sent) {
    (void)sent;
    return false;
  }
};

struct AuthOptions {
  std::function<absl::Time()> clock;  // default absl::Now (inject in tests)
  std::function<std::string(std::string_view)> getenv;  // default process env
  absl::Duration oauth2_expiry_delta = absl::Seconds(10);
  absl::Duration aws_expiry_window = absl::Minutes(1);
};

// The auth for `config.sigv4` or `config.oauth2`; nullptr when neither is
// set. Fails (one line) when sigv4 has no region or no credentials.
absl::StatusOr<std::shared_ptr<RequestAuth>> MakeRequestAuth(
    const config::RemoteWriteConfig& config, AuthOptions options = {});

}  // namespace outpost::http

#endif  // OUTPOST_CORE_HTTP_AUTH_H_
