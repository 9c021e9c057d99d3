#include "integrations/blackbox/http_prober.h"

#include <curl/curl.h>
#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "core/base/absl_compat.h"
#include "core/base/build_info.h"
#include "core/http/curl_options.h"
#include "integrations/blackbox/tls_metrics.h"
#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {
namespace {

const MetricFamily kPhase{"probe_http_duration_seconds", MetricType::kGauge,
                          "Duration of http request by phase, summed over all redirects", ""};
const MetricFamily kContentLength{"probe_http_content_length", MetricType::kGauge,
                                  "Length of http content response", ""};
const MetricFamily kBodyLength{"probe_http_uncompressed_body_length", MetricType::kGauge,
                               "Length of uncompressed response body", ""};
const MetricFamily kRedirects{"probe_http_redirects", MetricType::kGauge,
                              "The number of redirects", ""};
const MetricFamily kSsl{"probe_http_ssl", MetricType::kGauge,
                        "Indicates if SSL was used for the final redirect", ""};
const MetricFamily kStatus{"probe_http_status_code", MetricType::kGauge,
                           "Response HTTP status code", ""};
const MetricFamily kVersion{"probe_http_version", MetricType::kGauge,
                            "Returns the version of HTTP of the probe response", ""};
const MetricFamily kFailedDueToRegex{"probe_failed_due_to_regex", MetricType::kGauge,
                                     "Indicates if probe failed due to regex", ""};
const MetricFamily kLastModified{"probe_http_last_modified_timestamp_seconds", MetricType::kGauge,
                                 "Returns the Last-Modified HTTP response header in unixtime", ""};

constexpr int kMaxRedirects = 10;  // Go's CheckRedirect in upstream: len(via) > 10

const std::string* FindHeader(const HeaderList& h, std::string_view name) {
  for (const auto& [k, v] : h) {
    if (SameHeaderName(k, name)) return &v;
  }
  return nullptr;
}

// What one round trip's callbacks collect.
struct Hop {
  CURL* curl = nullptr;
  bool keep_body = false;
  uint64_t limit = 0;  // body_size_limit, 0: none
  bool verify = true;
  int status = 0;
  std::string proto;  // "HTTP/1.1", as Go's Response.Proto
  bool headers_done = false;
  HeaderList headers;
  std::string body;
  uint64_t body_bytes = 0;
  bool too_large = false;
  std::optional<TlsInfo> tls;
};

size_t OnHeader(char* data, size_t size, size_t n, void* arg) {
  auto* h = static_cast<Hop*>(arg);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    h->headers.clear();
    h->headers_done = false;
    const size_t sp = line.find(' ');
    h->proto = std::string(line.substr(0, sp));
    if (h->proto.find('.') == std::string::npos) h->proto += ".0";  // "HTTP/2" is Go's "HTTP/2.0"
    uint64_t code = 0;
    if (sp != std::string_view::npos) ParseUint(line.substr(sp + 1, 3), &code);
    h->status = static_cast<int>(code);
    if (!h->tls.has_value()) {
      const curl_tlssessioninfo* info = nullptr;
      if (curl_easy_getinfo(h->curl, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK &&
          info != nullptr && info->backend == CURLSSLBACKEND_OPENSSL && info->internals != nullptr)
        h->tls = ReadTlsInfo(static_cast<SSL*>(info->internals), h->verify);
    }
  } else if (line.empty()) {
    h->headers_done = h->status >= 200;
  } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    h->headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                            std::string(Trim(line.substr(colon + 1))));
  }
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* arg) {
  auto* h = static_cast<Hop*>(arg);
  const size_t len = size * n;
  if (h->limit > 0 && h->body_bytes + len > h->limit) {
    h->body_bytes = h->limit;  // http.MaxBytesReader hands out up to the limit
    h->too_large = true;
    return 0;
  }
  h->body_bytes += len;
  if (h->keep_body) h->body.append(data, len);
  return len;
}

double InfoSeconds(CURL* c, CURLINFO what) {
  curl_off_t us = 0;
  curl_easy_getinfo(c, what, &us);
  return static_cast<double>(us) / 1e6;
}

struct CurlHandle {
  CURL* c = curl_easy_init();
  curl_slist* headers = nullptr;
  curl_slist* resolve = nullptr;
  ~CurlHandle() {
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
    curl_easy_cleanup(c);
  }
};

class HttpRun {
 public:
  HttpRun(const HttpSettings& s, Probe& p) : s_(s), p_(p) {}

