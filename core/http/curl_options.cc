#include "core/http/curl_options.h"

#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"

namespace outpost::http {

void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void ApplyTls(CURL* c, const config::TlsConfig& tls, const std::string& proxy_url) {
  if (!proxy_url.empty()) curl_easy_setopt(c, CURLOPT_PROXY, proxy_url.c_str());
  if (!tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, tls.key_file.c_str());
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, tls.insecure_skip_verify ? 0L : 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, tls.insecure_skip_verify ? 0L : 2L);
#if LIBCURL_VERSION_NUM >= 0x075700  // 7.87.0
  curl_easy_setopt(c, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
}

absl::Status ReadSecretFile(const std::string& path, std::string* out) {
  std::ifstream f(path);
  if (!f) return absl::FailedPreconditionError(absl::StrCat("unable to read file ", path));
  std::stringstream ss;
  ss << f.rdbuf();
  *out = std::string(ToStd(absl::StripAsciiWhitespace(ss.str())));
  return absl::OkStatus();
}

}  // namespace outpost::http
