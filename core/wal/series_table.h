// SeriesTable: the in-memory index of the WAL storage (core/wal/storage.h):
// labels -> series ref, and ref -> what the storage must remember about the
// series (labels, last sample timestamp, metadata, whether its Series record
// is in the log yet).
//
// Refs are handed out in increasing order (next_ref()); replay inserts the
// refs it finds in the log. A label set seen twice during replay (two refs
// for one series, which Prometheus also tolerates) keeps its first ref; the
// later ref is an alias that AliasOf() resolves, as Prometheus' multiRef.
//
// Metadata (type, unit, help) is interned: series of one family share one
// immutable SeriesMetadata (InternMetadata), so a series costs a pointer
// for it instead of its own copy of the HELP text (issue 9: memory per
// series; tests/bench/series_memory_bench.cc).
//
// Labels are kept once per process: each entry holds a handle to the
// interned LabelSet (core/base/label_set.h) in the bytes a Series record
// encodes them with, which the remote-write watchers share when they read
// the record back (issue 23: one label store).
//
// Ownership: entries own their labels; pointers returned by Find/Insert stay
// valid until the entry is erased (each entry is its own allocation).
// Thread-safety: none; the Storage guards it with its mutex.
#ifndef OUTPOST_CORE_WAL_SERIES_TABLE_H_
#define OUTPOST_CORE_WAL_SERIES_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "core/base/label_set.h"
#include "core/base/labels.h"
#include "core/base/metric.h"
#include "core/wal/records.h"

namespace outpost::wal {

// The metadata a series was last logged with; shared, never modified.
struct SeriesMetadata {
  MetricType type = MetricType::kUnknown;
  std::string unit;
  std::string help;
  bool Matches(MetricType t, std::string_view u, std::string_view h) const {
    return type == t && unit == u && help == h;
  }
  // Entries holding it (MetadataRef); the table frees it at a sweep once 0.
  mutable uint32_t users = 0;
};

// A counted reference to a SeriesTable's interned SeriesMetadata: one
// pointer, where a shared_ptr would take two. Not thread-safe, like the
// table (used under the Storage's mutex).
class MetadataRef {
 public:
  MetadataRef() = default;
  MetadataRef(std::nullptr_t) {}  // NOLINT: assignable from nullptr
  explicit MetadataRef(const SeriesMetadata* m) : m_(m) {
    if (m_ != nullptr) ++m_->users;
  }
  MetadataRef(const MetadataRef& o) : MetadataRef(o.m_) {}
  MetadataRef& operator=(const MetadataRef& o) {
    MetadataRef copy(o);
    std::swap(m_, copy.m_);
    return *this;
  }
  ~MetadataRef() {
    if (m_ != nullptr) --m_->users;
  }
  const SeriesMetadata* operator->() const { return m_; }
  const SeriesMetadata& operator*() const { return *m_; }
  const SeriesMetadata* get() const { return m_; }
  friend bool operator==(const MetadataRef& a, std::nullptr_t) { return a.m_ == nullptr; }

 private:
  const SeriesMetadata* m_ = nullptr;
};

struct SeriesEntry {
  uint64_t ref = 0;
  // The labels in record encoding (AppendLabels), interned: the key in
  // the table's label index.
  LabelSet labels;
  // Timestamp of the newest sample in the log; a new sample must be later.
  int64_t last_ts = std::numeric_limits<int64_t>::min();
  // Latest metadata written for the series (null: none yet); interned.
  MetadataRef metadata;
  // Segment being written when the series last got a sample (GC keeps a
  // deleted series' record in checkpoints until that segment is gone).
  // 32 bits: 2^32 segments of even 1 MiB would be 4 PiB of WAL written.
  uint32_t last_segment = 0;
  // The Series record of this ref is in the log (false between Ref() and
  // the Commit/Rollback that writes it).
  bool written = false;
};
// 40 bytes: a 48-byte allocation (issue 23: memory per series).
static_assert(sizeof(SeriesEntry) == 40);

class SeriesTable {
 public:
  explicit SeriesTable(LabelStore* store = &LabelStore::Default()) : store_(store) {}
  ~SeriesTable();
  SeriesTable(const SeriesTable&) = delete;
  SeriesTable& operator=(const SeriesTable&) = delete;