  bool Run();
  void Emit();

 private:
  bool Fail(std::string reason) {
    if (p_.reason.empty()) p_.reason = std::move(reason);
    return false;
  }
  // Sets the options of the first request; false on an error (reported).
  bool Setup(CurlHandle& h, const std::string& url, const std::string& host,
             const std::string& port, bool https, const IpAddress* ip);
  void AddPhases(CURL* c, size_t index, bool https, bool last);
  bool Check(const Hop& hop, bool request_errored, CURLcode rc);

  const HttpSettings& s_;
  Probe& p_;
  double resolve_ = 0, connect_ = 0, tls_ = 0, processing_ = 0, transfer_ = 0;
  bool phases_ = false;
  double content_length_ = 0, body_length_ = 0, redirects_ = 0, ssl_ = 0, status_ = 0,
         version_ = 0, failed_due_to_regex_ = 0;
  std::optional<double> last_modified_;
  std::optional<TlsInfo> tls_info_;
  std::string method_;
};

bool HttpRun::Setup(CurlHandle& h, const std::string& url, const std::string& host,
                    const std::string& port, bool https, const IpAddress* ip) {
  CURL* c = h.c;
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);  // keep-alives off, as upstream
  curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");  // a cookie jar across redirects
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, s_.client.enable_http2
                                                ? static_cast<long>(CURL_HTTP_VERSION_2TLS)
                                                : static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  http::ApplyTls(c, s_.client.tls_config, s_.client.proxy_url);
  if (!s_.compression.empty() && !absl::EqualsIgnoreCase(ToAbsl(s_.compression), "identity"))
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, s_.compression.c_str());
  if (ip != nullptr) {
    const std::string addr = ip->family == AF_INET6 ? Cat("[", ip->text, "]") : ip->text;
    const std::string port_or_default = !port.empty() ? port : https ? "443" : "80";
    h.resolve = curl_slist_append(h.resolve, Cat(host, ":", port_or_default, ":", addr).c_str());
    curl_easy_setopt(c, CURLOPT_RESOLVE, h.resolve);
  }
  std::string user_agent = Cat("Blackbox Exporter/", GetBuildInfo().version);
  bool has_accept_encoding = false, has_accept = false;
  for (const auto& [k, v] : s_.headers) {
    if (SameHeaderName(k, "Host")) continue;  // the request's Host, set below
    if (SameHeaderName(k, "User-Agent")) {
      user_agent = v;
      continue;
    }
    has_accept_encoding |= SameHeaderName(k, "Accept-Encoding");
    has_accept |= SameHeaderName(k, "Accept");
    h.headers = curl_slist_append(h.headers, (v.empty() ? Cat(k, ";") : Cat(k, ": ", v)).c_str());
  }
  // Go sends neither Accept nor (prometheus/common disables compression)
  // Accept-Encoding by itself.
  if (!has_accept) h.headers = curl_slist_append(h.headers, "Accept:");
  if (!has_accept_encoding) h.headers = curl_slist_append(h.headers, "Accept-Encoding:");
  curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent.c_str());
  if (s_.client.authorization) {
    std::string cred = s_.client.authorization->credentials.reveal();
    if (!s_.client.authorization->credentials_file.empty()) {
      if (absl::Status st = http::ReadSecretFile(s_.client.authorization->credentials_file, &cred);
          !st.ok())
        return Fail(std::string(ToStd(st.message())));
    }
    h.headers = curl_slist_append(
        h.headers, Cat("Authorization: ", s_.client.authorization->type, " ", cred).c_str());
  }
  if (s_.client.basic_auth) {
    std::string pass = s_.client.basic_auth->password.reveal();
    if (!s_.client.basic_auth->password_file.empty()) {
      if (absl::Status st = http::ReadSecretFile(s_.client.basic_auth->password_file, &pass);
          !st.ok())
        return Fail(std::string(ToStd(st.message())));
    }
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, s_.client.basic_auth->username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, pass.c_str());
    curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 1L);  // Go sends it on every request
  }
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  return true;
}

