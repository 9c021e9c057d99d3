// SampleBatch: the samples of one commit as an appender collects them, the
// timestamp held once per run of samples that share it. A scrape's or a
// collection round's samples all have one timestamp, so a sample costs
// 16 bytes (ref and value) instead of RefSample's 24 (issue 23: a
// 100k-series target's batch is 1.6 MB, not 2.4). The worst case, every
// sample with its own timestamp, is 32 bytes a sample.
//
// Thread-safety: none (one appender's).
#ifndef OUTPOST_CORE_WAL_SAMPLE_BATCH_H_
#define OUTPOST_CORE_WAL_SAMPLE_BATCH_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/base/scratch.h"
#include "core/wal/records.h"

namespace outpost::wal {

class SampleBatch {
 public:
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

  void push_back(const RefSample& s) {
    if (runs_.empty() || runs_.back().t != s.t) runs_.push_back(Run{items_.size(), s.t});
    items_.push_back(Item{s.ref, s.v});
  }

  // Empties the batch, keeping the buffers for the next round (but a runs
  // buffer far larger than the round needed).
  void clear() {
    ReleaseIfOversized(runs_, runs_.size());
    items_.clear();
    runs_.clear();
  }

  // Keeps the samples for which keep(const RefSample&) is true, in order;
  // returns how many.
  template <typename F>
  size_t Filter(F&& keep) {
    size_t kept = 0, kept_runs = 0;
    for (size_t r = 0; r < runs_.size(); ++r) {
      const Run run = runs_[r];
      const size_t end = r + 1 < runs_.size() ? runs_[r + 1].start : items_.size();
      const size_t first_kept = kept;
      for (size_t i = run.start; i < end; ++i) {
        if (keep(RefSample{items_[i].ref, run.t, items_[i].v})) items_[kept++] = items_[i];
      }
      if (kept > first_kept) {
        // Runs never grow here: a kept run starts at or before its old start.
        if (kept_runs > 0 && runs_[kept_runs - 1].t == run.t) continue;
        runs_[kept_runs++] = Run{first_kept, run.t};
      }
    }
    items_.resize(kept);
    runs_.resize(kept_runs);
    return kept;
  }

  // Replaces *out with the samples [at, at + n).
  void Get(size_t at, size_t n, std::vector<RefSample>* out) const {
    out->clear();
    n = std::min(n, items_.size() - std::min(at, items_.size()));
    if (n == 0) return;
    // The run holding `at`: the last one starting at or before it.
    size_t r = static_cast<size_t>(
        std::upper_bound(runs_.begin(), runs_.end(), at,
                         [](size_t i, const Run& run) { return i < run.start; }) -
        runs_.begin() - 1);
    for (size_t i = at; i < at + n; ++i) {
      while (r + 1 < runs_.size() && runs_[r + 1].start <= i) ++r;
      out->push_back(RefSample{items_[i].ref, runs_[r].t, items_[i].v});
    }
  }

 private:
  struct Item {
    uint64_t ref;
    double v;
  };
  struct Run {
    size_t start;  // index of its first sample
    int64_t t;
  };
  std::vector<Item> items_;
  std::vector<Run> runs_;
};

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_SAMPLE_BATCH_H_
