#include "core/http/http_client.h"

#include <curl/curl.h>

#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/build_info.h"
#include "core/base/log.h"
#include "core/config/url.h"
#include "core/http/auth_http.h"
#include "core/http/curl_options.h"

namespace outpost::http {
namespace {

constexpr size_t kMaxErrorBody = 1024;  // as Prometheus' client.go

// Reads a secret file, trimming surrounding whitespace (Prometheus does).
// A file that cannot be read fails the request as retryable: Prometheus
// reads it in its round tripper, whose error client.go treats as a network
// error (RecoverableError), so the data waits for the file.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("unable to read file ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return std::string(ToStd(absl::StripAsciiWhitespace(s)));
}

}  // namespace

std::optional<absl::Duration> ParseRetryAfter(std::string_view value,
                                              absl::Time now) {
  absl::string_view v = absl::StripAsciiWhitespace(ToAbsl(value));
  if (v.empty()) return std::nullopt;
  int64_t secs = 0;
  if (absl::ascii_isdigit(static_cast<unsigned char>(v[0])) &&
      absl::SimpleAtoi(v, &secs)) {
    return absl::Seconds(secs);
  }
  absl::Time when;
  std::string err;
  if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", v, absl::UTCTimeZone(),
                      &when, &err)) {
    return when > now ? when - now : absl::ZeroDuration();
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  config::RemoteWriteConfig cfg;
  HttpProtocol protocol;
  std::string url;           // possibly rewritten for server_name
  std::string connect_to;    // CURLOPT_CONNECT_TO entry for server_name
  std::string host_header;   // "Host: <original>" when rewritten
  // For a RequestAuth: the Host value sent, the URL's path and query.
  std::shared_ptr<RequestAuth> auth;
  std::string auth_host, auth_path, auth_query;
  std::string user_agent;
  CURL* curl = nullptr;
  // Per request.
  std::string body;
  std::optional<std::string> retry_after;
  std::atomic<bool>* cancelled = nullptr;
  char errbuf[CURL_ERROR_SIZE];
};

namespace {

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* impl = static_cast<HttpClient::Impl*>(user);
  const size_t len = size * n;
  if (impl->body.size() < kMaxErrorBody) {
    impl->body.append(data, std::min(len, kMaxErrorBody - impl->body.size()));
  }
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* impl = static_cast<HttpClient::Impl*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() &&
      absl::EqualsIgnoreCase(ToAbsl(line.substr(0, kName.size())), ToAbsl(kName))) {
    impl->retry_after = std::string(line.substr(kName.size()));
  } else if (absl::StartsWith(ToAbsl(line), "HTTP/")) {
    impl->retry_after.reset();  // a new response (redirects) starts over
  }
  return len;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* impl = static_cast<HttpClient::Impl*>(user);
  return impl->cancelled->load() ? 1 : 0;
}

