// client_golang's version.NewCollector(<program>) as Grafana Agent v0.44
// registers it beside an embedded exporter (prometheus/common/version):
// `<program>_build_info` 1, labelled with the agent's (here outpost's)
// version, revision and branch, and Go's build facts.
#ifndef OUTPOST_INTEGRATIONS_COMMON_BUILD_INFO_H_
#define OUTPOST_INTEGRATIONS_COMMON_BUILD_INFO_H_

#include <string_view>

#include "core/base/labels.h"
#include "core/base/metric.h"

namespace outpost::integrations {

MetricFamily GoBuildInfoFamily(std::string_view program);
Labels GoBuildInfoLabels();

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_BUILD_INFO_H_
