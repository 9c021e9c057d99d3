// Fetches one target's metrics over HTTP(S) with libcurl, as Prometheus'
// targetScraper (scrape/scrape.go): GET with the Accept header negotiating
// OpenMetrics 1.0.0 and the text format 0.0.4, gzip accepted,
// X-Prometheus-Scrape-Timeout-Seconds, the scrape config's auth, TLS,
// proxy and redirect settings, and body_size_limit. The connection is kept
// between scrapes.
//
// Errors (the scrape's error, what makes up 0): Unavailable for transport
// failures (with curl's message), "server returned HTTP status 503 Service
// Unavailable" for a non-2xx answer, ResourceExhausted "body size limit
// exceeded" past the limit, DeadlineExceeded on the timeout.
//
// Thread-safety: one HttpScraper per scrape loop (or discoverer).
#ifndef OUTPOST_CORE_SCRAPE_HTTP_SCRAPER_H_
#define OUTPOST_CORE_SCRAPE_HTTP_SCRAPER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/config/config.h"

namespace outpost::scrape {

class HttpScraper {
 public:
  HttpScraper(config::HttpClientConfig http, uint64_t body_size_limit);
  ~HttpScraper();
  HttpScraper(const HttpScraper&) = delete;
  HttpScraper& operator=(const HttpScraper&) = delete;

  // GETs `url` within `timeout`; fills the decoded body and the response's
  // Content-Type.
  absl::Status Scrape(const std::string& url, absl::Duration timeout, std::string* body,
                      std::string* content_type);
  // The same GET, the decoded body handed to `on_body` piece by piece as
  // it arrives instead of kept (only a 2xx answer's; *content_type is set
  // before the first piece). `on_body` returning false stops the transfer:
  // the result is then an error, and why is the caller's to say.
  using BodyFn = absl::FunctionRef<bool(std::string_view piece)>;
  absl::Status Scrape(const std::string& url, absl::Duration timeout, BodyFn on_body,
                      std::string* content_type);
  // The same GET with other request headers ("Name: value") instead of the
  // scrape's Accept and timeout headers (http_sd_configs).
  absl::Status Get(const std::string& url, absl::Duration timeout,
                   const std::vector<std::string>& request_headers, std::string* body,
                   std::string* content_type);

  // The HTTP status code of the last answer (also of a non-2xx one, and of
  // one whose body hit the size limit); 0 when the last request got none
  // (transport error, timeout before the headers).
  long last_status() const { return last_status_; }

 private:
  absl::Status Fetch(const std::string& url, absl::Duration timeout,
                     const std::vector<std::string>& request_headers, BodyFn on_body,
                     std::string* content_type);
  absl::Status FetchInto(const std::string& url, absl::Duration timeout,
                         const std::vector<std::string>& request_headers, std::string* body,
                         std::string* content_type);
  static std::vector<std::string> ScrapeHeaders(absl::Duration timeout);

  const config::HttpClientConfig http_;
  const uint64_t body_size_limit_;
  void* curl_ = nullptr;  // CURL*
  long last_status_ = 0;
};

// Prometheus 2.42's Accept header for scrapes.
inline constexpr const char* kScrapeAccept =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_HTTP_SCRAPER_H_
