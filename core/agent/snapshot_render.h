// Renders an integration's last collection (CollectionPipeline::Snapshot)
// as Prometheus text exposition, for /integrations/<name>/metrics.
#ifndef OUTPOST_CORE_AGENT_SNAPSHOT_RENDER_H_
#define OUTPOST_CORE_AGENT_SNAPSHOT_RENDER_H_

#include <string>
#include <vector>

#include "core/agent/pipeline.h"

namespace outpost {

// `samples` sorted as Snapshot() returns them.
std::string RenderSnapshot(const std::vector<SnapshotSample>& samples);

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_SNAPSHOT_RENDER_H_
