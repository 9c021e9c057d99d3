// The collection pipeline of one integration instance: the Appender its
// collector writes into, and what a Prometheus scrape would do with the
// result.
//
// For each series the collector reports, the pipeline (once, when the
// series is first seen) merges the target labels (job, instance,
// agent_hostname, integrations.labels, after relabel_configs) with the
// series' labels as honor_labels: false does (a clash renames the series'
// label to exported_<name>), applies metric_relabel_configs, and gets the
// sink's reference. A round then costs one array store per sample; at
// commit the round's samples, staleness markers for series that vanished,
// and the report series (up, scrape_duration_seconds,
// scrape_samples_scraped, scrape_samples_post_metric_relabeling,
// scrape_series_added) go to the sink as one commit.
//
// Target labels follow Grafana Agent static mode
// (static/integrations/manager.go: an injected __address__ → instance rule
// before the user's relabel_configs) and Prometheus' populateLabels
// (scrape/target.go: __address__, __metrics_path__, __scheme__,
// __scrape_interval__, __scrape_timeout__, job; "__"-prefixed labels are
// removed after relabeling).
//
// Thread-safety: Series/Add/CommitRound/DiscardRound are called by the one
// thread that runs collections; ReportFailure by the scheduler when a round
// times out (it touches only the report series); Snapshot from any thread.
#ifndef OUTPOST_CORE_AGENT_PIPELINE_H_
#define OUTPOST_CORE_AGENT_PIPELINE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/base/label_set.h"
#include "core/base/sink.h"
#include "core/base/metric.h"
#include "core/relabel/relabel.h"

namespace outpost {

struct TargetOptions {
  std::string job;           // "integrations/<name>"
  std::string instance;      // the instance key (or the `instance` setting)
  std::string address;       // __address__: the agent's HTTP listen address
  std::string metrics_path;  // "/integrations/<name>/metrics"
  // The scrape's query parameters (a handler integration's target=,
  // module=): __param_<key> labels, as Prometheus' populateLabels sets them.
  std::vector<std::pair<std::string, std::string>> params;
  absl::Duration scrape_interval = absl::Minutes(1);
  absl::Duration scrape_timeout = absl::Seconds(10);
  std::string agent_hostname;
  std::map<std::string, std::string> extra_labels;  // integrations.labels
  std::vector<relabel::Config> relabel_configs;         // compiled
  std::vector<relabel::Config> metric_relabel_configs;  // compiled
};

class CollectionPipeline final : public Appender {
 public:
  // `sink` may be null: the round is then only kept for Snapshot()
  // (scrape_integration: false).
  CollectionPipeline(TargetOptions opts, std::shared_ptr<SampleSink> sink);
  ~CollectionPipeline() override;

  // The target's labels after relabel_configs; empty when relabeling dropped
  // the target (then nothing goes to the sink).
  const Labels& target_labels() const { return target_labels_; }
  const TargetOptions& options() const { return opts_; }
  bool target_dropped() const { return target_dropped_; }

  // Appender.
  SeriesRef Series(const MetricFamily& family, const Labels& labels,
                   std::string_view suffix) override;
  void Add(SeriesRef ref, double value) override;
  using Appender::Add;

  // Ends the round started by the first Add after the previous commit:
  // writes its samples at `t` (plus staleness markers and the report
  // series) and commits. `status` is the collection's result: non-OK
  // discards the round's samples and reports up 0.
  absl::Status CommitRound(absl::Time t, const absl::Status& status, absl::Duration took);
  // Forgets the round's samples without writing anything (a round that the
  // scheduler already reported as timed out).
  void DiscardRound();
  // Writes only the report series with up 0 (a timed-out or skipped round).
  absl::Status ReportFailure(absl::Time t, absl::Duration took);
  // Writes staleness markers for every series of the last round and the
  // report series (the integration was removed or disabled by a reload).
  absl::Status MarkAllStale(absl::Time t);

  // The last successful round as the collector reported it (raw labels, no
  // target labels), sorted by name then labels.
  std::vector<CollectedSample> Snapshot() const;

  struct Stats {
    uint64_t samples_scraped = 0;
    uint64_t samples_post_relabel = 0;
    uint64_t series_added = 0;
  };
  Stats last_stats() const;

