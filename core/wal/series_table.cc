#include "core/wal/series_table.h"

#include <algorithm>

namespace outpost::wal {

SeriesEntry* SeriesTable::FindByLabels(const Labels& labels) {
  key_.clear();
  AppendLabels(&key_, labels);
  return FindByBytes(key_, LabelStore::Hash(key_));
}

SeriesEntry* SeriesTable::FindByBytes(std::string_view bytes, uint64_t hash) {
  auto it = by_labels_.find(BytesKey{bytes, hash});
  return it == by_labels_.end() ? nullptr : *it;
}

SeriesEntry* SeriesTable::Insert(uint64_t ref, const Labels& labels, bool* created) {
  key_.clear();
  AppendLabels(&key_, labels);
  return InsertBytes(ref, key_, created);
}

SeriesEntry* SeriesTable::InsertBytes(uint64_t ref, std::string_view bytes, bool* created) {
  if (ref >= next_ref_) next_ref_ = ref + 1;
  const uint64_t hash = LabelStore::Hash(bytes);
  if (SeriesEntry* e = FindByBytes(bytes, hash)) {
    *created = false;
    if (e->ref != ref) aliases_[ref] = e->ref;
    return e;
  }
  *created = true;
  auto* e = new SeriesEntry;
  e->ref = ref;
  by_ref_.insert(e);
  e->labels = store_->Intern(bytes, hash);
  by_labels_.insert(e);
  return e;
}

MetadataRef SeriesTable::InternMetadata(MetricType type, std::string_view unit,
                                        std::string_view help) {
  metadata_key_.clear();
  metadata_key_.push_back(static_cast<char>(type));
  metadata_key_.push_back('\xff');
  metadata_key_.append(unit);
  metadata_key_.push_back('\xff');
  metadata_key_.append(help);
  std::unique_ptr<SeriesMetadata>& slot = metadata_[metadata_key_];
  if (slot == nullptr) {
    slot = std::make_unique<SeriesMetadata>(SeriesMetadata{type, std::string(unit), std::string(help)});
  }
  MetadataRef m(slot.get());
  if (metadata_.size() >= metadata_sweep_at_) {
    absl::erase_if(metadata_, [](const auto& kv) { return kv.second->users == 0; });
    metadata_sweep_at_ = std::max<size_t>(64, 2 * metadata_.size());
  }
  return m;
}

void SeriesTable::Erase(uint64_t ref) {
  auto it = by_ref_.find(ref);
  if (it == by_ref_.end()) return;
  SeriesEntry* e = *it;
  by_labels_.erase(e);
  by_ref_.erase(it);
  delete e;
}

SeriesTable::~SeriesTable() {
  for (SeriesEntry* e : by_ref_) delete e;
}

}  // namespace outpost::wal