// Upstream's per-roundtrip trace arithmetic, from curl's timings (all
// relative to the round trip's start).
void HttpRun::AddPhases(CURL* c, size_t index, bool https, bool last) {
  const double dns = InfoSeconds(c, CURLINFO_NAMELOOKUP_TIME_T);
  const double conn = InfoSeconds(c, CURLINFO_CONNECT_TIME_T);
  const double app = InfoSeconds(c, CURLINFO_APPCONNECT_TIME_T);
  const double pre = InfoSeconds(c, CURLINFO_PRETRANSFER_TIME_T);
  const double first = InfoSeconds(c, CURLINFO_STARTTRANSFER_TIME_T);
  const double total = InfoSeconds(c, CURLINFO_TOTAL_TIME_T);
  if (index != 0) resolve_ += dns;  // the first one's is chooseProtocol's
  if (conn <= 0 || (https && app <= 0)) return;  // no connection
  connect_ += conn - dns;
  if (https) tls_ += app - conn;
  if (first <= 0) return;  // no response
  processing_ += first - pre;
  if (last) transfer_ += total - first;
}

bool HttpRun::Run() {
  std::string target(p_.target);
  if (target.rfind("http://", 0) != 0 && target.rfind("https://", 0) != 0)
    target = "http://" + target;
  std::unique_ptr<CURLU, void (*)(CURLU*)> u(curl_url(), curl_url_cleanup);
  if (curl_url_set(u.get(), CURLUPART_URL, target.c_str(), 0) != CURLUE_OK)
    return Fail("could not parse target URL");
  auto part = [&](CURLUPart what) {
    char* v = nullptr;
    std::string out;
    if (curl_url_get(u.get(), what, &v, 0) == CURLUE_OK && v != nullptr) out = v;
    curl_free(v);
    return out;
  };
  std::string host = part(CURLUPART_HOST);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const std::string port = part(CURLUPART_PORT);
  const bool https = part(CURLUPART_SCHEME) == "https";

  std::optional<IpAddress> ip;
  if (!s_.skip_resolve_phase_with_proxy || s_.client.proxy_url.empty()) {
    const absl::Time start = absl::Now();
    absl::StatusOr<IpAddress> chosen =
        ChooseProtocol(host, s_.ip_protocol, s_.ip_protocol_fallback, p_.deadline, p_.out);
    resolve_ += absl::ToDoubleSeconds(absl::Now() - start);
    if (!chosen.ok()) return Fail(Cat("error resolving address: ", ToStd(chosen.status().message())));
    ip = *chosen;
  }

  // The first request goes to the TLS server name (tls_config.server_name,
  // else a Host header, else the target's host), pinned to the resolved
  // IP, with the target's own Host header, as upstream sets ServerName and
  // request.Host.
  std::string name = host;
  std::string host_header = port.empty() ? host : Cat(host, ":", port);
  if (host.find(':') != std::string::npos)
    host_header = port.empty() ? Cat("[", host, "]") : Cat("[", host, "]:", port);
  for (const auto& [k, v] : s_.headers) {
    if (!SameHeaderName(k, "Host")) continue;
    host_header = v;
    if (https) name = v.substr(0, v.rfind(':') == std::string::npos ? v.size() : v.rfind(':'));
  }
  if (https && !s_.client.tls_config.server_name.empty()) name = s_.client.tls_config.server_name;
  if (name != host) {
    curl_url_set(u.get(), CURLUPART_HOST,
                 name.find(':') != std::string::npos ? Cat("[", name, "]").c_str() : name.c_str(),
                 0);
  }
  const std::string first_url = part(CURLUPART_URL);

  phases_ = true;
  http::CurlGlobalInit();
  CurlHandle h;
  if (h.c == nullptr) return Fail("curl_easy_init failed");
  if (!Setup(h, first_url, name, port, https, ip.has_value() ? &*ip : nullptr)) return false;

  method_ = s_.method.empty() ? "GET" : s_.method;
  std::string body = s_.body;
  Hop hop;
  CURLcode rc = CURLE_OK;
  bool request_errored = false;
  for (size_t i = 0;; ++i) {
    hop = Hop{};
    hop.curl = h.c;
    hop.keep_body =
        !s_.fail_if_body_matches_regexp.empty() || !s_.fail_if_body_not_matches_regexp.empty();
    hop.limit = s_.body_size_limit;
    hop.verify = !s_.client.tls_config.insecure_skip_verify;
    curl_easy_setopt(h.c, CURLOPT_HEADERDATA, &hop);
    curl_easy_setopt(h.c, CURLOPT_WRITEDATA, &hop);
    curl_slist* headers = h.headers;
    std::string host_line;
    if (i == 0) {
      host_line = Cat("Host: ", host_header);
      headers = curl_slist_append(nullptr, host_line.c_str());
      headers->next = h.headers;  // the Host header goes to the first request only
    }
    curl_easy_setopt(h.c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h.c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h.c, CURLOPT_CUSTOMREQUEST, nullptr);
    if (method_ == "HEAD") {
      curl_easy_setopt(h.c, CURLOPT_NOBODY, 1L);
    } else if (!body.empty()) {
      curl_easy_setopt(h.c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
      curl_easy_setopt(h.c, CURLOPT_COPYPOSTFIELDS, body.c_str());
      if (method_ != "POST") curl_easy_setopt(h.c, CURLOPT_CUSTOMREQUEST, method_.c_str());
    } else if (method_ != "GET") {
      curl_easy_setopt(h.c, CURLOPT_CUSTOMREQUEST, method_.c_str());
    }
    const int64_t left_ms = absl::ToInt64Milliseconds(p_.deadline - absl::Now());
    curl_easy_setopt(h.c, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(left_ms, 1)));
    rc = curl_easy_perform(h.c);
    if (i == 0) {
      headers->next = nullptr;
      curl_slist_free_all(headers);
    }
    char* location = nullptr;
    curl_easy_getinfo(h.c, CURLINFO_REDIRECT_URL, &location);
    const bool redirect = hop.headers_done && location != nullptr &&
                          (hop.status == 301 || hop.status == 302 || hop.status == 303 ||
                           hop.status == 307 || hop.status == 308);
    const bool follow = redirect && s_.client.follow_redirects && i < kMaxRedirects;
    char* scheme = nullptr;
    curl_easy_getinfo(h.c, CURLINFO_SCHEME, &scheme);
    AddPhases(h.c, i, scheme != nullptr && absl::EqualsIgnoreCase(scheme, "https"), !follow);
    if (!redirect) break;
    redirects_ = static_cast<double>(i + 1);
    if (!follow) {  // CheckRedirect's error: the redirect response, unread
      request_errored = true;
      break;
    }
    if (hop.status != 307 && hop.status != 308 && method_ != "GET" && method_ != "HEAD") {
      method_ = "GET";  // Go's redirectBehavior
      body.clear();
    }
    curl_easy_setopt(h.c, CURLOPT_URL, location);
  }
  const bool has_response = hop.headers_done;
  if (!has_response) {
    return Fail(Cat("error for HTTP request: ", curl_easy_strerror(rc)));
  }
  return Check(hop, request_errored, rc);
}

