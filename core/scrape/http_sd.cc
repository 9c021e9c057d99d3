#include "core/scrape/http_sd.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/config/url.h"
#include "core/scrape/target.h"

namespace outpost::scrape {

bool IsHttpSdContentType(std::string_view content_type) {
  const std::string ct = absl::AsciiStrToLower(ToAbsl(content_type));
  std::string_view v = ToStd(absl::StripAsciiWhitespace(ct));
  constexpr std::string_view kJson = "application/json";
  if (!absl::StartsWith(ToAbsl(v), ToAbsl(kJson))) return false;
  v.remove_prefix(kJson.size());
  if (v.empty()) return true;
  if (v[0] != ';') return false;
  v.remove_prefix(1);
  v = ToStd(absl::StripLeadingAsciiWhitespace(ToAbsl(v)));
  return v == "charset=utf-8" || v == "charset=\"utf-8\"";
}

HttpSd::HttpSd(config::HttpSdConfig cfg, ScrapeMetrics* metrics)
    : cfg_(std::move(cfg)), metrics_(metrics), client_(cfg_.http, /*body_size_limit=*/0) {}

absl::StatusOr<std::vector<Labels>> HttpSd::Fetch() {
  std::string body, content_type;
  absl::Status st = client_.Get(
      cfg_.url, cfg_.refresh_interval,
      {"Accept: application/json",
       absl::StrFormat("X-Prometheus-Refresh-Interval-Seconds: %g",
                       absl::ToDoubleSeconds(cfg_.refresh_interval))},
      &body, &content_type);
  if (st.ok() && !IsHttpSdContentType(content_type)) {
    st = absl::InvalidArgumentError(absl::StrCat("unsupported content type \"", content_type, "\""));
  }
  absl::StatusOr<std::vector<config::TargetGroup>> groups =
      st.ok() ? ParseTargetGroups(config::MaskUrlPassword(cfg_.url), body) : st;
  if (!groups.ok()) {
    if (metrics_ != nullptr) metrics_->sd_http_failures.Increment();
    return groups.status();
  }
  std::vector<Labels> out;
  for (const config::TargetGroup& g : *groups) {
    for (Labels& l : GroupTargets(g)) {
      l.Set("__meta_url", config::MaskUrlPassword(cfg_.url));
      out.push_back(std::move(l));
    }
  }
  return out;
}

}  // namespace outpost::scrape