// Splits "scheme://host[:port]/path" into its host and port (default by
// scheme). Returns false when the URL has no host.
bool SplitUrl(const std::string& url, std::string* scheme, std::string* host,
              std::string* port, std::string* rest) {
  const size_t s = url.find("://");
  if (s == std::string::npos) return false;
  *scheme = absl::AsciiStrToLower(url.substr(0, s));
  const size_t start = s + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string::npos) end = url.size();
  std::string hostport = url.substr(start, end - start);
  *rest = url.substr(end);
  if (const size_t at = hostport.rfind('@'); at != std::string::npos) {
    hostport = hostport.substr(at + 1);
  }
  size_t colon = hostport.rfind(':');
  if (!hostport.empty() && hostport[0] == '[') {  // [v6]:port
    const size_t close = hostport.find(']');
    colon = (close != std::string::npos && close + 1 < hostport.size() &&
             hostport[close + 1] == ':') ? close + 1 : std::string::npos;
  }
  if (colon != std::string::npos) {
    *host = hostport.substr(0, colon);
    *port = hostport.substr(colon + 1);
  } else {
    *host = hostport;
    *port = *scheme == "https" ? "443" : "80";
  }
  return !host->empty();
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(
    const config::RemoteWriteConfig& config, HttpProtocol protocol) {
  auto auth = MakeRequestAuth(config);
  if (!auth.ok()) return auth.status();
  return Create(config, std::move(protocol), std::move(*auth));
}

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(
    const config::RemoteWriteConfig& config, HttpProtocol protocol,
    std::shared_ptr<RequestAuth> auth) {
  CurlGlobalInit();
  std::string scheme, host, port, rest;
  if (!SplitUrl(config.url, &scheme, &host, &port, &rest) ||
      (scheme != "http" && scheme != "https")) {
    return absl::InvalidArgumentError(
        absl::StrCat(protocol.name, " url \"", config::MaskUrlPassword(config.url),
                     "\": want http:// or https:// with a host"));
  }
  auto impl = std::make_unique<Impl>();
  impl->cfg = config;
  impl->url = config.url;
  if (scheme == "https" && !config.tls_config.server_name.empty() &&
      config.tls_config.server_name != host) {
    // Verify (and send SNI for) server_name while connecting to the URL's
    // host, as Go's tls.Config.ServerName does; Host stays the URL's.
    impl->url = absl::StrCat(scheme, "://", config.tls_config.server_name, ":",
                             port, rest);
    impl->connect_to = absl::StrCat(config.tls_config.server_name, ":", port,
                                    ":", host, ":", port);
    impl->host_header = absl::StrCat("Host: ", host, ":", port);
  }
  for (const auto& [name, value] : config.headers) {
    if (protocol.reserved && protocol.reserved(name)) {
      log::Warn(absl::StrCat(protocol.name, " header ignored: it is set by the protocol"),
                {{"remote_name", config.name}, {"header", name}});
    }
  }
  if (auth != nullptr) {
    UrlParts parts;
    if (!SplitHttpUrl(config.url, &parts)) {
      return absl::InvalidArgumentError(
          absl::StrCat(protocol.name, " url \"", config::MaskUrlPassword(config.url),
                       "\": want http:// or https://"));
    }
    impl->auth = std::move(auth);
    impl->auth_host = impl->host_header.empty() ? parts.host : impl->host_header.substr(6);
    impl->auth_path = parts.path;
    impl->auth_query = parts.query;
  }
  impl->protocol = std::move(protocol);
  impl->user_agent = absl::StrCat("outpost/", ToAbsl(GetBuildInfo().version));
  impl->curl = curl_easy_init();
  if (impl->curl == nullptr) return absl::InternalError("curl_easy_init failed");
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->cancelled = &cancelled_;
}

HttpClient::~HttpClient() {
  if (impl_ && impl_->curl) curl_easy_cleanup(impl_->curl);
}

SendResult HttpClient::Send(std::string_view body, int attempt, const HeaderList* extra) {
  HeaderList sent_auth;
  SendResult result = SendOnce(body, attempt, extra, &sent_auth);
  // A 401 with an expired or revoked OAuth2 token: once more with a new one.
  if (result.http_status == 401 && impl_->auth != nullptr &&
      impl_->auth->OnUnauthorized(sent_auth)) {
    log::Debug(absl::StrCat(impl_->protocol.name, ": 401, retrying with fresh credentials"),
               {{"remote_name", impl_->cfg.name}});
    result = SendOnce(body, attempt, extra, &sent_auth);
  }
  return result;
}

