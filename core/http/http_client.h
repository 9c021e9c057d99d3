// HttpClient: POSTs encoded requests of one push protocol (remote write,
// Loki push) to one endpoint with libcurl, and classifies the answer
// (Prometheus storage/remote/client.go; Promtail client/client.go).
//
// One client owns one curl easy handle, so it keeps one keep-alive
// connection: the remote-write queue gives each shard its own client.
//
// The protocol is an HttpProtocol: its fixed headers, which user `headers`
// cannot override (such user headers, by its `reserved` predicate, are
// ignored, with one warning at Create), e.g. for remote write
// (remote_write/http_protocol.h):
//   Content-Encoding: snappy
//   Content-Type: application/x-protobuf
//   X-Prometheus-Remote-Write-Version: 0.1.0
//   Retry-Attempt: <n>          (only on retries, n >= 1, when
//                                retry_attempt_header)
// and always User-Agent: outpost/<version>,
// plus auth (basic_auth, bearer_token(_file), authorization; sigv4 and
// oauth2 through a RequestAuth, auth.h: with one, Host is sent explicitly,
// each request and each retry is signed anew, and a 401 answer that makes
// the auth drop its token is sent once more with a fresh one), TLS (verified
// by default; ca_file, cert_file/key_file, server_name,
// insecure_skip_verify), proxy_url, follow_redirects and remote_timeout.
// Secret files (*_file) are read on every request, so rotation works.
//
// Classification:
//   2xx                         -> kOk
//   5xx, network error, timeout -> kRetry
//   429                         -> kRetry when protocol.retry_429 (with
//                                  Retry-After as seconds or HTTP date),
//                                  else kDrop
//   anything else               -> kDrop, with <= 1 KiB of the body
//
// Thread-safety: one thread at a time per client; Cancel() may be called
// from any thread and makes a running and every later Send return kRetry
// quickly ("cancelled").
#ifndef OUTPOST_CORE_HTTP_HTTP_CLIENT_H_
#define OUTPOST_CORE_HTTP_HTTP_CLIENT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/config.h"
#include "core/http/auth.h"

namespace outpost::http {

enum class SendOutcome { kOk, kRetry, kDrop };

struct SendResult {
  SendOutcome outcome = SendOutcome::kRetry;
  int http_status = 0;  // 0 when no HTTP answer was received
  // From a 429 (or 5xx) answer's Retry-After header.
  std::optional<absl::Duration> retry_after;
  // For the log: curl's error, or up to 1 KiB of the response body.
  std::string detail;
};

// Parses a Retry-After value: non-negative integer seconds, or an HTTP date
// (IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT") relative to `now`
// (a date in the past gives zero). nullopt when it is neither.
std::optional<absl::Duration> ParseRetryAfter(std::string_view value,
                                              absl::Time now);

// What a push protocol fixes about its requests.
struct HttpProtocol {
  std::string name;     // in log lines and errors: "remote_write", "loki client"
  HeaderList headers;   // sent on every request, signed by a RequestAuth
  // Header names (case-insensitive) a user may not set; nullptr: none.
  std::function<bool(std::string_view)> reserved;
  bool retry_429 = true;              // 429 -> kRetry, else kDrop
  bool retry_attempt_header = false;  // Retry-Attempt: <n> on retries
};

class HttpClient {
 public:
  // Validates the config (URL scheme http/https). Does not connect. Builds
  // the client's own RequestAuth from config.sigv4/oauth2 (MakeRequestAuth).
  // Of `config` the HTTP side is used (url, name, remote_timeout, headers,
  // auth, tls_config, proxy_url, follow_redirects); not queue_config.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(
      const config::RemoteWriteConfig& config, HttpProtocol protocol);
  // Same with `auth` (shared by the clients of one endpoint, so that they
  // share a token; nullptr: none) instead of one built from the config.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(
      const config::RemoteWriteConfig& config, HttpProtocol protocol,
      std::shared_ptr<RequestAuth> auth);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body`. `attempt` is 0 for the first try; later tries send
  // Retry-Attempt: <attempt> when the protocol asks for it. `extra`
  // headers (e.g. a batch's tenant) replace the protocol's of the same name
  // and win over the config's `headers`.
  SendResult Send(std::string_view body, int attempt, const HeaderList* extra = nullptr);

  void Cancel() { cancelled_.store(true); }

  struct Impl;  // opaque; public only for the curl callbacks

 private:
  explicit HttpClient(std::unique_ptr<Impl> impl);
  // One request; `sent_auth` receives the RequestAuth headers it carried.
  SendResult SendOnce(std::string_view body, int attempt, const HeaderList* extra,
                      HeaderList* sent_auth);
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace outpost::http

#endif  // OUTPOST_CORE_HTTP_HTTP_CLIENT_H_
