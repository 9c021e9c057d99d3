// LabelSet and LabelStore: one interned, immutable copy of each series'
// labels per process (issue 23), shared by reference by the collection
// pipeline, the WAL's series table and the remote-write watchers.
//
// A LabelSet holds the label set in the bytes a WAL Series record encodes
// it with (the count, then each name and value, all uvarint-length-
// prefixed; core/wal/records.h AppendLabels), so the WAL writes a new
// series' record by copying them, and a watcher reading that record finds
// the writer's set by looking the record's bytes up (no decoding, no copy).
// The encoding is injective for sorted label sets, so two sets of one store
// are equal exactly when they are the same object.
//
// LabelStore interns: Intern(bytes) returns the existing set with these
// bytes or makes one. A set is freed when its last LabelSet handle goes
// away (reference counted; the count and the bytes are one allocation with
// a 16-byte header). The store is sharded by hash, each shard with its own
// mutex; handles are copied and dropped without a lock except when the
// last one goes.
//
// Thread-safety: LabelStore is thread-safe. A LabelSet handle is like a
// shared_ptr: distinct handles to one set may be used from any threads.
#ifndef OUTPOST_CORE_BASE_LABEL_SET_H_
#define OUTPOST_CORE_BASE_LABEL_SET_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/labels.h"

namespace outpost {

class LabelStore;

class LabelSet {
 public:
  LabelSet() = default;
  LabelSet(const LabelSet& o) : rep_(o.rep_) {
    if (rep_ != nullptr) rep_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  LabelSet(LabelSet&& o) noexcept : rep_(o.rep_) { o.rep_ = nullptr; }
  LabelSet& operator=(const LabelSet& o) {
    LabelSet copy(o);
    Swap(copy);
    return *this;
  }
  LabelSet& operator=(LabelSet&& o) noexcept {
    LabelSet moved(std::move(o));
    Swap(moved);
    return *this;
  }
  ~LabelSet() { Reset(); }
  void Reset();
  void Swap(LabelSet& o) noexcept { std::swap(rep_, o.rep_); }

  explicit operator bool() const { return rep_ != nullptr; }
  // The record encoding; empty for an empty handle.
  std::string_view bytes() const {
    return rep_ == nullptr ? std::string_view() : std::string_view(rep_->data(), rep_->size);
  }
  uint64_t hash() const { return rep_ == nullptr ? 0 : rep_->hash(); }
  // Decodes into a Labels value.
  Labels ToLabels() const;
  // Identity: interned sets are equal exactly when they are one object.
  friend bool operator==(const LabelSet& a, const LabelSet& b) { return a.rep_ == b.rep_; }
  const void* id() const { return rep_; }

 private:
  friend class LabelStore;
  // The hash takes the low 56 bits of `tagged` (LabelStore::Hash is 56
  // bits wide), the owning store's index (LabelStore::index_) the top 8:
  // a 16-byte header instead of 24 with a store pointer.
  static constexpr uint64_t kHashMask = (uint64_t{1} << 56) - 1;
  struct Rep {
    std::atomic<uint32_t> refs;
    uint32_t size;
    uint64_t tagged;
    uint64_t hash() const { return tagged & kHashMask; }
    uint32_t store() const { return static_cast<uint32_t>(tagged >> 56); }
    char* data() { return reinterpret_cast<char*>(this + 1); }
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  };
  static_assert(sizeof(Rep) == 16);
  explicit LabelSet(Rep* rep) : rep_(rep) {}
  Rep* rep_ = nullptr;
};

class LabelStore {
 public:
  LabelStore();
  ~LabelStore();  // every set must be gone
  LabelStore(const LabelStore&) = delete;
  LabelStore& operator=(const LabelStore&) = delete;

  // The process' store.
  static LabelStore& Default();

  // The set with these record-encoded bytes, made if absent.
  LabelSet Intern(std::string_view bytes) { return Intern(bytes, Hash(bytes)); }
  LabelSet Intern(std::string_view bytes, uint64_t hash);
  // Encodes `labels` (AppendLabelBytes) and interns them.
  LabelSet Intern(const Labels& labels);
  // The set with these bytes if one exists, else an empty handle.
  LabelSet Find(std::string_view bytes, uint64_t hash);

  // The hash Intern uses (stable within a process; 56 bits).
  static uint64_t Hash(std::string_view bytes);
  // At most this many stores exist at once (a set names its store by index).
  static constexpr size_t kMaxStores = 256;

  // Live sets and their bytes (header included), for metrics and tests.
  size_t size() const;
  size_t memory_bytes() const;

 private:
  friend class LabelSet;
  struct Shard;
  static constexpr size_t kShards = 16;
  Shard& ShardOf(uint64_t hash);
  // Called when a handle dropped what may be the last reference.
  void Release(LabelSet::Rep* rep);
  static LabelStore* ByIndex(uint32_t index);
  Shard* shards_;
  uint32_t index_;
};

// The record encoding of `labels` (what LabelSet holds): appended to *out.
void AppendLabelBytes(std::string* out, const Labels& labels);
// Calls f(name, value) for each label of record-encoded `bytes`, in order;
// false when the bytes are malformed (f may have been called before).
template <typename F>
bool ForEachLabel(std::string_view bytes, F&& f);
// Decodes record-encoded bytes; false when malformed.
bool DecodeLabelBytes(std::string_view bytes, Labels* out);
// `bytes` if they are a canonical label set (names strictly increasing, no
// empty value: what AppendLabelBytes writes for a Labels), else the
// canonical encoding of what they hold, written to *scratch. Empty when
// malformed.
std::string_view CanonicalLabelBytes(std::string_view bytes, std::string* scratch);
// Length of the record-encoded label set at the start of `bytes`, 0 when
// malformed (a Series record holds several back to back).
size_t LabelBytesLength(std::string_view bytes);

namespace label_bytes_internal {
// Reads a uvarint at *p (< end); false on overflow or truncation.
inline bool Uvarint(const char** p, const char* end, uint64_t* v) {
  uint64_t x = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    const auto b = static_cast<uint8_t>(*(*p)++);
    if (shift == 63 && b > 1) return false;  // overflows 64 bits
    x |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      *v = x;
      return true;
    }
  }
  return false;
}
inline bool String(const char** p, const char* end, std::string_view* s) {
  uint64_t n = 0;
  if (!Uvarint(p, end, &n) || n > static_cast<uint64_t>(end - *p)) return false;
  *s = std::string_view(*p, static_cast<size_t>(n));
  *p += n;
  return true;
}
}  // namespace label_bytes_internal

template <typename F>
bool ForEachLabel(std::string_view bytes, F&& f) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  uint64_t n = 0;
  if (!label_bytes_internal::Uvarint(&p, end, &n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name, value;
    if (!label_bytes_internal::String(&p, end, &name) ||
        !label_bytes_internal::String(&p, end, &value)) {
      return false;
    }
    f(name, value);
  }
  return p == end;
}

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_LABEL_SET_H_
