#include "core/scrape/http_scraper.h"

#include <curl/curl.h>

#include <fstream>
#include <mutex>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/base/build_info.h"
#include "core/http/curl_options.h"

namespace outpost::scrape {
namespace {

struct Transfer {
  CURL* curl;
  HttpScraper::BodyFn* on_body;
  std::string* content_type;
  uint64_t limit;
  uint64_t received = 0;
  bool too_big = false;
  bool stopped = false;  // on_body said stop
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->limit > 0 && t->received + len > t->limit) {
    t->too_big = true;
    return 0;  // aborts the transfer
  }
  t->received += len;
  long code = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code > 299) return len;  // an error's body is not the metrics
  if (!(*t->on_body)(std::string_view(data, len))) {
    t->stopped = true;
    return 0;
  }
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.size() > 13 && absl::EqualsIgnoreCase(ToAbsl(line.substr(0, 13)), "content-type:")) {
    std::string_view v = line.substr(13);
    *t->content_type = std::string(ToStd(absl::StripAsciiWhitespace(ToAbsl(v))));
  }
  return size * n;
}

}  // namespace

HttpScraper::HttpScraper(config::HttpClientConfig http, uint64_t body_size_limit)
    : http_(std::move(http)), body_size_limit_(body_size_limit) {
  http::CurlGlobalInit();
  curl_ = curl_easy_init();
}

HttpScraper::~HttpScraper() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

std::vector<std::string> HttpScraper::ScrapeHeaders(absl::Duration timeout) {
  return {absl::StrCat("Accept: ", kScrapeAccept),
          absl::StrFormat("X-Prometheus-Scrape-Timeout-Seconds: %g",
                          absl::ToDoubleSeconds(timeout))};
}

absl::Status HttpScraper::Scrape(const std::string& url, absl::Duration timeout,
                                 std::string* body, std::string* content_type) {
  return FetchInto(url, timeout, ScrapeHeaders(timeout), body, content_type);
}

absl::Status HttpScraper::Scrape(const std::string& url, absl::Duration timeout, BodyFn on_body,
                                 std::string* content_type) {
  return Fetch(url, timeout, ScrapeHeaders(timeout), on_body, content_type);
}

absl::Status HttpScraper::Get(const std::string& url, absl::Duration timeout,
                              const std::vector<std::string>& request_headers, std::string* body,
                              std::string* content_type) {
  return FetchInto(url, timeout, request_headers, body, content_type);
}

absl::Status HttpScraper::FetchInto(const std::string& url, absl::Duration timeout,
                                    const std::vector<std::string>& request_headers,
                                    std::string* body, std::string* content_type) {
  body->clear();
  absl::Status st = Fetch(
      url, timeout, request_headers,
      [body](std::string_view piece) {
        body->append(piece);
        return true;
      },
      content_type);
  if (!st.ok()) body->clear();
  return st;
}

absl::Status HttpScraper::Fetch(const std::string& url, absl::Duration timeout,
                                const std::vector<std::string>& request_headers, BodyFn on_body,
                                std::string* content_type) {
  CURL* c = static_cast<CURL*>(curl_);
  if (c == nullptr) return absl::InternalError("curl_easy_init failed");
  content_type->clear();
  last_status_ = 0;
  curl_easy_reset(c);

  struct curl_slist* headers = nullptr;
  for (const std::string& h : request_headers) headers = curl_slist_append(headers, h.c_str());
  std::string user, pass;
  if (http_.authorization) {
    std::string cred = http_.authorization->credentials.reveal();
    if (!http_.authorization->credentials_file.empty()) {
      if (absl::Status st = http::ReadSecretFile(http_.authorization->credentials_file, &cred); !st.ok()) {
        curl_slist_free_all(headers);
        return st;
      }
    }
    headers = curl_slist_append(
        headers, absl::StrCat("Authorization: ", http_.authorization->type, " ", cred).c_str());
  }
  if (http_.basic_auth) {
    user = http_.basic_auth->username;
    pass = http_.basic_auth->password.reveal();
    if (!http_.basic_auth->password_file.empty()) {
      if (absl::Status st = http::ReadSecretFile(http_.basic_auth->password_file, &pass); !st.ok()) {
        curl_slist_free_all(headers);
        return st;
      }
    }
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, pass.c_str());
  }
  const std::string agent = absl::StrCat("outpost/", ToAbsl(GetBuildInfo().version));
  Transfer t{c, &on_body, content_type, body_size_limit_};
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, http_.follow_redirects ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
                   http_.enable_http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  http::ApplyTls(c, http_.tls_config, http_.proxy_url);

  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &last_status_);
  if (t.too_big) {
    return absl::ResourceExhaustedError(
        absl::StrCat("body size limit exceeded (limit: ", body_size_limit_, " bytes)"));
  }
  if (t.stopped) return absl::CancelledError("the body's reader stopped the transfer");
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat("context deadline exceeded (", errbuf[0] ? errbuf : "timeout", ")"));
  }
  if (rc != CURLE_OK) {
    return absl::UnavailableError(errbuf[0] ? std::string(errbuf) : curl_easy_strerror(rc));
  }
  const long code = last_status_;
  if (code < 200 || code > 299) {
    return absl::UnavailableError(absl::StrCat("server returned HTTP status ", code));
  }
  return absl::OkStatus();
}

}  // namespace outpost::scrape
