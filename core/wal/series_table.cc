#include "core/wal/series_table.h"

namespace outpost::wal {

SeriesEntry* SeriesTable::FindByLabels(const Labels& labels) {
  auto it = by_labels_.find(labels);
  return it == by_labels_.end() ? nullptr : &it->second;
}

SeriesEntry* SeriesTable::Insert(uint64_t ref, const Labels& labels, bool* created) {
  if (ref >= next_ref_) next_ref_ = ref + 1;
  auto [it, inserted] = by_labels_.try_emplace(labels);
  SeriesEntry* e = &it->second;
  *created = inserted;
  if (!inserted) {
    if (e->ref != ref) aliases_[ref] = e->ref;
    return e;
  }
  e->ref = ref;
  e->labels = &it->first;
  by_ref_[ref] = e;
  return e;
}

void SeriesTable::Erase(uint64_t ref) {
  auto it = by_ref_.find(ref);
  if (it == by_ref_.end()) return;
  auto lit = by_labels_.find(*it->second->labels);
  by_ref_.erase(it);
  by_labels_.erase(lit);
}

}  // namespace outpost::wal
