// The `<name>_build_info` family Grafana Agent's CollectorIntegration adds
// to an embedded exporter's registry (static/integrations/
// collector_integration.go: build.NewCollector(<name>)), with the agent's
// own version labels: here outpost's (core/base/build_info.h).
#ifndef OUTPOST_INTEGRATIONS_COMMON_BUILD_INFO_H_
#define OUTPOST_INTEGRATIONS_COMMON_BUILD_INFO_H_

#include <string>
#include <string_view>

#include "core/base/build_info.h"
#include "core/base/labels.h"
#include "core/base/metric.h"

namespace outpost::integrations {

// Go's runtime.GOARCH for this build.
inline constexpr std::string_view kGoArch =
#if defined(__x86_64__)
    "amd64";
#elif defined(__aarch64__)
    "arm64";
#else
    "unknown";
#endif

// "<program>_build_info", a gauge with client_golang's HELP.
inline MetricFamily BuildInfoFamily(std::string_view program) {
  return {std::string(program) + "_build_info", MetricType::kGauge,
          "A metric with a constant '1' value labeled by version, revision, branch, goversion "
          "from which " +
              std::string(program) + " was built, and the goos and goarch for the build.",
          ""};
}

// Its labels: outpost's version, revision and branch; Go-only ones fixed.
inline Labels BuildInfoLabels() {
  const BuildInfo& b = GetBuildInfo();
  return Labels{{"version", std::string(b.version)}, {"revision", std::string(b.revision)},
                {"branch", std::string(b.branch)},   {"goversion", "none"},
                {"goos", "linux"},                   {"goarch", std::string(kGoArch)},
                {"tags", "unknown"}};
}

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_BUILD_INFO_H_