bool HttpRun::Check(const Hop& hop, bool request_errored, CURLcode rc) {
  bool success = false;
  std::string reason;
  if (!s_.valid_status_codes.empty()) {
    for (int code : s_.valid_status_codes) success |= code == hop.status;
  } else {
    success = hop.status >= 200 && hop.status < 300;
  }
  if (!success) reason = Cat("invalid HTTP response status code ", hop.status);
  if (success &&
      (!s_.fail_if_header_matches.empty() || !s_.fail_if_header_not_matches.empty())) {
    success = HeadersPass(s_, hop.headers, &reason);
    failed_due_to_regex_ = success ? 0 : 1;
  }
  if (!s_.compression.empty() && !absl::EqualsIgnoreCase(ToAbsl(s_.compression), "identity")) {
    // Upstream decompresses blindly: a body not so encoded fails.
    const std::string* enc = FindHeader(hop.headers, "Content-Encoding");
    if (enc == nullptr || !absl::EqualsIgnoreCase(ToAbsl(*enc), ToAbsl(s_.compression))) {
      success = false;
      reason = Cat("response is not ", s_.compression, " compressed");
    }
  }
  if (success && hop.keep_body) {
    success = BodyPasses(s_, hop.body, &reason);
    failed_due_to_regex_ = success ? 0 : 1;
  }
  if (!request_errored) {
    if (rc != CURLE_OK) {
      success = false;
      reason = Cat("failed to read HTTP response body: ",
                   hop.too_large ? "http: request body too large" : curl_easy_strerror(rc));
    }
    body_length_ = static_cast<double>(hop.body_bytes);
  }
  if (const std::string* lm = FindHeader(hop.headers, "Last-Modified"); lm != nullptr) {
    const time_t t = curl_getdate(lm->c_str(), nullptr);
    if (t != -1) last_modified_ = static_cast<double>(t);
  }
  double v = 0;
  if (ParseDouble(std::string_view(hop.proto).substr(5), &v)) version_ = v;
  if (!s_.valid_http_versions.empty()) {
    bool found = false;
    for (const std::string& want : s_.valid_http_versions) found |= want == hop.proto;
    if (!found) {
      success = false;
      reason = Cat("invalid HTTP version number ", hop.proto);
    }
  }
  if (hop.tls.has_value()) {
    ssl_ = 1;
    tls_info_ = hop.tls;
    if (s_.fail_if_ssl) {
      success = false;
      reason = "final request was over SSL";
    }
  } else if (s_.fail_if_not_ssl) {
    success = false;
    reason = "final request was not over SSL";
  }
  status_ = hop.status;
  content_length_ = GoContentLength(hop.status, method_ == "HEAD", hop.headers);
  if (!success) Fail(reason);
  return success;
}

