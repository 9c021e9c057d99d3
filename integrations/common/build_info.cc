#include "integrations/common/build_info.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/build_info.h"

namespace outpost::integrations {
namespace {

constexpr std::string_view kGoArch =
#if defined(__x86_64__)
    "amd64";
#elif defined(__aarch64__)
    "arm64";
#else
    "unknown";
#endif

}  // namespace

MetricFamily GoBuildInfoFamily(std::string_view program) {
  return {absl::StrCat(ToAbsl(program), "_build_info"), MetricType::kGauge,
          absl::StrCat("A metric with a constant '1' value labeled by version, revision, branch, "
                       "goversion from which ",
                       ToAbsl(program), " was built, and the goos and goarch for the build."),
          ""};
}

Labels GoBuildInfoLabels() {
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
