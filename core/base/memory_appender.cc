#include "core/base/memory_appender.h"

#include "absl/container/flat_hash_map.h"
#include "core/base/exposition_writer.h"

namespace outpost {
namespace {

std::string Key(std::string_view name, const Labels& labels) {
  std::string k(name);
  k += labels.ToString();
  return k;
}

}  // namespace

SeriesRef MemoryAppender::Series(const MetricFamily& family, const Labels& labels,
                                 std::string_view suffix) {
  std::string name = family.name;
  name.append(suffix);
  auto [it, inserted] = index_.try_emplace(Key(name, labels), samples_.size() + 1);
  if (inserted) samples_.push_back(Entry{CollectedSample{&family, std::move(name), labels, 0}, false});
  return it->second;
}

void MemoryAppender::Add(SeriesRef ref, double value) {
  if (ref == 0 || ref > samples_.size()) return;
  samples_[ref - 1].sample.value = value;
  samples_[ref - 1].set = true;
}

void MemoryAppender::Clear() {
  for (Entry& e : samples_) e.set = false;
}

std::vector<CollectedSample> MemoryAppender::Samples() const {
  std::vector<CollectedSample> out;
  for (const Entry& e : samples_) {
    if (e.set) out.push_back(e.sample);
  }
  return out;
}

std::string MemoryAppender::Render() const { return RenderCollected(Samples()); }

std::string RenderCollected(const std::vector<CollectedSample>& samples) {
  std::vector<ExpositionFamily> families;
  // By name: samples of several collectors (or instances) that report the
  // same family share one HELP/TYPE.
  absl::flat_hash_map<std::string, size_t> index;
  for (const CollectedSample& s : samples) {
    auto [it, inserted] = index.try_emplace(s.family->name, families.size());
    if (inserted) families.push_back(ExpositionFamily{*s.family, {}});
    families[it->second].samples.push_back(ExpositionSample{s.name, s.labels, s.value, std::nullopt});
  }
  return WriteExposition(families);
}

const double* MemoryAppender::Find(std::string_view name, const Labels& labels) const {
  auto it = index_.find(Key(name, labels));
  if (it == index_.end() || !samples_[it->second - 1].set) return nullptr;
  return &samples_[it->second - 1].sample.value;
}

}  // namespace outpost