 private:
  // One series the collector reported, with one interned label set
  // (core/base/label_set.h). Usually that is the series' final labels
  // (target labels merged): the very set the WAL's series table and the
  // remote-write watchers hold, so the pipeline costs no label bytes of
  // its own, and the raw labels are those final labels without the target
  // labels and __name__ (`final_form`; checked when the entry is made).
  // Where that does not hold (a clash renamed to exported_<name>,
  // metric_relabel_configs, a dropped target) the raw labels are kept and
  // the final ones computed when the series is first written, and again
  // only if it comes back after a staleness marker.
  struct Entry {
    const MetricFamily* family = nullptr;
    LabelSet labels;             // final (final_form) or raw labels
    uint64_t sink_ref = 0;       // 0: not written yet, or reset after a stale marker
    double value = 0;            // this round's value
    double committed_value = 0;  // value in the last committed round
    uint32_t round = 0;          // round of the last Add
    uint32_t committed_round = 0;
    uint16_t suffix = 0;         // index in suffixes_
    bool resolved = false;       // `dropped` is known (set at the first commit)
    bool dropped = false;
    bool final_form = false;
  };
  static_assert(sizeof(Entry) == 56);
  // Entries in blocks of kBlock: a large collection grows by whole blocks
  // (no copy of what it has, no doubled capacity); the first block grows
  // like a vector, so a target with a few dozen series (one of 500
  // blackbox targets) does not hold a whole block.
  class EntryBlocks {
   public:
    static constexpr size_t kBlock = 1024;
    size_t size() const { return size_; }
    Entry& operator[](size_t i) { return blocks_[i / kBlock][i % kBlock]; }
    const Entry& operator[](size_t i) const { return blocks_[i / kBlock][i % kBlock]; }
    Entry& push_back(Entry e);
    template <typename F>
    void ForEach(F&& f) {
      for (size_t i = 0; i < size_; ++i) f((*this)[i]);
    }
    template <typename F>
    void ForEach(F&& f) const {
      for (size_t i = 0; i < size_; ++i) f((*this)[i]);
    }

   private:
    std::vector<std::vector<Entry>> blocks_;
    size_t size_ = 0;
  };
  struct KeyView {
    const MetricFamily* family;
    uint16_t suffix;
    const Labels* labels;  // a looked-up series
    const Entry* entry;    // or a stored one
  };
  // index_ holds entry indices; hashing and comparing look through to
  // entries_ (the raw labels of a final_form entry are read out of its
  // final ones, skipping the target's label names), so the key is not a
  // second copy of the labels.
  struct KeyHash {
    using is_transparent = void;
    const EntryBlocks* entries;
    const Labels* target;
    size_t operator()(const KeyView& k) const;
    size_t operator()(uint32_t i) const { return (*this)(View(*entries, i)); }
  };
  struct KeyEq {
    using is_transparent = void;
    const EntryBlocks* entries;
    const Labels* target;
    KeyView Of(const KeyView& k) const { return k; }
    KeyView Of(uint32_t i) const { return View(*entries, i); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Equal(Of(a), Of(b), *target);
    }
    static bool Equal(const KeyView& x, const KeyView& y, const Labels& target);
  };
  static KeyView View(const EntryBlocks& entries, uint32_t i) {
    const Entry& e = entries[i];
    return {e.family, e.suffix, nullptr, &e};
  }
  // Calls f(name, value) for each raw label of `e` in order; false when
  // its bytes are malformed.
  template <typename F>
  static bool ForEachRawLabel(const Entry& e, const Labels& target, F&& f);
  Labels RawLabels(const Entry& e) const;
  std::string NameOf(const Entry& e) const;
  struct ReportSeries;

  Labels FinalLabels(const std::string& name, const Labels& raw, bool* dropped) const;
  absl::Status WriteReport(SinkAppender* app, int64_t t_ms, bool up, absl::Duration took,
                           const Stats& stats);

  const TargetOptions opts_;
  const std::shared_ptr<SampleSink> sink_;
  Labels target_labels_;
  bool target_dropped_ = false;

  EntryBlocks entries_;  // growth guarded by mu_ (Snapshot reads it)
  // Name suffixes the collector used ("", "_bucket", ...); Entry::suffix
  // indexes them. Guarded like entries_.
  std::vector<std::string> suffixes_{""};
  absl::flat_hash_set<uint32_t, KeyHash, KeyEq> index_;  // entries_ indices
  uint32_t round_ = 1;          // the round being collected
  uint32_t committed_ = 0;      // the last committed round

  mutable std::mutex mu_;       // guards entries_ growth, committed_*, stats_
  std::mutex report_mu_;        // serializes report writes
  std::unique_ptr<ReportSeries> report_;
  Stats stats_;
};

}  // namespace outpost

#endif  // OUTPOST_CORE_AGENT_PIPELINE_H_
