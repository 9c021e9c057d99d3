// AWS Signature Version 4 request signing, written by hand on OpenSSL's
// SHA-256 and HMAC (the algorithm of AWS' "Create a signed AWS API request"
// guide; checked against AWS' published signing test suite, see
// tests/remote_write/auth/sigv4_test.cc).
//
//   SigV4Request r{"POST", "aps-workspaces.eu-west-1.amazonaws.com",
//                  "/workspaces/ws-1/api/v1/remote_write", "", headers, body};
//   SigV4Signature s = SignV4(r, creds, "eu-west-1", "aps", absl::Now());
//   for (auto& [k, v] : s.headers) add_header(k, v);  // X-Amz-Date, token, Authorization
//
// Canonical form:
// - path: every byte but the unreserved ones and '/' is percent-encoded,
//   once, from the path as it goes on the wire. An already-escaped path is
//   thus escaped again, as AWS wants for every service but S3 (aws-sdk-go
//   v4.go, rest.EscapePath). No dot-segment normalization.
// - query: split on '&', each name and value decoded then re-encoded,
//   sorted by encoded name then value.
// - headers: names lowercased, values trimmed with inner runs of spaces
//   collapsed, sorted by name; repeated names joined with ','. `host` and
//   `x-amz-date` (and `x-amz-security-token` with a session token) are
//   always signed.
//
// Pure functions, thread-safe. Secrets are never part of an error or log.
#ifndef OUTPOST_CORE_HTTP_SIGV4_H_
#define OUTPOST_CORE_HTTP_SIGV4_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace outpost::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;        // empty unless temporary credentials
  std::optional<absl::Time> expiry;  // temporary credentials only
};

struct SigV4Request {
  std::string method;  // "POST"
  std::string host;    // the Host header value: host[:port]
  std::string path;    // as on the wire, "" means "/"
  std::string query;   // raw, without '?'
  HeaderList headers;  // other headers to sign (not Host, not Authorization)
  std::string_view payload;
  // Also send and sign X-Amz-Content-Sha256 (S3-style; not needed by aps
  // nor sts).
  bool content_sha256_header = false;
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;       // lowercase hex
  std::string signed_headers;  // "host;x-amz-date"
  // To add to the request: X-Amz-Date, [X-Amz-Security-Token],
  // [X-Amz-Content-Sha256], Authorization.
  HeaderList headers;
};

SigV4Signature SignV4(const SigV4Request& request, const AwsCredentials& credentials,
                      std::string_view region, std::string_view service, absl::Time now);

// Building blocks (exposed for tests and for the test-side verifier).
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw bytes
std::string HexEncode(std::string_view bytes);
// RFC 3986 encoding of all but A-Z a-z 0-9 - _ . ~ (and '/' when
// keep_slash).
std::string UriEncode(std::string_view s, bool keep_slash);
// Decodes %XX escapes (a malformed escape is kept as is); '+' is kept.
std::string UriDecode(std::string_view s);
// "20150830T123600Z".
std::string AmzDate(absl::Time t);

}  // namespace outpost::http

#endif  // OUTPOST_CORE_HTTP_SIGV4_H_
