#include "core/agent/snapshot_render.h"

#include "absl/container/flat_hash_map.h"
#include "core/base/exposition_writer.h"

namespace outpost {

std::string RenderSnapshot(const std::vector<SnapshotSample>& samples) {
  std::vector<ExpositionFamily> families;
  absl::flat_hash_map<const MetricFamily*, size_t> index;
  for (const SnapshotSample& s : samples) {
    auto [it, inserted] = index.try_emplace(s.family, families.size());
    if (inserted) families.push_back(ExpositionFamily{*s.family, {}});
    families[it->second].samples.push_back(ExpositionSample{s.name, s.labels, s.value, std::nullopt});
  }
  return WriteExposition(families);
}

}  // namespace outpost
