// The libcurl setup every outpost HTTP client shares (remote write, the Loki
// client, the credential fetchers, scrapes): one global init, and the TLS
// and proxy options of a config::TlsConfig.
#ifndef OUTPOST_CORE_HTTP_CURL_OPTIONS_H_
#define OUTPOST_CORE_HTTP_CURL_OPTIONS_H_

#include <curl/curl.h>

#include <string>

#include "absl/status/status.h"

#include "core/config/http_config.h"

namespace outpost::http {

// curl_global_init, once per process (thread-safe).
void CurlGlobalInit();

// Sets proxy_url (when not empty), ca_file, cert_file, key_file and peer/host
// verification (off with insecure_skip_verify) on `c`. On curl >= 7.87 the CA
// cache is disabled (CURLOPT_CA_CACHE_TIMEOUT 0), so a replaced ca_file is
// read again by the next connection, as Go reads it per TLS config.
void ApplyTls(CURL* c, const config::TlsConfig& tls, const std::string& proxy_url);

// Reads a *_file secret (password_file, credentials_file) as Prometheus
// does: at each request, whitespace trimmed.
absl::Status ReadSecretFile(const std::string& path, std::string* out);

}  // namespace outpost::http

#endif  // OUTPOST_CORE_HTTP_CURL_OPTIONS_H_
