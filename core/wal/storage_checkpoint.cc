// Storage::Truncate: series GC, checkpoint, segment deletion, following
// Prometheus' agent (tsdb/agent/db.go truncate, tsdb/wlog/checkpoint.go),
// except that the checkpoint never passes the lowest segment a reader still
// needs (SetLowestNeededSegment) unless max_wal_time / max_wal_size force
// it (storage_limits.cc), and that damage in the input is skipped
// and counted instead of aborting the checkpoint.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/wal/reader.h"
#include "core/wal/records.h"
#include "core/wal/storage.h"

namespace outpost::wal {
namespace {

// Flush checkpoint records at about this many bytes (Prometheus: ~1 MB).
constexpr size_t kCheckpointBatchBytes = 1 << 20;

class CountReporter final : public Reporter {
 public:
  void Report(const Corruption&) override { ++count; }
  uint64_t count = 0;
};

}  // namespace

absl::Status Storage::Truncate(const TruncateOptions& opts) {
  const int64_t mint_ms = opts.mint_ms;
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::FailedPreconditionError("WAL storage closed");
  // Writes are failing: the writer must recover first (a commit that then
  // writes says that writes resumed).
  if (!error_.ok()) {
    if (absl::Status s = writer_->Recover(); !s.ok()) return s;
  }
  ++stats_.truncations;

  // 1. GC: series with no sample at or after mint (and whose record is in
  //    the log) leave memory; their record is kept in checkpoints until
  //    the segment they were last written in is gone.
  std::vector<uint64_t> gone;
  series_.ForEach([&](SeriesEntry& e) {
    if (e.written && e.last_ts < mint_ms) gone.push_back(e.ref);
  });
  for (uint64_t ref : gone) {
    deleted_[ref] = series_.Find(ref)->last_segment;
    series_.Erase(ref);
  }

  // 2. Cut a segment so everything written so far is in a finished one.
  absl::StatusOr<uint64_t> cur = writer_->NextSegment();
  if (!cur.ok()) {
    WriteFailedLocked(cur.status(), 0);
    ++stats_.truncations_failed;
    PublishLocked();
    return cur.status();
  }
  absl::StatusOr<std::vector<uint64_t>> segs = ListSegments(env_, dir_);
  if (!segs.ok() || segs->empty() || segs->front() >= *cur) {
    PublishLocked();
    return segs.ok() ? absl::OkStatus() : segs.status();
  }
  // 3. Checkpoint the lower two thirds of the finished segments, never a
  //    segment a reader still needs unless a limit forces it
  //    (storage_limits.cc).
  const uint64_t first = segs->front();
  const std::optional<TruncationPlan> plan = PlanTruncation(opts, *segs, *cur);
  if (!plan.has_value()) {
    PublishLocked();
    return absl::OkStatus();
  }
  const uint64_t last = plan->last;

  ++stats_.checkpoint_creations;
  const std::string name = CheckpointName(last);
  const std::string tmp = JoinPath(dir_, name + ".tmp");
  absl::Status s = env_->RemoveAll(tmp);
  CountReporter reporter;
  std::unique_ptr<Writer> out;
  if (s.ok()) {
    WriterOptions wo;
    wo.compress = options_.compress;
    absl::StatusOr<std::unique_ptr<Writer>> w = Writer::Open(env_, tmp, wo);
    if (w.ok()) {
      out = std::move(*w);
    } else {
      s = w.status();
    }
  }
  // The highest ref ever handed out is always kept, even when GC'd: replay
  // derives the next ref from it, and a ref must never be reused (a
  // remote-write reader may still map it to the old labels).
  const uint64_t max_ref = series_.next_ref() - 1;
  auto keep = [&](uint64_t ref) {
    if (ref == max_ref || series_.Find(ref) != nullptr) return true;
    auto d = deleted_.find(ref);
    return d != deleted_.end() && d->second > last;
  };
  // Inputs: the newest checkpoint, then segments first..last.
  std::vector<std::string> inputs;
  absl::StatusOr<std::vector<uint64_t>> cps = ListCheckpoints(env_, dir_);
  if (cps.ok() && !cps->empty()) inputs.push_back(JoinPath(dir_, CheckpointName(cps->back())));
  inputs.push_back(dir_);
  // Series kept are copied into the checkpoint's records as the bytes
  // they were logged with (never decoded into Labels: a checkpoint of 100k
  // series would otherwise make ~50 MB of small allocations that stay in
  // the heap), at most kMaxRecordEntries or 1 MiB per record.
  std::string series_rec, samples_rec, canonical;
  size_t series_n = 0;
  std::vector<RefSample> samples;
  std::vector<RefMetadata> meta_in;
  absl::flat_hash_map<uint64_t, RefMetadata> latest_meta;
  auto flush = [&](bool force) {
    if (!s.ok()) return;
    if (series_n > 0 &&
        (force || series_n >= kMaxRecordEntries || series_rec.size() > kCheckpointBatchBytes)) {
      s = out->AddRecord(series_rec);
      series_rec.clear();
      series_n = 0;
    }
    if (s.ok() && samples.size() > 0 && (force || samples.size() * 12 > kCheckpointBatchBytes)) {
      samples_rec.clear();
      EncodeSamples(samples, &samples_rec);
      s = out->AddRecord(samples_rec);
      samples.clear();
    }
  };
  for (size_t in = 0; in < inputs.size() && s.ok(); ++in) {
    const bool is_cp = inputs[in] != dir_;
    absl::StatusOr<std::unique_ptr<Reader>> r =
        Reader::Open(env_, inputs[in], &reporter, is_cp ? 0 : first);
    if (!r.ok()) {
      s = r.status();
      break;
    }
    std::string_view rec;
    std::vector<RawSeries> dec_series;
    std::vector<RefSample> dec_samples;
    while (s.ok() && (*r)->ReadRecord(&rec)) {
      if (!is_cp && (*r)->segment() > last) break;
      switch (GetRecordType(rec)) {
        case RecordType::kSeries:
          dec_series.clear();
          (void)DecodeSeriesRaw(rec, &dec_series);
          for (const RawSeries& x : dec_series) {
            if (!keep(x.ref)) continue;
            if (series_n == 0) AppendSeriesHeader(&series_rec);
            AppendSeriesEntry(x.ref, CanonicalLabelBytes(x.labels, &canonical), &series_rec);
            ++series_n;
          }
          break;
        case RecordType::kSamples:
          dec_samples.clear();
          (void)DecodeSamples(rec, &dec_samples);
          for (const RefSample& x : dec_samples) {
            if (x.t >= mint_ms && keep(x.ref)) samples.push_back(x);
          }
          break;
        case RecordType::kMetadata:
          meta_in.clear();
          (void)DecodeMetadata(rec, &meta_in);
          for (RefMetadata& m : meta_in) {
            if (keep(m.ref)) latest_meta[m.ref] = std::move(m);
          }
          break;
        default:
          break;
      }
      flush(false);
    }
    if (s.ok()) s = (*r)->status();
  }
  flush(true);
  if (s.ok() && !latest_meta.empty()) {
    std::vector<RefMetadata> meta;
    for (auto& [ref, m] : latest_meta) meta.push_back(std::move(m));
    std::sort(meta.begin(), meta.end(),
              [](const RefMetadata& a, const RefMetadata& b) { return a.ref < b.ref; });
    std::string rec;
    for (size_t at = 0; at < meta.size() && s.ok(); at += kMaxRecordEntries) {
      rec.clear();
      EncodeMetadata(absl::MakeConstSpan(meta).subspan(at, kMaxRecordEntries), &rec);
      s = out->AddRecord(rec);
    }
  }
  if (out != nullptr) {
    absl::Status c = out->Close();  // pads and fsyncs
    if (s.ok()) s = c;
  }
  if (s.ok()) s = env_->SyncDir(tmp);
  if (s.ok()) s = env_->RenameFile(tmp, JoinPath(dir_, name));
  if (s.ok()) s = env_->SyncDir(dir_);
  stats_.corruptions += reporter.count;
  if (!s.ok()) {
    ++stats_.checkpoint_creations_failed;
    ++stats_.truncations_failed;
    (void)env_->RemoveAll(tmp);
    log::Error("WAL checkpoint failed", {{"dir", dir_}, {"err", ToStd(s.message())}});
    PublishLocked();
    return s;
  }

  // 4. Delete covered segments and older checkpoints; forget deleted series
  //    whose last segment is gone.
  for (uint64_t i : *segs) {
    if (i > last) break;
    (void)env_->RemoveFile(JoinPath(dir_, SegmentName(i)));
  }
  if (cps.ok()) {
    for (uint64_t k : *cps) {
      if (k < last) (void)env_->RemoveAll(JoinPath(dir_, CheckpointName(k)));
    }
  }
  for (auto it = deleted_.begin(); it != deleted_.end();) {
    if (it->second <= last) {
      ++stats_.removed_series;
      deleted_.erase(it++);
    } else {
      ++it;
    }
  }
  AccountTruncation(*plan);
  base_size_ = static_cast<int64_t>(DirSize()) -
               static_cast<int64_t>(writer_->stats().bytes_written);
  log::Info("WAL checkpoint complete",
            {{"dir", dir_}, {"first", SegmentName(first)}, {"last", SegmentName(last)},
             {"series_gc", absl::StrCat(gone.size())}});
  PublishLocked();
  return absl::OkStatus();
}

}  // namespace outpost::wal
