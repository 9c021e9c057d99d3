// What a Prometheus scrape loop does with one response body of one target
// (scrape/scrape.go scrapeLoop.append and its scrapeCache): parse it,
// merge each series' labels with the target's, apply
// metric_relabel_configs and the limits, append the samples to the sink as
// one commit, write staleness markers for series that disappeared, and the
// report series (up, scrape_duration_seconds, scrape_samples_scraped,
// scrape_samples_post_metric_relabeling, scrape_series_added).
//
// The cache is keyed by the raw series text of the body, so a steady-state
// sample costs one hash lookup and one append: labels are only built,
// merged and relabeled the first time a series is seen (or after the sink
// forgot it). The text itself is not kept (issue 23: the labels live once,
// in the process' LabelStore): the key is a 128-bit hash of it, two
// independent 64-bit hashes, so two series of a target share an entry with
// probability n^2 / 2^129 (below 1e-26 for a million series).
//
// The body may be fed as it arrives (Begin, Feed, Finish): samples go
// straight into the sink's appender, and no copy of the body is kept.
//
// A failed scrape (HTTP error, parse error, sample_limit or a label limit
// exceeded) appends nothing of the body (its appender is rolled back, as
// Prometheus' is): it writes staleness markers for every series of the
// last good scrape and the report series with up 0, as Prometheus does.
//
// Thread-safety: one ScrapeCache per target, used by one thread.
#ifndef OUTPOST_CORE_SCRAPE_SCRAPE_CACHE_H_
#define OUTPOST_CORE_SCRAPE_SCRAPE_CACHE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/base/labels.h"
#include "core/base/metric.h"
#include "core/base/sink.h"
#include "core/relabel/relabel.h"
#include "core/scrape/text_parser.h"

namespace outpost::scrape {

struct AppendOptions {
  Labels target;  // job, instance and the target's other labels
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  std::vector<relabel::Config> metric_relabel_configs;  // compiled
  // 0: unlimited (Prometheus' defaults).
  uint64_t sample_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
};

struct ScrapeStats {
  uint64_t samples_scraped = 0;
  uint64_t samples_post_relabel = 0;
  uint64_t series_added = 0;
  uint64_t duplicates = 0;     // same series twice in one body (ignored)
  uint64_t out_of_order = 0;   // honored timestamp older than the last
  uint64_t exemplars = 0;      // new exemplars appended
};

class ScrapeCache {
 public:
  ScrapeCache(AppendOptions opts, std::shared_ptr<SampleSink> sink);
  ~ScrapeCache();

  // Appends one scrape taken at `t` that took `took`. `fetch` is the
  // result of fetching the body: not OK means the scrape failed before
  // parsing. Returns the scrape's error (what makes up 0), or OK; the
  // report series are written either way. A sink error is returned too.
  // The same as Begin, Feed(body) and Finish.
  absl::Status Append(const absl::Status& fetch, std::string_view body,
                      std::string_view content_type, absl::Time t, absl::Duration took);

  // One scrape taken at `t`, its body parsed as it arrives (issue 23: no
  // copy of a whole body is kept). Begin, then Feed each piece of the body
  // in order (any split; a line cut between pieces waits for the rest),
  // then Finish with the fetch's result. `content_type` is the response's,
  // read at the first piece. Feed returns the scrape's error once one is
  // found (later pieces are ignored, the fetch may stop); Finish returns
  // what Append does.
  void Begin(absl::Time t);
  absl::Status Feed(std::string_view piece, std::string_view content_type);
  absl::Status Finish(const absl::Status& fetch, absl::Duration took);

  // Staleness markers for every series of the last scrape (the target went
  // away or the loop stops), including the report series.
  absl::Status MarkAllStale(absl::Time t);

  const ScrapeStats& last_stats() const { return stats_; }
  size_t cached_series() const { return cache_.size(); }

 private:
  // 24 bytes; with its 16-byte key one 40-byte slot of the flat table
  // (issue 23: memory per series).
  struct Entry {
    uint64_t ref = 0;            // sink reference; 0 for dropped series
    int64_t last_ts = 0;         // timestamp of the last sample
    uint32_t last_exemplar = 0;  // identity of the last exemplar appended
    bool seen : 1 = false;       // this scrape had it
    bool appended : 1 = false;   // this scrape appended a sample of it
    bool in_last : 1 = false;    // the last good scrape did (it gets markers)
    bool dropped : 1 = false;    // metric relabeling dropped it
    bool explicit_ts : 1 = false;  // the last sample had its own timestamp
  };
  static_assert(sizeof(Entry) == 24);
  struct Key {
    uint64_t a, b;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return k.a; }  // already a hash
  };
  static Key KeyOf(std::string_view series_text);

  // Parses `piece` (whole lines unless `last`) into the open appender.
  absl::Status Parse(std::string_view piece, bool last);
  absl::Status NewSeries(const class TextParser& p, Entry* e);
  // Markers for the series of the last good scrape: those this scrape did
  // not append (`all`: every one). One pass over the cache, which also
  // resets the per-scrape bits and, after a `good` scrape, forgets what
  // it did not have.
  void WriteStale(int64_t t_ms, bool all, bool good);
  void WriteReport(int64_t t_ms, bool up, absl::Duration took);
  const MetricFamily* FamilyOf(std::string_view metric);

  const AppendOptions opts_;
  const std::shared_ptr<SampleSink> sink_;
  absl::flat_hash_map<Key, Entry, KeyHash> cache_;  // hash of the raw series text → entry
  absl::node_hash_map<std::string, MetricFamily> families_;  // TYPE/HELP/UNIT seen
  ScrapeStats stats_;
  Labels report_labels_[5];
  uint64_t report_refs_[5] = {};

  // The scrape in progress (Begin to Finish).
  std::unique_ptr<SinkAppender> app_;
  std::optional<TextParser> parser_;  // made at the first piece
  std::string carry_;                 // a line cut between pieces
  absl::Status error_;                // the first parse or limit error
  int64_t t_ms_ = 0;
};

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_SCRAPE_CACHE_H_
