#include "core/base/build_info.h"

namespace outpost {

const BuildInfo& GetBuildInfo() {
  static const BuildInfo info{OUTPOST_VERSION, OUTPOST_REVISION, OUTPOST_BRANCH};
  return info;
}

}  // namespace outpost
