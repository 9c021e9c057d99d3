// The metric families of prometheus/memcached_exporter v0.13.0
// (pkg/exporter/exporter.go New: names, HELP texts, labels; the types are
// those Collect gives each sample) and the mapping from parsed replies
// (stats.h) to samples, as parseStats and parseStatsSettings do: a key
// that is absent is skipped; a value that does not parse is skipped and
// makes memcached_up 0.
#ifndef OUTPOST_INTEGRATIONS_MEMCACHED_EXPORTER_H_
#define OUTPOST_INTEGRATIONS_MEMCACHED_EXPORTER_H_

#include <array>

#include "core/base/metric.h"
#include "integrations/common/series_cache.h"
#include "integrations/memcached/stats.h"

namespace outpost::integrations::memcached {

enum Family : int {
  kMetricUp,
  kMetricUptime,
  kMetricTimeSeconds,
  kMetricVersionInfo,
  kMetricRusageUser,
  kMetricRusageSystem,
  kMetricBytesReadTotal,
  kMetricBytesWrittenTotal,
  kMetricCurrentConnections,
  kMetricMaxConnections,
  kMetricConnectionsTotal,
  kMetricConnectionsRejected,
  kMetricConnectionsYielded,
  kMetricListenerDisabled,
  kMetricCurrentBytes,
  kMetricLimitBytes,
  kMetricCommands,
  kMetricCurrentItems,
  kMetricItemsTotal,
  kMetricItemsEvicted,
  kMetricItemsReclaimed,
  kMetricLruEnabled,
  kMetricLruSleep,
  kMetricLruToCrawl,
  kMetricLruMaintainerThread,
  kMetricLruHotPercent,
  kMetricLruWarmPercent,
  kMetricLruHotMaxFactor,
  kMetricLruWarmMaxFactor,
  kMetricLruStarts,
  kMetricLruReclaimed,
  kMetricLruItemsChecked,
  kMetricLruMovesToCold,
  kMetricLruMovesToWarm,
  kMetricLruMovesWithinLru,
  kMetricMalloced,
  kMetricSlabCurrentItems,
  kMetricSlabItemsAge,
  kMetricSlabCrawlerReclaimed,
  kMetricSlabEvicted,
  kMetricSlabEvictedNonzero,
  kMetricSlabEvictedTime,
  kMetricSlabEvictedUnfetched,
  kMetricSlabExpiredUnfetched,
  kMetricSlabOutofmemory,
  kMetricSlabReclaimed,
  kMetricSlabTailrepairs,
  kMetricSlabMovesToCold,
  kMetricSlabMovesToWarm,
  kMetricSlabMovesWithinLru,
  kMetricSlabHotItems,
  kMetricSlabWarmItems,
  kMetricSlabColdItems,
  kMetricSlabTemporaryItems,
  kMetricSlabHotAge,
  kMetricSlabWarmAge,
  kMetricSlabLruHits,
  kMetricSlabChunkSize,
  kMetricSlabChunksPerPage,
  kMetricSlabCurrentPages,
  kMetricSlabCurrentChunks,
  kMetricSlabChunksUsed,
  kMetricSlabChunksFree,
  kMetricSlabChunksFreeEnd,
  kMetricSlabMemRequested,
  kMetricSlabCommands,
  kMetricExtCompactLost,
  kMetricExtCompactRescued,
  kMetricExtCompactSkipped,
  kMetricExtPagesAllocated,
  kMetricExtPagesEvicted,
  kMetricExtPagesReclaimed,
  kMetricExtPagesFree,
  kMetricExtPagesUsed,
  kMetricExtObjectsEvicted,
  kMetricExtObjectsRead,
  kMetricExtObjectsWritten,
  kMetricExtObjectsUsed,
  kMetricExtBytesEvicted,
  kMetricExtBytesWritten,
  kMetricExtBytesRead,
  kMetricExtBytesUsed,
  kMetricExtBytesFragmented,
  kMetricExtBytesLimit,
  kMetricExtIoQueueDepth,
  kMetricAcceptingConnections,
  kNumFamilies
};

// The families, built once (stable addresses, as the Appender requires).
const std::array<MetricFamily, kNumFamilies>& Families();

// Adds the samples of the parsed `stats`/`stats slabs`/`stats items`;
// false when a value did not parse (memcached_up 0).
bool AddStats(const Stats& s, SeriesCache& out);
// Adds the samples of `stats settings`; false as above.
bool AddSettings(const Settings& s, SeriesCache& out);

}  // namespace outpost::integrations::memcached

#endif  // OUTPOST_INTEGRATIONS_MEMCACHED_EXPORTER_H_
