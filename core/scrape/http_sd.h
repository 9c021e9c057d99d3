// http_sd_configs (Prometheus discovery/http, 2.42): GET the URL with the
// config's HTTP client settings, `Accept: application/json` and
// X-Prometheus-Refresh-Interval-Seconds, within the refresh interval; the
// answer must be 2xx with Content-Type application/json (optionally
// `; charset=utf-8`) and a body of target groups in file_sd's shape. Every
// target is labeled __meta_url with the URL.
//
// Thread-safety: one HttpSd per http_sd_configs entry, Fetch from one
// thread (its RefreshSd).
#ifndef OUTPOST_CORE_SCRAPE_HTTP_SD_H_
#define OUTPOST_CORE_SCRAPE_HTTP_SD_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/labels.h"
#include "core/config/config.h"
#include "core/scrape/http_scraper.h"
#include "core/scrape/scrape_metrics.h"

namespace outpost::scrape {

// Whether `content_type` is one http_sd accepts (upstream's
// matchContentType: application/json, case-insensitive, optional
// charset=utf-8).
bool IsHttpSdContentType(std::string_view content_type);

class HttpSd {
 public:
  // `metrics` may be null (tests); otherwise it outlives this.
  HttpSd(config::HttpSdConfig cfg, ScrapeMetrics* metrics);
  absl::StatusOr<std::vector<Labels>> Fetch();

 private:
  const config::HttpSdConfig cfg_;
  ScrapeMetrics* const metrics_;
  HttpScraper client_;
};

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_HTTP_SD_H_
