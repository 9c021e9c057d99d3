// The replies of `stats`, `stats slabs`, `stats items` and `stats
// settings`, split as grobie/gomemcache does (memcache/memcache.go
// statsFromAddr, statsSettingsFromAddr; the version memcached_exporter
// v0.13.0 pins) into the values the exporter reads, without copying:
// every value is a view into the reply text, valid while it is.
//
// `stats`, `stats slabs` and `stats items` fill one set of maps: a line
// "STAT <key> <value>" (exactly three fields split on single spaces; other
// lines are skipped) goes to the global stats when <key> has no ':', to
// slab <a> for "<a>:<name>", to the items of slab <b> for "<a>:<b>:<name>".
// A non-integer slab id or a CLIENT_ERROR/SERVER_ERROR/ERROR reply fails
// all three (upstream's Stats() error). Later keys override earlier ones:
// `stats slabs`' total_malloced lands in the global stats. In `stats
// settings` every line must be "STAT <key> <value...>" (the value may
// hold spaces), else the settings fail.
//
// Only the keys the exporter reads are kept (the tables in stats.cc); slab
// ids beyond kMaxSlabs distinct ones fail the stats (memcached has at most
// 63 classes). Reuses its storage: no allocation in steady state.
#ifndef OUTPOST_INTEGRATIONS_MEMCACHED_STATS_H_
#define OUTPOST_INTEGRATIONS_MEMCACHED_STATS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace outpost::integrations::memcached {

// A value of the reply, or absent.
struct Value {
  std::string_view text;
  bool present = false;
};

// The global `stats` keys read (global_keys.inc order).
enum GlobalKey : int {
#define MEMCACHED_KEY(id, key) id,
#include "integrations/memcached/global_keys.inc"
#undef MEMCACHED_KEY
  kNumGlobalKeys
};

enum SettingsKey : int {
  kMaxconns,
  kLruCrawler,
  kLruCrawlerSleep,
  kLruCrawlerTocrawl,
  kLruMaintainerThread,
  kHotLruPct,
  kWarmLruPct,
  kHotMaxFactor,
  kWarmMaxFactor,
  kNumSettingsKeys
};

// Per-slab keys of `stats items` (after "items:<id>:").
enum ItemKey : int {
  kItemNumber,
  kItemAge,
  kItemHitsToHot,
  kItemHitsToWarm,
  kItemHitsToCold,
  kItemHitsToTemp,
  kItemCrawlerReclaimed,
  kItemEvicted,
  kItemEvictedNonzero,
  kItemEvictedTime,
  kItemEvictedUnfetched,
  kItemExpiredUnfetched,
  kItemOutofmemory,
  kItemReclaimed,
  kItemTailrepairs,
  kItemMemRequested,
  kItemMovesToCold,
  kItemMovesToWarm,
  kItemMovesWithinLru,
  kItemNumberHot,
  kItemNumberWarm,
  kItemNumberCold,
  kItemNumberTemp,
  kItemAgeHot,
  kItemAgeWarm,
  kNumItemKeys
};

// Per-slab keys of `stats slabs` (after "<id>:").
enum SlabKey : int {
  kSlabGetHits,
  kSlabDeleteHits,
  kSlabIncrHits,
  kSlabDecrHits,
  kSlabCasHits,
  kSlabTouchHits,
  kSlabCasBadval,
  kSlabCmdSet,
  kSlabChunkSize,
  kSlabChunksPerPage,
  kSlabTotalPages,
  kSlabTotalChunks,
  kSlabUsedChunks,
  kSlabFreeChunks,
  kSlabFreeChunksEnd,
  kSlabMemRequested,
  kNumSlabKeys
};

inline constexpr size_t kMaxSlabs = 1024;

template <size_t N>
struct SlabValues {
  int64_t id = 0;
  char label_buf[24];
  size_t label_len = 0;
  std::array<Value, N> values;
  // strconv.Itoa(id), the `slab` label.
  std::string_view label() const { return std::string_view(label_buf, label_len); }
};

struct Stats {
  std::array<Value, kNumGlobalKeys> global;
  // In the order of first appearance, as many as used.
  std::vector<SlabValues<kNumSlabKeys>> slabs;
  std::vector<SlabValues<kNumItemKeys>> items;
  size_t num_slabs = 0, num_items = 0;
};

using Settings = std::array<Value, kNumSettingsKeys>;

// Parses the three replies (each one command's lines, through its "END"
// line or error line) into *out. False on the failures above.
bool ParseStats(std::string_view stats, std::string_view slabs, std::string_view items, Stats* out);
// Parses the `stats settings` reply into *out. False on the failures
// above.
bool ParseSettings(std::string_view reply, Settings* out);

}  // namespace outpost::integrations::memcached

#endif  // OUTPOST_INTEGRATIONS_MEMCACHED_STATS_H_