SendResult HttpClient::SendOnce(std::string_view body, int attempt, const HeaderList* extra,
                                HeaderList* sent_auth) {
  SendResult result;
  if (cancelled_.load()) {
    result.detail = "cancelled";
    return result;
  }
  Impl& im = *impl_;
  const config::RemoteWriteConfig& cfg = im.cfg;
  CURL* c = im.curl;
  curl_easy_reset(c);  // keeps the connection cache
  im.body.clear();
  im.retry_after.reset();
  im.errbuf[0] = 0;

  // The headers a RequestAuth signs: all but Host (signed apart), Expect
  // and User-Agent (aws-sdk-go's signer ignores User-Agent).
  const HttpProtocol& proto = im.protocol;
  HeaderList signed_headers = proto.headers;
  auto named = [](const HeaderList& list, std::string_view name) {
    for (const auto& h : list) {
      if (absl::EqualsIgnoreCase(ToAbsl(h.first), ToAbsl(name))) return true;
    }
    return false;
  };
  if (extra != nullptr) {
    std::erase_if(signed_headers, [&](const auto& h) { return named(*extra, h.first); });
    signed_headers.insert(signed_headers.end(), extra->begin(), extra->end());
  }
  if (attempt > 0 && proto.retry_attempt_header) {
    signed_headers.emplace_back("Retry-Attempt", absl::StrCat(attempt));
  }
  for (const auto& [name, value] : cfg.headers) {
    if (proto.reserved && proto.reserved(name)) continue;
    if (extra != nullptr && named(*extra, name)) continue;
    signed_headers.emplace_back(name, value);
  }
  sent_auth->clear();
  if (im.auth != nullptr) {
    AuthRequest ar;
    ar.method = "POST";
    ar.host = im.auth_host;
    ar.path = im.auth_path;
    ar.query = im.auth_query;
    ar.headers = &signed_headers;
    ar.body = body;
    auto extra = im.auth->Headers(ar);
    if (!extra.ok()) {
      result.outcome = SendOutcome::kRetry;  // as a network error in Prometheus
      result.detail = absl::StrCat("auth: ", extra.status().message());
      return result;
    }
    *sent_auth = std::move(*extra);
  }

  // The *_file secret of basic_auth, authorization or bearer_token_file.
  const std::string* secret_file =
      cfg.basic_auth ? &cfg.basic_auth->password_file
      : cfg.authorization ? &cfg.authorization->credentials_file
                          : &cfg.bearer_token_file;
  std::string file_secret;
  if (!secret_file->empty()) {
    absl::StatusOr<std::string> s = ReadSecretFile(*secret_file);
    if (!s.ok()) {
      result.outcome = SendOutcome::kRetry;
      result.detail = std::string(s.status().message());
      return result;
    }
    file_secret = *std::move(s);
  }

  curl_slist* headers = nullptr;
  auto add = [&headers](const std::string& h) {
    headers = curl_slist_append(headers, h.c_str());
  };
  for (const auto& [name, value] : signed_headers) add(absl::StrCat(name, ": ", value));
  add("Expect:");  // no 100-continue round trip
  if (im.auth != nullptr) {
    add(absl::StrCat("Host: ", im.auth_host));  // exactly what was signed
  } else if (!im.host_header.empty()) {
    add(im.host_header);
  }
  for (const auto& [name, value] : *sent_auth) add(absl::StrCat(name, ": ", value));
  std::string auth_user, auth_pass;
  if (cfg.basic_auth) {
    auth_user = cfg.basic_auth->username;
    auth_pass = cfg.basic_auth->password_file.empty() ? cfg.basic_auth->password.reveal()
                                                      : file_secret;
  } else if (cfg.authorization) {
    const std::string cred = cfg.authorization->credentials_file.empty()
                                 ? cfg.authorization->credentials.reveal()
                                 : file_secret;
    const std::string type =
        cfg.authorization->type.empty() ? "Bearer" : cfg.authorization->type;
    add(absl::StrCat("Authorization: ", type, " ", cred));
  } else if (!cfg.bearer_token.empty() || !cfg.bearer_token_file.empty()) {
    const std::string tok =
        cfg.bearer_token_file.empty() ? cfg.bearer_token.reveal() : file_secret;
    add(absl::StrCat("Authorization: Bearer ", tok));
  }

  curl_easy_setopt(c, CURLOPT_URL, im.url.c_str());
  curl_slist* connect_to = nullptr;
  if (!im.connect_to.empty()) {
    connect_to = curl_slist_append(nullptr, im.connect_to.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
  }
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, im.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(cfg.remote_timeout)));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, im.errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &im);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &im);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &im);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, cfg.follow_redirects ? 1L : 0L);
  // Keep POST on 301/302/303 as Go's client does for 307/308 only: curl
  // keeps the method for all with POST_301|302|303.
  curl_easy_setopt(c, CURLOPT_POSTREDIR, static_cast<long>(CURL_REDIR_POST_ALL));
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  if (!auth_user.empty() || !auth_pass.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, auth_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, auth_pass.c_str());
  }
  ApplyTls(c, cfg.tls_config, cfg.proxy_url);

  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (connect_to != nullptr) {
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, nullptr);
    curl_slist_free_all(connect_to);
  }
  if (rc != CURLE_OK) {
    result.outcome = SendOutcome::kRetry;
    result.detail = im.errbuf[0] ? std::string(im.errbuf) : curl_easy_strerror(rc);
    if (rc == CURLE_ABORTED_BY_CALLBACK) result.detail = "cancelled";
    return result;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  result.http_status = static_cast<int>(status);
  if (im.retry_after) result.retry_after = ParseRetryAfter(*im.retry_after, absl::Now());
  if (status / 100 == 2) {
    result.outcome = SendOutcome::kOk;
  } else if (status / 100 == 5) {
    result.outcome = SendOutcome::kRetry;
    result.detail = im.body;
  } else if (status == 429 && proto.retry_429) {
    result.outcome = SendOutcome::kRetry;
    result.detail = im.body;
  } else {
    result.outcome = SendOutcome::kDrop;
    result.detail = im.body;
  }
  return result;
}

}  // namespace outpost::http
