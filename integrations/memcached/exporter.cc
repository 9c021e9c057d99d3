#include "integrations/memcached/exporter.h"

#include <string_view>

#include "integrations/common/text.h"

namespace outpost::integrations::memcached {
namespace {

constexpr MetricType G = MetricType::kGauge;
constexpr MetricType C = MetricType::kCounter;

struct FamilyDef {
  Family id;
  std::string_view name;  // after "memcached_"
  MetricType type;
  std::string_view help;
};

// exporter.go New(), in its order (HELP texts verbatim, typos included).
constexpr FamilyDef kFamilyDefs[] = {
    {kMetricUp, "up", G, "Could the memcached server be reached."},
    {kMetricUptime, "uptime_seconds", C, "Number of seconds since the server started."},
    {kMetricTimeSeconds, "time_seconds", G, "current UNIX time according to the server."},
    {kMetricVersionInfo, "version", G, "The version of this memcached server."},
    {kMetricRusageUser, "process_user_cpu_seconds_total", C,
     "Accumulated user time for this process."},
    {kMetricRusageSystem, "process_system_cpu_seconds_total", C,
     "Accumulated system time for this process."},
    {kMetricBytesReadTotal, "read_bytes_total", C,
     "Total number of bytes read by this server from network."},
    {kMetricBytesWrittenTotal, "written_bytes_total", C,
     "Total number of bytes sent by this server to network."},
    {kMetricCurrentConnections, "current_connections", G, "Current number of open connections."},
    {kMetricMaxConnections, "max_connections", G, "Maximum number of clients allowed."},
    {kMetricConnectionsTotal, "connections_total", C,
     "Total number of connections opened since the server started running."},
    {kMetricConnectionsRejected, "connections_rejected_total", C,
     "Total number of connections rejected due to hitting the memcached's -c limit in "
     "maxconns_fast mode."},
    {kMetricConnectionsYielded, "connections_yielded_total", C,
     "Total number of connections yielded running due to hitting the memcached's -R limit."},
    {kMetricListenerDisabled, "connections_listener_disabled_total", C,
     "Number of times that memcached has hit its connections limit and disabled its listener."},
    {kMetricCurrentBytes, "current_bytes", G, "Current number of bytes used to store items."},
    {kMetricLimitBytes, "limit_bytes", G,
     "Number of bytes this server is allowed to use for storage."},
    {kMetricCommands, "commands_total", C,
     "Total number of all requests broken down by command (get, set, etc.) and status."},
    {kMetricCurrentItems, "current_items", G, "Current number of items stored by this instance."},
    {kMetricItemsTotal, "items_total", C,
     "Total number of items stored during the life of this instance."},
    {kMetricItemsEvicted, "items_evicted_total", C,
     "Total number of valid items removed from cache to free memory for new items."},
    {kMetricItemsReclaimed, "items_reclaimed_total", C,
     "Total number of times an entry was stored using memory from an expired entry."},
    {kMetricLruEnabled, "lru_crawler_enabled", G, "Whether the LRU crawler is enabled."},
    {kMetricLruSleep, "lru_crawler_sleep", G, "Microseconds to sleep between LRU crawls."},
    {kMetricLruToCrawl, "lru_crawler_to_crawl", G, "Max items to crawl per slab per run."},
    {kMetricLruMaintainerThread, "lru_crawler_maintainer_thread", G,
     "Split LRU mode and background threads."},
    {kMetricLruHotPercent, "lru_crawler_hot_percent", G,
     "Percent of slab memory reserved for HOT LRU."},
    {kMetricLruWarmPercent, "lru_crawler_warm_percent", G,
     "Percent of slab memory reserved for WARM LRU."},
    {kMetricLruHotMaxFactor, "lru_crawler_hot_max_factor", G,
     "Set idle age of HOT LRU to COLD age * this"},
    {kMetricLruWarmMaxFactor, "lru_crawler_warm_max_factor", G,
     "Set idle age of WARM LRU to COLD age * this"},
    {kMetricLruStarts, "lru_crawler_starts_total", C, "Times an LRU crawler was started."},
    {kMetricLruReclaimed, "lru_crawler_reclaimed_total", C, "Total items freed by LRU Crawler."},
    {kMetricLruItemsChecked, "lru_crawler_items_checked_total", C,
     "Total items examined by LRU Crawler."},
    {kMetricLruMovesToCold, "lru_crawler_moves_to_cold_total", C,
     "Total number of items moved from HOT/WARM to COLD LRU's."},
    {kMetricLruMovesToWarm, "lru_crawler_moves_to_warm_total", C,
     "Total number of items moved from COLD to WARM LRU."},
    {kMetricLruMovesWithinLru, "lru_crawler_moves_within_lru_total", C,
     "Total number of items reshuffled within HOT or WARM LRU's."},
    {kMetricMalloced, "malloced_bytes", G, "Number of bytes of memory allocated to slab pages."},
    {kMetricSlabCurrentItems, "slab_current_items", G,
     "Number of items currently stored in this slab class."},
    {kMetricSlabItemsAge, "slab_items_age_seconds", G,
     "Number of seconds the oldest item has been in the slab class."},
    {kMetricSlabCrawlerReclaimed, "slab_items_crawler_reclaimed_total", C,
     "Number of items freed by the LRU Crawler."},
    {kMetricSlabEvicted, "slab_items_evicted_total", C,
     "Total number of times an item had to be evicted from the LRU before it expired."},
    {kMetricSlabEvictedNonzero, "slab_items_evicted_nonzero_total", C,
     "Total number of times an item which had an explicit expire time set had to be evicted "
     "from the LRU before it expired."},
    {kMetricSlabEvictedTime, "slab_items_evicted_time_seconds", C,
     "Seconds since the last access for the most recent item evicted from this class."},
    {kMetricSlabEvictedUnfetched, "slab_items_evicted_unfetched_total", C,
     "Total nmber of items evicted and never fetched."},
    {kMetricSlabExpiredUnfetched, "slab_items_expired_unfetched_total", C,
     "Total number of valid items evicted from the LRU which were never touched after being set."},
    {kMetricSlabOutofmemory, "slab_items_outofmemory_total", C,
     "Total number of items for this slab class that have triggered an out of memory error."},
    {kMetricSlabReclaimed, "slab_items_reclaimed_total", C, "Total number of items reclaimed."},
    {kMetricSlabTailrepairs, "slab_items_tailrepairs_total", C,
     "Total number of times the entries for a particular ID need repairing."},
    {kMetricSlabMovesToCold, "slab_items_moves_to_cold", C,
     "Number of items moved from HOT or WARM into COLD."},
    {kMetricSlabMovesToWarm, "slab_items_moves_to_warm", C,
     "Number of items moves from COLD into WARM."},
    {kMetricSlabMovesWithinLru, "slab_items_moves_within_lru", C,
     "Number of times active items were bumped within HOT or WARM."},
    {kMetricSlabHotItems, "slab_hot_items", G, "Number of items presently stored in the HOT LRU."},
    {kMetricSlabWarmItems, "slab_warm_items", G,
     "Number of items presently stored in the WARM LRU."},
    {kMetricSlabColdItems, "slab_cold_items", G,
     "Number of items presently stored in the COLD LRU."},
    {kMetricSlabTemporaryItems, "slab_temporary_items", G,
     "Number of items presently stored in the TEMPORARY LRU."},
    {kMetricSlabHotAge, "slab_hot_age_seconds", G, "Age of the oldest item in HOT LRU."},
    // Upstream's HELP says HOT here too.
    {kMetricSlabWarmAge, "slab_warm_age_seconds", G, "Age of the oldest item in HOT LRU."},
    {kMetricSlabLruHits, "slab_lru_hits_total", C, "Number of get_hits to the LRU."},
    {kMetricSlabChunkSize, "slab_chunk_size_bytes", G,
     "Number of bytes allocated to each chunk within this slab class."},
    {kMetricSlabChunksPerPage, "slab_chunks_per_page", G,
     "Number of chunks within a single page for this slab class."},
    {kMetricSlabCurrentPages, "slab_current_pages", G,
     "Number of pages allocated to this slab class."},
    {kMetricSlabCurrentChunks, "slab_current_chunks", G,
     "Number of chunks allocated to this slab class."},
    {kMetricSlabChunksUsed, "slab_chunks_used", G, "Number of chunks allocated to an item."},
    {kMetricSlabChunksFree, "slab_chunks_free", G, "Number of chunks not yet allocated items."},
    {kMetricSlabChunksFreeEnd, "slab_chunks_free_end", G,
     "Number of free chunks at the end of the last allocated page."},
    // A counter: memcached >= 1.6 reports mem_requested in `stats items`
    // only, which parseStats exports with CounterValue (AddStats).
    {kMetricSlabMemRequested, "slab_mem_requested_bytes", C,
     "Number of bytes of memory actual items take up within a slab."},
    {kMetricSlabCommands, "slab_commands_total", C,
     "Total number of all requests broken down by command (get, set, etc.) and status per slab."},
    {kMetricExtCompactLost, "extstore_compact_lost_total", C,
     "Total number of items lost because they were locked during extstore compaction."},
    {kMetricExtCompactRescued, "extstore_compact_rescued_total", C,
     "Total number of items moved to a new page during extstore compaction,"},
    {kMetricExtCompactSkipped, "extstore_compact_skipped_total", C,
     "Total number of items dropped due to inactivity during extstore compaction."},
    {kMetricExtPagesAllocated, "extstore_pages_allocated_total", C,
     "Total number of times a page was allocated in extstore."},
    {kMetricExtPagesEvicted, "extstore_pages_evicted_total", C,
     "Total number of times a page was evicted from extstore."},
    {kMetricExtPagesReclaimed, "extstore_pages_reclaimed_total", C,
     "Total number of times an empty extstore page was freed."},
    {kMetricExtPagesFree, "extstore_pages_free", G,
     "Number of extstore pages not yet containing any items."},
    {kMetricExtPagesUsed, "extstore_pages_used", G,
     "Number of extstore pages containing at least one item."},
    {kMetricExtObjectsEvicted, "extstore_objects_evicted_total", C,
     "Total number of items evicted from extstore to free up space."},
    {kMetricExtObjectsRead, "extstore_objects_read_total", C,
     "Total number of items read from extstore."},
    {kMetricExtObjectsWritten, "extstore_objects_written_total", C,
     "Total number of items written to extstore."},
    {kMetricExtObjectsUsed, "extstore_objects_used", G, "Number of items stored in extstore."},
    {kMetricExtBytesEvicted, "extstore_bytes_evicted_total", C,
     "Total number of bytes evicted from extstore to free up space."},
    {kMetricExtBytesWritten, "extstore_bytes_written_total", C,
     "Total number of bytes written to extstore."},
    {kMetricExtBytesRead, "extstore_bytes_read_total", C,
     "Total number of bytes read from extstore."},
    // CounterValue in parseStats, despite the name.
    {kMetricExtBytesUsed, "extstore_bytes_used", C,
     "Current number of bytes used to store items in extstore."},
    {kMetricExtBytesFragmented, "extstore_bytes_fragmented", G,
     "Current number of bytes in extstore pages allocated but not used to store an object."},
    {kMetricExtBytesLimit, "extstore_bytes_limit", G,
     "Number of bytes of external storage allocated for this server."},
    {kMetricExtIoQueueDepth, "extstore_io_queue_depth", G,
     "Number of items in the I/O queue waiting to be processed."},
    {kMetricAcceptingConnections, "accepting_connections", G,
     "The Memcached server is currently accepting new connections."},
};
static_assert(std::size(kFamilyDefs) == kNumFamilies);

enum class Kind { kFloat, kTimeval, kBool };

// parse(): strconv.ParseFloat.
bool ParseFloat(const Value& v, double* out) { return ParseGoFloat(v.text, out); }

// parseTimeval: "<sec>.<usec>", both parts ParseFloat.
bool ParseTimeval(const Value& v, double* out) {
  const size_t dot = v.text.find('.');
  if (dot == std::string_view::npos || v.text.find('.', dot + 1) != std::string_view::npos)
    return false;
  double sec = 0, usec = 0;
  if (!ParseGoFloat(v.text.substr(0, dot), &sec) || !ParseGoFloat(v.text.substr(dot + 1), &usec))
    return false;
  *out = sec + usec / (1000.0 * 1000.0);
  return true;
}

// parseBool: "yes" 1, "no" 0.
bool ParseYesNo(const Value& v, double* out) {
  if (v.text == "yes")
    *out = 1;
  else if (v.text == "no")
    *out = 0;
  else
    return false;
  return true;
}

bool Parse(const Value& v, Kind k, double* out) {
  switch (k) {
    case Kind::kFloat:
      return ParseFloat(v, out);
    case Kind::kTimeval:
      return ParseTimeval(v, out);
    case Kind::kBool:
      return ParseYesNo(v, out);
  }
  return false;
}

// One key → one sample; `a`/`b` are the values of the family's extra
// labels (commands_total's command/status, lru_hits_total's lru).
struct Row {
  int key;
  Family family;
  Kind kind = Kind::kFloat;
  std::string_view a = {}, b = {};
};

constexpr Row kGlobalRows[] = {
    {kGetHits, kMetricCommands, Kind::kFloat, "get", "hit"},
    {kGetMisses, kMetricCommands, Kind::kFloat, "get", "miss"},
    {kDeleteHits, kMetricCommands, Kind::kFloat, "delete", "hit"},
    {kDeleteMisses, kMetricCommands, Kind::kFloat, "delete", "miss"},
    {kIncrHits, kMetricCommands, Kind::kFloat, "incr", "hit"},
    {kIncrMisses, kMetricCommands, Kind::kFloat, "incr", "miss"},
    {kDecrHits, kMetricCommands, Kind::kFloat, "decr", "hit"},
    {kDecrMisses, kMetricCommands, Kind::kFloat, "decr", "miss"},
    {kCasHits, kMetricCommands, Kind::kFloat, "cas", "hit"},
    {kCasMisses, kMetricCommands, Kind::kFloat, "cas", "miss"},
    {kTouchHits, kMetricCommands, Kind::kFloat, "touch", "hit"},
    {kTouchMisses, kMetricCommands, Kind::kFloat, "touch", "miss"},
    {kUptime, kMetricUptime},
    {kTime, kMetricTimeSeconds},
    {kCasBadval, kMetricCommands, Kind::kFloat, "cas", "badval"},
    {kCmdFlush, kMetricCommands, Kind::kFloat, "flush", "hit"},
    {kRusageUser, kMetricRusageUser, Kind::kTimeval},
    {kRusageSystem, kMetricRusageSystem, Kind::kTimeval},
    {kBytes, kMetricCurrentBytes},
    {kLimitMaxbytes, kMetricLimitBytes},
    {kCurrItems, kMetricCurrentItems},
    {kTotalItems, kMetricItemsTotal},
    {kBytesRead, kMetricBytesReadTotal},
    {kBytesWritten, kMetricBytesWrittenTotal},
    {kCurrConnections, kMetricCurrentConnections},
    {kTotalConnections, kMetricConnectionsTotal},
    {kRejectedConnections, kMetricConnectionsRejected},
    {kConnYields, kMetricConnectionsYielded},
    {kListenDisabledNum, kMetricListenerDisabled},
    {kEvictions, kMetricItemsEvicted},
    {kReclaimed, kMetricItemsReclaimed},
    {kLruCrawlerStarts, kMetricLruStarts},
    {kCrawlerItemsChecked, kMetricLruItemsChecked},
    {kCrawlerReclaimed, kMetricLruReclaimed},
    {kMovesToCold, kMetricLruMovesToCold},
    {kMovesToWarm, kMetricLruMovesToWarm},
    {kMovesWithinLru, kMetricLruMovesWithinLru},
    {kTotalMalloced, kMetricMalloced},
    {kAcceptingConns, kMetricAcceptingConnections},
};

// Only when extstore_limit_maxbytes is present.
constexpr Row kExtstoreRows[] = {
    {kExtstoreCompactLost, kMetricExtCompactLost},
    {kExtstoreCompactRescues, kMetricExtCompactRescued},
    {kExtstoreCompactSkipped, kMetricExtCompactSkipped},
    {kExtstorePageAllocs, kMetricExtPagesAllocated},
    {kExtstorePageEvictions, kMetricExtPagesEvicted},
    {kExtstorePageReclaims, kMetricExtPagesReclaimed},
    {kExtstorePagesFree, kMetricExtPagesFree},
    {kExtstorePagesUsed, kMetricExtPagesUsed},
    {kExtstoreObjectsEvicted, kMetricExtObjectsEvicted},
    {kExtstoreObjectsRead, kMetricExtObjectsRead},
    {kExtstoreObjectsWritten, kMetricExtObjectsWritten},
    {kExtstoreObjectsUsed, kMetricExtObjectsUsed},
    {kExtstoreBytesEvicted, kMetricExtBytesEvicted},
    {kExtstoreBytesWritten, kMetricExtBytesWritten},
    {kExtstoreBytesRead, kMetricExtBytesRead},
    {kExtstoreBytesUsed, kMetricExtBytesUsed},
    {kExtstoreBytesFragmented, kMetricExtBytesFragmented},
    {kExtstoreLimitMaxbytes, kMetricExtBytesLimit},
    {kExtstoreIoQueue, kMetricExtIoQueueDepth},
};

constexpr Row kItemRows[] = {
    {kItemNumber, kMetricSlabCurrentItems},
    {kItemAge, kMetricSlabItemsAge},
    {kItemHitsToHot, kMetricSlabLruHits, Kind::kFloat, "hot"},
    {kItemHitsToWarm, kMetricSlabLruHits, Kind::kFloat, "warm"},
    {kItemHitsToCold, kMetricSlabLruHits, Kind::kFloat, "cold"},
    {kItemHitsToTemp, kMetricSlabLruHits, Kind::kFloat, "temporary"},
    {kItemCrawlerReclaimed, kMetricSlabCrawlerReclaimed},
    {kItemEvicted, kMetricSlabEvicted},
    {kItemEvictedNonzero, kMetricSlabEvictedNonzero},
    {kItemEvictedTime, kMetricSlabEvictedTime},
    {kItemEvictedUnfetched, kMetricSlabEvictedUnfetched},
    {kItemExpiredUnfetched, kMetricSlabExpiredUnfetched},
    {kItemOutofmemory, kMetricSlabOutofmemory},
    {kItemReclaimed, kMetricSlabReclaimed},
    {kItemTailrepairs, kMetricSlabTailrepairs},
    {kItemMemRequested, kMetricSlabMemRequested},
    {kItemMovesToCold, kMetricSlabMovesToCold},
    {kItemMovesToWarm, kMetricSlabMovesToWarm},
    {kItemMovesWithinLru, kMetricSlabMovesWithinLru},
    {kItemNumberHot, kMetricSlabHotItems},
    {kItemNumberWarm, kMetricSlabWarmItems},
    {kItemNumberCold, kMetricSlabColdItems},
    {kItemNumberTemp, kMetricSlabTemporaryItems},
    {kItemAgeHot, kMetricSlabHotAge},
    {kItemAgeWarm, kMetricSlabWarmAge},
};

constexpr Row kSlabRows[] = {
    {kSlabGetHits, kMetricSlabCommands, Kind::kFloat, "get", "hit"},
    {kSlabDeleteHits, kMetricSlabCommands, Kind::kFloat, "delete", "hit"},
    {kSlabIncrHits, kMetricSlabCommands, Kind::kFloat, "incr", "hit"},
    {kSlabDecrHits, kMetricSlabCommands, Kind::kFloat, "decr", "hit"},
    {kSlabCasHits, kMetricSlabCommands, Kind::kFloat, "cas", "hit"},
    {kSlabTouchHits, kMetricSlabCommands, Kind::kFloat, "touch", "hit"},
    {kSlabCasBadval, kMetricSlabCommands, Kind::kFloat, "cas", "badval"},
    {kSlabChunkSize, kMetricSlabChunkSize},
    {kSlabChunksPerPage, kMetricSlabChunksPerPage},
    {kSlabTotalPages, kMetricSlabCurrentPages},
    {kSlabTotalChunks, kMetricSlabCurrentChunks},
    {kSlabUsedChunks, kMetricSlabChunksUsed},
    {kSlabFreeChunks, kMetricSlabChunksFree},
    {kSlabFreeChunksEnd, kMetricSlabChunksFreeEnd},
    // mem_requested: see AddStats.
};

constexpr Row kSettingsRows[] = {
    {kLruCrawler, kMetricLruEnabled, Kind::kBool},
    {kLruCrawlerSleep, kMetricLruSleep},
    {kLruCrawlerTocrawl, kMetricLruToCrawl},
    {kLruMaintainerThread, kMetricLruMaintainerThread, Kind::kBool},
    {kHotLruPct, kMetricLruHotPercent},
    {kWarmLruPct, kMetricLruWarmPercent},
    {kHotMaxFactor, kMetricLruHotMaxFactor},
    {kWarmMaxFactor, kMetricLruWarmMaxFactor},
};

// Adds one row's sample when its key is present; false when it does not
// parse. `slab` empty: no slab label.
template <size_t N>
bool AddRow(const Row& r, const std::array<Value, N>& values, std::string_view slab,
            SeriesCache& out) {
  const Value& v = values[r.key];
  if (!v.present) return true;
  double x = 0;
  if (!Parse(v, r.kind, &x)) return false;
  const MetricFamily& f = Families()[r.family];
  if (r.family == kMetricCommands)
    out.Add(f, {{"command", r.a}, {"status", r.b}}, x);
  else if (r.family == kMetricSlabCommands)
    out.Add(f, {{"slab", slab}, {"command", r.a}, {"status", r.b}}, x);
  else if (r.family == kMetricSlabLruHits)
    out.Add(f, {{"slab", slab}, {"lru", r.a}}, x);
  else if (!slab.empty())
    out.Add(f, {{"slab", slab}}, x);
  else
    out.Add(f, x);
  return true;
}

template <size_t N, size_t M>
bool AddRows(const Row (&rows)[M], const std::array<Value, N>& values, std::string_view slab,
             SeriesCache& out) {
  bool ok = true;
  for (const Row& r : rows) ok &= AddRow(r, values, slab, out);
  return ok;
}

// parse(s, key) + sum(s, keys...): every key present and parsed, else
// false (upstream logs and fails the scrape's up).
template <size_t N>
bool Sum(const std::array<Value, N>& values, std::initializer_list<int> keys, double* out) {
  double s = 0;
  for (int k : keys) {
    double x = 0;
    if (!values[k].present || !ParseFloat(values[k], &x)) return false;
    s += x;
  }
  *out = s;
  return true;
}

}  // namespace

const std::array<MetricFamily, kNumFamilies>& Families() {
  static const auto* f = [] {
    auto* a = new std::array<MetricFamily, kNumFamilies>();
    for (const FamilyDef& d : kFamilyDefs) {
      (*a)[d.id] = MetricFamily{Cat("memcached_", d.name), d.type, std::string(d.help), ""};
    }
    return a;
  }();
  return *f;
}

bool AddStats(const Stats& s, SeriesCache& out) {
  const auto& g = s.global;
  out.Add(Families()[kMetricVersionInfo], {{"version", g[kVersion].text}}, 1);
  bool ok = AddRows(kGlobalRows, g, {}, out);
  // "memcached includes cas operations again in cmd_set."
  double set = 0, cas = 0;
  if (Sum(g, {kCmdSet}, &set) && Sum(g, {kCasMisses, kCasHits, kCasBadval}, &cas)) {
    out.Add(Families()[kMetricCommands], {{"command", "set"}, {"status", "hit"}}, set - cas);
  } else {
    ok = false;
  }
  if (g[kExtstoreLimitMaxbytes].present) ok &= AddRows(kExtstoreRows, g, {}, out);

  for (size_t i = 0; i < s.num_items; ++i) {
    ok &= AddRows(kItemRows, s.items[i].values, s.items[i].label(), out);
  }
  for (size_t i = 0; i < s.num_slabs; ++i) {
    const auto& v = s.slabs[i].values;
    const std::string_view slab = s.slabs[i].label();
    ok &= AddRows(kSlabRows, v, slab, out);
    if (Sum(v, {kSlabCmdSet}, &set) && Sum(v, {kSlabCasHits, kSlabCasBadval}, &cas)) {
      out.Add(Families()[kMetricSlabCommands],
              {{"slab", slab}, {"command", "set"}, {"status", "hit"}}, set - cas);
    } else {
      ok = false;
    }
    // Upstream exports `stats slabs`' mem_requested (memcached < 1.6) and
    // `stats items`' (>= 1.6) under one name; a server with both would
    // fail upstream's whole scrape (a duplicate series). Here the items
    // one wins.
    if (v[kSlabMemRequested].present) {
      bool in_items = false;
      for (size_t j = 0; j < s.num_items; ++j) {
        if (s.items[j].id == s.slabs[i].id && s.items[j].values[kItemMemRequested].present)
          in_items = true;
      }
      if (!in_items) ok &= AddRow({kSlabMemRequested, kMetricSlabMemRequested}, v, slab, out);
    }
  }
  return ok;
}

bool AddSettings(const Settings& s, SeriesCache& out) {
  bool ok = AddRow({kMaxconns, kMetricMaxConnections}, s, {}, out);
  if (s[kLruCrawler].present && s[kLruCrawler].text == "yes")
    ok &= AddRows(kSettingsRows, s, {}, out);
  return ok;
}

}  // namespace outpost::integrations::memcached
