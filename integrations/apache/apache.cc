#include "integrations/apache/apache.h"

#include <string>
#include <utility>
#include <vector>

#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/config/url.h"
#include "core/scrape/http_scraper.h"
#include "integrations/apache/status.h"
#include "integrations/common/build_info.h"
#include "integrations/common/options_spec.h"
#include "integrations/common/series_cache.h"
#include "integrations/common/text.h"

namespace outpost::integrations::apache {
namespace {

constexpr std::string_view kName = "apache_http";

config::HttpClientConfig HttpConfig(const Options& o) {
  config::HttpClientConfig c;
  c.tls_config.insecure_skip_verify = o.insecure;
  // Go's http.Client follows up to 10 redirects; a Transport with its own
  // TLSClientConfig does not try HTTP/2.
  c.follow_redirects = true;
  c.enable_http2 = false;
  return c;
}

class ApacheIntegration final : public Integration {
 public:
  explicit ApacheIntegration(const Options& o)
      : uri_(o.scrape_uri),
        display_uri_(config::MaskUrlPassword(o.scrape_uri)),
        scraper_(HttpConfig(o), kMaxBodyBytes),
        up_family_{"apache_up", MetricType::kGauge, "Could the apache server be reached", ""},
        failures_family_{"apache_exporter_scrape_failures_total", MetricType::kCounter,
                         "Number of errors while scraping apache.", ""},
        build_info_family_(BuildInfoFamily(kName)),
        build_info_labels_(BuildInfoLabels()) {
    // collector.go sets req.Host.
    if (!o.host_override.empty()) headers_.push_back(Cat("Host: ", o.host_override));
  }

  absl::Status Collect(Appender& app, absl::Time deadline) override {
    cache_.Begin(app);
    cache_.Add(cache_.Get(build_info_family_, build_info_labels_, ""), 1);
    absl::Duration timeout = deadline - absl::Now();
    if (timeout < absl::Milliseconds(1)) timeout = absl::Milliseconds(1);
    const absl::Status got = scraper_.Get(uri_, timeout, headers_, &body_, &content_type_);
    const long code = scraper_.last_status();
    absl::Status failure;
    if (code == 0 || absl::IsResourceExhausted(got)) {
      // No answer (or one too big to read): collector.go's client.Do error.
      cache_.Add(up_family_, 0);
      failure = got.ok() ? absl::UnavailableError("no HTTP status") : got;
    } else {
      cache_.Add(up_family_, 1);
      if (code != 200) {
        failure = absl::UnavailableError(Cat("status ", code));
      } else if (!got.ok()) {
        failure = got;  // the body was cut (timeout, connection reset)
      } else {
        failure = status_.Collect(body_, cache_);
      }
    }
    if (!failure.ok()) cache_.Add(failures_family_, static_cast<double>(++failures_));
    LogState(failure);
    return absl::OkStatus();
  }

 private:
  void LogState(const absl::Status& st) {
    if (st.ok() == ok_) return;
    ok_ = st.ok();
    if (ok_) {
      log::Info("apache status page scraped again",
                {{"integration", kName}, {"scrape_uri", display_uri_}});
    } else {
      const std::string msg(ToStd(st.message()));
      log::Error("error scraping apache",
                 {{"integration", kName}, {"scrape_uri", display_uri_}, {"err", msg}});
    }
  }

  const std::string uri_;
  const std::string display_uri_;
  scrape::HttpScraper scraper_;
  std::vector<std::string> headers_;
  std::string body_, content_type_;  // reused
  StatusCollector status_;
  SeriesCache cache_;
  const MetricFamily up_family_, failures_family_, build_info_family_;
  const Labels build_info_labels_;
  uint64_t failures_ = 0;
  bool ok_ = true;  // last logged state
};

class ApacheSpec final : public OptionsSpec<Options, ParseOptions, DumpOptions> {
 public:
  std::string_view name() const override { return kName; }
  bool allows_list() const override { return true; }

 protected:
  std::string Instance(const Options& o, const config::HostInfo&) const override {
    return UriHost(o.scrape_uri);
  }
  absl::StatusOr<std::unique_ptr<Integration>> Make(const Options& o, const config::IntegrationConfig&,
                                                    const config::HostInfo&) const override {
    return NewApacheIntegration(o);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Integration>> NewApacheIntegration(const Options& o) {
  if (!config::IsAbsoluteHttpUrl(o.scrape_uri) || !config::UrlSyntaxProblem(o.scrape_uri).empty())
    return absl::InvalidArgumentError(
        Cat("apache_http: scrape_uri is invalid: ", config::MaskUrlPassword(o.scrape_uri)));
  return std::make_unique<ApacheIntegration>(o);
}

const config::IntegrationSpec& Spec() {
  static const ApacheSpec spec;
  return spec;
}

}  // namespace outpost::integrations::apache
