#include "integrations/memcached/stats.h"

#include <charconv>
#include <initializer_list>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "core/base/absl_compat.h"
#include "integrations/common/text.h"

namespace outpost::integrations::memcached {
namespace {

constexpr std::string_view kGlobalNames[kNumGlobalKeys] = {
#define MEMCACHED_KEY(id, key) key,
#include "integrations/memcached/global_keys.inc"
#undef MEMCACHED_KEY
};
constexpr std::string_view kSettingsNames[kNumSettingsKeys] = {
    "maxconns",     "lru_crawler",    "lru_crawler_sleep", "lru_crawler_tocrawl",
    "lru_maintainer_thread", "hot_lru_pct", "warm_lru_pct", "hot_max_factor",
    "warm_max_factor"};
constexpr std::string_view kItemNames[kNumItemKeys] = {
    "number",          "age",           "hits_to_hot",       "hits_to_warm",
    "hits_to_cold",    "hits_to_temp",  "crawler_reclaimed", "evicted",
    "evicted_nonzero", "evicted_time",  "evicted_unfetched", "expired_unfetched",
    "outofmemory",     "reclaimed",     "tailrepairs",       "mem_requested",
    "moves_to_cold",   "moves_to_warm", "moves_within_lru",  "number_hot",
    "number_warm",     "number_cold",   "number_temp",       "age_hot",
    "age_warm"};
constexpr std::string_view kSlabNames[kNumSlabKeys] = {
    "get_hits",    "delete_hits",     "incr_hits",       "decr_hits",
    "cas_hits",    "touch_hits",      "cas_badval",      "cmd_set",
    "chunk_size",  "chunks_per_page", "total_pages",     "total_chunks",
    "used_chunks", "free_chunks",     "free_chunks_end", "mem_requested"};

// Key name → index, built once.
class KeyIndex {
 public:
  template <size_t N>
  explicit KeyIndex(const std::string_view (&names)[N]) {
    for (size_t i = 0; i < N; ++i) map_.emplace(ToAbsl(names[i]), static_cast<int>(i));
  }
  int Find(std::string_view key) const {
    auto it = map_.find(ToAbsl(key));
    return it == map_.end() ? -1 : it->second;
  }

 private:
  absl::flat_hash_map<absl::string_view, int> map_;
};

// The index of one of the name tables above, built once.
template <const auto& kNames>
const KeyIndex& IndexOf() {
  static const KeyIndex* k = new KeyIndex(kNames);
  return *k;
}

// An error reply instead of the command's lines (gomemcache checks
// CLIENT_ERROR; the other two never end in END either).
bool IsErrorReply(std::string_view reply) {
  return reply.starts_with("CLIENT_ERROR") || reply.starts_with("SERVER_ERROR") ||
         reply.starts_with("ERROR");
}

// The slab entry for `id` in `v` (first `*n` used), made if new; null past
// kMaxSlabs.
template <size_t N>
SlabValues<N>* Slab(std::vector<SlabValues<N>>& v, size_t* n, int64_t id) {
  // Lines of one slab come together: the last entry is the usual hit.
  if (*n > 0 && v[*n - 1].id == id) return &v[*n - 1];
  for (size_t i = 0; i < *n; ++i) {
    if (v[i].id == id) return &v[i];
  }
  if (*n >= kMaxSlabs) return nullptr;
  if (v.size() <= *n) v.emplace_back();
  SlabValues<N>& s = v[(*n)++];
  s.id = id;
  auto r = std::to_chars(s.label_buf, s.label_buf + sizeof(s.label_buf), id);
  s.label_len = static_cast<size_t>(r.ptr - s.label_buf);
  s.values.fill({});
  return &s;
}

// Splits `line` on single spaces into exactly three fields (Go's
// bytes.Split(line, " ") with len 3); false otherwise.
bool ThreeFields(std::string_view line, std::string_view f[3]) {
  const size_t a = line.find(' ');
  if (a == std::string_view::npos) return false;
  const size_t b = line.find(' ', a + 1);
  if (b == std::string_view::npos || line.find(' ', b + 1) != std::string_view::npos) return false;
  f[0] = line.substr(0, a);
  f[1] = line.substr(a + 1, b - a - 1);
  f[2] = line.substr(b + 1);
  return true;
}

bool ParseStatsReply(std::string_view reply, Stats* out) {
  if (IsErrorReply(reply)) return false;
  std::string_view line;
  while (NextLine(&reply, &line)) {
    if (line == "END\r") break;
    // The value is bytes.TrimSpace'd (it ends in "\r").
    std::string_view f[3];
    if (!ThreeFields(line, f) || !f[0].starts_with("STAT")) continue;
    const std::string_view key = f[1];
    const size_t c1 = key.find(':');
    if (c1 == std::string_view::npos) {
      const int k = IndexOf<kGlobalNames>().Find(key);
      if (k >= 0) out->global[k] = {Trim(f[2]), true};
      continue;
    }
    const size_t c2 = key.find(':', c1 + 1);
    std::string_view id_text, name;
    if (c2 == std::string_view::npos) {
      id_text = key.substr(0, c1);
      name = key.substr(c1 + 1);
    } else {
      if (key.find(':', c2 + 1) != std::string_view::npos) continue;  // 4+ parts: skipped
      id_text = key.substr(c1 + 1, c2 - c1 - 1);
      name = key.substr(c2 + 1);
    }
    int64_t id = 0;
    if (!ParseInt(id_text, &id)) return false;
    if (c2 == std::string_view::npos) {
      SlabValues<kNumSlabKeys>* s = Slab(out->slabs, &out->num_slabs, id);
      if (s == nullptr) return false;
      const int k = IndexOf<kSlabNames>().Find(name);
      if (k >= 0) s->values[k] = {Trim(f[2]), true};
    } else {
      SlabValues<kNumItemKeys>* s = Slab(out->items, &out->num_items, id);
      if (s == nullptr) return false;
      const int k = IndexOf<kItemNames>().Find(name);
      if (k >= 0) s->values[k] = {Trim(f[2]), true};
    }
  }
  return true;
}

}  // namespace

bool ParseStats(std::string_view stats, std::string_view slabs, std::string_view items,
                Stats* out) {
  out->global.fill({});
  out->num_slabs = out->num_items = 0;
  for (std::string_view reply : {stats, slabs, items}) {
    if (!ParseStatsReply(reply, out)) {
      out->global.fill({});
      out->num_slabs = out->num_items = 0;
      return false;
    }
  }
  return true;
}

bool ParseSettings(std::string_view reply, Settings* out) {
  out->fill({});
  if (IsErrorReply(reply)) return false;
  std::string_view line;
  bool ok = true;
  while (NextLine(&reply, &line)) {
    if (line == "END\r") break;
    // bytes.SplitN(line, " ", 3): "STAT", the key, the rest.
    const size_t a = line.find(' ');
    const size_t b = a == std::string_view::npos ? a : line.find(' ', a + 1);
    if (b == std::string_view::npos || line.substr(0, a) != "STAT") {
      ok = false;
      break;
    }
    const int k = IndexOf<kSettingsNames>().Find(line.substr(a + 1, b - a - 1));
    if (k >= 0) (*out)[k] = {Trim(line.substr(b + 1)), true};
  }
  if (!ok) out->fill({});
  return ok;
}

}  // namespace outpost::integrations::memcached