void HttpRun::Emit() {
  SeriesCache& out = p_.out;
  out.Add(kPhase, {{"phase", "resolve"}}, resolve_);
  if (phases_) {
    out.Add(kPhase, {{"phase", "connect"}}, connect_);
    out.Add(kPhase, {{"phase", "tls"}}, tls_);
    out.Add(kPhase, {{"phase", "processing"}}, processing_);
    out.Add(kPhase, {{"phase", "transfer"}}, transfer_);
  }
  out.Add(kContentLength, content_length_);
  out.Add(kBodyLength, body_length_);
  out.Add(kRedirects, redirects_);
  out.Add(kSsl, ssl_);
  out.Add(kStatus, status_);
  out.Add(kVersion, version_);
  out.Add(kFailedDueToRegex, failed_due_to_regex_);
  if (last_modified_.has_value()) out.Add(kLastModified, *last_modified_);
  if (tls_info_.has_value()) AddTlsMetrics(*tls_info_, out);
}

bool RunHttp(const ProberSettings& settings, Probe& probe) {
  HttpRun run(static_cast<const HttpSettings&>(settings), probe);
  const bool ok = run.Run();
  run.Emit();
  return ok;
}

}  // namespace

bool HeadersPass(const HttpSettings& s, const HeaderList& headers, std::string* reason) {
  for (int pass = 0; pass < 2; ++pass) {
    const std::vector<HeaderMatch>& matches =
        pass == 0 ? s.fail_if_header_matches : s.fail_if_header_not_matches;
    for (const HeaderMatch& m : matches) {
      bool any_value = false, any_match = false;
      for (const auto& [k, v] : headers) {
        if (!SameHeaderName(k, m.header)) continue;
        any_value = true;
        any_match |= RE2::PartialMatch(v, *m.regexp.re);
      }
      if (!any_value) {
        if (m.allow_missing) continue;
        *reason = Cat("missing required header ", m.header);
        return false;
      }
      if (pass == 0 && any_match) {
        *reason = Cat("header ", m.header, " matched regular expression ", m.regexp.text);
        return false;
      }
      if (pass == 1 && !any_match) {
        *reason = Cat("header ", m.header, " did not match regular expression ", m.regexp.text);
        return false;
      }
    }
  }
  return true;
}

bool BodyPasses(const HttpSettings& s, std::string_view body, std::string* reason) {
  const re2::StringPiece text(body.data(), body.size());
  for (const Regexp& r : s.fail_if_body_matches_regexp) {
    if (RE2::PartialMatch(text, *r.re)) {
      *reason = Cat("body matched regular expression ", r.text);
      return false;
    }
  }
  for (const Regexp& r : s.fail_if_body_not_matches_regexp) {
    if (!RE2::PartialMatch(text, *r.re)) {
      *reason = Cat("body did not match regular expression ", r.text);
      return false;
    }
  }
  return true;
}

double GoContentLength(int status, bool head_request, const HeaderList& headers) {
  const std::string* cl = FindHeader(headers, "Content-Length");
  int64_t n = -1;
  const bool has_length = cl != nullptr && ParseInt(*cl, &n) && n >= 0;
  if (head_request) return has_length ? static_cast<double>(n) : -1;
  if (status / 100 == 1 || status == 204 || status == 304) return 0;
  if (const std::string* te = FindHeader(headers, "Transfer-Encoding");
      te != nullptr && absl::AsciiStrToLower(ToAbsl(*te)).find("chunked") != std::string::npos)
    return -1;
  return has_length ? static_cast<double>(n) : -1;
}

const Prober& HttpProber() {
  static const Prober p{"http", ParseHttp, RunHttp};
  return p;
}

}  // namespace outpost::integrations::blackbox
