// Version of this build, stamped by CMake (git revision and branch).
#ifndef OUTPOST_CORE_BASE_BUILD_INFO_H_
#define OUTPOST_CORE_BASE_BUILD_INFO_H_

#include <string_view>

namespace outpost {

struct BuildInfo {
  std::string_view version;
  std::string_view revision;
  std::string_view branch;
};

const BuildInfo& GetBuildInfo();

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_BUILD_INFO_H_
