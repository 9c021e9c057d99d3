// `<exporter>_build_info`: what client_golang's version collector
// (collectors/version NewCollector) exports, which Grafana Agent's
// CollectorIntegration registers for each exporter it embeds
// (static/integrations/collector_integration.go), with outpost's version
// labels in the Go ones' place.
#ifndef OUTPOST_INTEGRATIONS_COMMON_BUILD_INFO_H_
#define OUTPOST_INTEGRATIONS_COMMON_BUILD_INFO_H_

#include <string>
#include <string_view>

#include "core/base/build_info.h"
#include "core/base/labels.h"
#include "core/base/metric.h"
#include "integrations/common/text.h"

namespace outpost::integrations {

inline constexpr std::string_view kGoArch =
#if defined(__x86_64__)
    "amd64";
#elif defined(__aarch64__)
    "arm64";
#else
    "unknown";
#endif

// The family of `<exporter>_build_info` (a gauge, always 1).
inline MetricFamily BuildInfoFamily(std::string_view exporter) {
  return {Cat(exporter, "_build_info"), MetricType::kGauge,
          Cat("A metric with a constant '1' value labeled by version, revision, branch, "
              "goversion from which ",
              exporter, " was built, and the goos and goarch for the build."),
          ""};
}

// Its labels: outpost's version, revision and branch.
inline Labels BuildInfoLabels() {
  const BuildInfo& b = GetBuildInfo();
  return Labels{{"version", std::string(b.version)},
                {"revision", std::string(b.revision)},
                {"branch", std::string(b.branch)},
                {"goversion", "none"},
                {"goos", "linux"},
                {"goarch", std::string(kGoArch)},
                {"tags", "unknown"}};
}

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_BUILD_INFO_H_
