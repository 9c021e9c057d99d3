#include "core/base/label_set.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/synchronization/mutex.h"
#include "core/base/protobuf_wire.h"

namespace outpost {

namespace {

struct Key {
  std::string_view bytes;
  uint64_t hash;
};

}  // namespace

struct LabelStore::Shard {
  using Rep = LabelSet::Rep;
  struct Hash {
    using is_transparent = void;
    size_t operator()(const Rep* r) const { return r->hash(); }
    size_t operator()(const Key& k) const { return k.hash; }
  };
  struct Eq {
    using is_transparent = void;
    static std::string_view Bytes(const Rep* r) { return {r->data(), r->size}; }
    static std::string_view Bytes(const Key& k) { return k.bytes; }
    static uint64_t HashOf(const Rep* r) { return r->hash(); }
    static uint64_t HashOf(const Key& k) { return k.hash; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return HashOf(a) == HashOf(b) && Bytes(a) == Bytes(b);
    }
  };
  mutable absl::Mutex mu;
  absl::flat_hash_set<Rep*, Hash, Eq> sets ABSL_GUARDED_BY(mu);
  size_t bytes ABSL_GUARDED_BY(mu) = 0;
};

void LabelSet::Reset() {
  Rep* r = rep_;
  if (r == nullptr) return;
  rep_ = nullptr;
  // Not the last reference: drop it without the store's lock. The last one
  // is dropped under the lock, so Intern never revives a set being freed.
  uint32_t n = r->refs.load(std::memory_order_relaxed);
  while (n > 1) {
    if (r->refs.compare_exchange_weak(n, n - 1, std::memory_order_acq_rel)) return;
  }
  LabelStore::ByIndex(r->store())->Release(r);
}

Labels LabelSet::ToLabels() const {
  Labels out;
  DecodeLabelBytes(bytes(), &out);
  return out;
}

namespace {
// Live stores by index; a slot is taken by a store's constructor and freed
// by its destructor, so a set's index names its store while it lives.
std::atomic<LabelStore*> g_stores[LabelStore::kMaxStores];
}  // namespace

LabelStore::LabelStore() : shards_(new Shard[kShards]) {
  for (uint32_t i = 0; i < kMaxStores; ++i) {
    LabelStore* none = nullptr;
    if (g_stores[i].compare_exchange_strong(none, this, std::memory_order_acq_rel)) {
      index_ = i;
      return;
    }
  }
  std::fprintf(stderr, "outpost: more than %zu label stores at once\n", kMaxStores);
  std::abort();
}

LabelStore::~LabelStore() {
  delete[] shards_;
  g_stores[index_].store(nullptr, std::memory_order_release);
}

LabelStore* LabelStore::ByIndex(uint32_t index) {
  return g_stores[index].load(std::memory_order_acquire);
}

LabelStore& LabelStore::Default() {
  static LabelStore* store = new LabelStore();  // never destroyed: handles outlive main
  return *store;
}

uint64_t LabelStore::Hash(std::string_view bytes) {
  return absl::HashOf(bytes) & LabelSet::kHashMask;
}

LabelStore::Shard& LabelStore::ShardOf(uint64_t hash) {
  // The set's own table uses the low bits; shards take the high ones.
  return shards_[(hash >> 52) % kShards];
}

LabelSet LabelStore::Intern(std::string_view bytes, uint64_t hash) {
  hash &= LabelSet::kHashMask;
  Shard& s = ShardOf(hash);
  absl::MutexLock lock(&s.mu);
  auto it = s.sets.find(Key{bytes, hash});
  if (it != s.sets.end()) {
    (*it)->refs.fetch_add(1, std::memory_order_relaxed);
    return LabelSet(*it);
  }
  void* mem = std::malloc(sizeof(LabelSet::Rep) + bytes.size());
  if (mem == nullptr) throw std::bad_alloc();
  auto* r = new (mem) LabelSet::Rep{{1}, static_cast<uint32_t>(bytes.size()),
                                     hash | (uint64_t{index_} << 56)};
  if (!bytes.empty()) std::memcpy(r->data(), bytes.data(), bytes.size());
  s.sets.insert(r);
  s.bytes += sizeof(LabelSet::Rep) + bytes.size();
  return LabelSet(r);
}

LabelSet LabelStore::Intern(const Labels& labels) {
  thread_local std::string scratch;
  scratch.clear();
  AppendLabelBytes(&scratch, labels);
  LabelSet set = Intern(scratch);
  if (scratch.capacity() > (64 << 10)) std::string().swap(scratch);
  return set;
}

LabelSet LabelStore::Find(std::string_view bytes, uint64_t hash) {
  hash &= LabelSet::kHashMask;
  Shard& s = ShardOf(hash);
  absl::MutexLock lock(&s.mu);
  auto it = s.sets.find(Key{bytes, hash});
  if (it == s.sets.end()) return LabelSet();
  (*it)->refs.fetch_add(1, std::memory_order_relaxed);
  return LabelSet(*it);
}

void LabelStore::Release(LabelSet::Rep* r) {
  Shard& s = ShardOf(r->hash());
  absl::MutexLock lock(&s.mu);
  if (r->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;  // taken again meanwhile
  s.sets.erase(r);
  s.bytes -= sizeof(LabelSet::Rep) + r->size;
  r->~Rep();
  std::free(r);
}

size_t LabelStore::size() const {
  size_t n = 0;
  for (size_t i = 0; i < kShards; ++i) {
    absl::MutexLock lock(&shards_[i].mu);
    n += shards_[i].sets.size();
  }
  return n;
}

size_t LabelStore::memory_bytes() const {
  size_t n = 0;
  for (size_t i = 0; i < kShards; ++i) {
    absl::MutexLock lock(&shards_[i].mu);
    n += shards_[i].bytes + shards_[i].sets.capacity() * (sizeof(void*) + 1);
  }
  return n;
}

void AppendLabelBytes(std::string* out, const Labels& labels) {
  protowire::AppendVarint(out, labels.size());
  for (const Label& l : labels) {
    protowire::AppendVarint(out, l.name.size());
    out->append(l.name);
    protowire::AppendVarint(out, l.value.size());
    out->append(l.value);
  }
}

bool DecodeLabelBytes(std::string_view bytes, Labels* out) {
  std::vector<Label> labels;
  const bool ok = ForEachLabel(bytes, [&](std::string_view n, std::string_view v) {
    labels.push_back(Label{std::string(n), std::string(v)});
  });
  *out = Labels::FromUnsorted(std::move(labels));
  return ok;
}

std::string_view CanonicalLabelBytes(std::string_view bytes, std::string* scratch) {
  std::string_view prev;
  bool first = true, canonical = true;
  const bool ok = ForEachLabel(bytes, [&](std::string_view n, std::string_view v) {
    if (v.empty() || (!first && n <= prev)) canonical = false;
    prev = n;
    first = false;
  });
  if (!ok) return {};
  if (canonical) return bytes;
  Labels labels;
  DecodeLabelBytes(bytes, &labels);
  scratch->clear();
  AppendLabelBytes(scratch, labels);
  return *scratch;
}

size_t LabelBytesLength(std::string_view bytes) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  uint64_t n = 0;
  if (!label_bytes_internal::Uvarint(&p, end, &n)) return 0;
  for (uint64_t i = 0; i < 2 * n; ++i) {
    std::string_view s;
    if (!label_bytes_internal::String(&p, end, &s)) return 0;
  }
  return static_cast<size_t>(p - bytes.data());
}

}  // namespace outpost