  // The entry of `labels`, or null.
  SeriesEntry* FindByLabels(const Labels& labels);
  // The entry whose record-encoded labels are `bytes`, or null.
  SeriesEntry* FindByBytes(std::string_view bytes, uint64_t hash);
  // The entry of `ref` (aliases resolved), or null.
  SeriesEntry* Find(uint64_t ref) {
    auto it = by_ref_.find(ref);
    if (it != by_ref_.end()) return *it;
    if (aliases_.empty()) return nullptr;
    auto a = aliases_.find(ref);
    return a == aliases_.end() ? nullptr : Find(a->second);
  }
  // Creates the entry of `labels` with `ref` (which must be unused), or, if
  // the labels exist under another ref, records `ref` as an alias of it
  // and returns the existing entry. Raises next_ref() above `ref`.
  SeriesEntry* Insert(uint64_t ref, const Labels& labels, bool* created);
  // Same with the labels record-encoded (sorted, as AppendLabels writes).
  SeriesEntry* InsertBytes(uint64_t ref, std::string_view bytes, bool* created);
  // Creates a series with the next ref.
  SeriesEntry* Create(const Labels& labels) {
    bool created = false;
    return Insert(next_ref_, labels, &created);
  }
  // Removes the entry (not its aliases: they resolve to nothing after).
  void Erase(uint64_t ref);

  // The shared SeriesMetadata equal to (type, unit, help): an existing one
  // while some series still holds it, else a new one.
  MetadataRef InternMetadata(MetricType type, std::string_view unit, std::string_view help);

  size_t size() const { return by_ref_.size(); }
  uint64_t next_ref() const { return next_ref_; }

  // Every live entry, in no particular order.
  template <typename F>
  void ForEach(F&& f) {
    for (SeriesEntry* e : by_ref_) f(*e);
  }

 private:
  struct BytesKey {
    std::string_view bytes;
    uint64_t hash;
  };
  struct ByLabelsHash {
    using is_transparent = void;
    size_t operator()(const SeriesEntry* e) const { return e->labels.hash(); }
    size_t operator()(const BytesKey& k) const { return k.hash; }
  };
  struct ByLabelsEq {
    using is_transparent = void;
    bool operator()(const SeriesEntry* a, const SeriesEntry* b) const { return a == b; }
    bool operator()(const BytesKey& k, const SeriesEntry* e) const {
      return k.hash == e->labels.hash() && k.bytes == e->labels.bytes();
    }
    bool operator()(const SeriesEntry* e, const BytesKey& k) const { return (*this)(k, e); }
  };

  struct ByRefHash {
    using is_transparent = void;
    size_t operator()(const SeriesEntry* e) const { return absl::HashOf(e->ref); }
    size_t operator()(uint64_t ref) const { return absl::HashOf(ref); }
  };
  struct ByRefEq {
    using is_transparent = void;
    static uint64_t RefOf(const SeriesEntry* e) { return e->ref; }
    static uint64_t RefOf(uint64_t ref) { return ref; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return RefOf(a) == RefOf(b);
    }
  };

  LabelStore* const store_;
  // The entries, owned, each its own allocation (fixed addresses) by ref:
  // the set's slot is the one pointer, where a node map would also store
  // the key beside the entry.
  absl::flat_hash_set<SeriesEntry*, ByRefHash, ByRefEq> by_ref_;
  // The same entries by their labels.
  absl::flat_hash_set<SeriesEntry*, ByLabelsHash, ByLabelsEq> by_labels_;
  std::string key_;  // scratch: the encoding of a looked-up label set
  absl::flat_hash_map<uint64_t, uint64_t> aliases_;
  // Interned metadata by "type\xff unit \xff help"; unused entries are
  // swept when the map has doubled since the last sweep.
  absl::flat_hash_map<std::string, std::unique_ptr<SeriesMetadata>> metadata_;
  size_t metadata_sweep_at_ = 64;
  std::string metadata_key_;  // scratch
  uint64_t next_ref_ = 1;
};

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_SERIES_TABLE_H_
