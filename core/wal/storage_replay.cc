// Storage::Open: writer repair, checkpoint + segment replay, quarantine.
// Prometheus' agent does the same in tsdb/agent/db.go (replayWAL/loadWAL);
// unlike it, damage never stops the replay: it is counted and skipped.
#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/wal/reader.h"
#include "core/wal/records.h"
#include "core/wal/storage.h"

namespace outpost::wal {

// Counts and logs the damage the reader and the writer's repair find.
class Storage::CorruptionCounter final : public Reporter {
 public:
  explicit CorruptionCounter(std::string dir) : dir_(std::move(dir)) {}
  void Report(const Corruption& c) override {
    ++count;
    const std::string seg = SegmentName(c.segment);
    const std::string off = absl::StrCat(c.offset);
    const std::string bytes = absl::StrCat(c.bytes);
    log::Warn("WAL corruption", {{"dir", dir_},
                                 {"segment", seg},
                                 {"offset", off},
                                 {"bytes_dropped", bytes},
                                 {"kind", CorruptionKindName(c.kind)},
                                 {"reason", c.reason}});
  }
  uint64_t count = 0;

 private:
  std::string dir_;
};

struct Storage::ReplayScratch {
  std::vector<RawSeries> series;
  std::string canonical;  // a label set re-encoded (not as AppendLabels writes)
  std::vector<RefSample> samples;
  std::vector<RefMetadata> metadata;
  bool note_segments = false;  // replaying segments, not a checkpoint
  uint64_t unknown_refs = 0;
  uint64_t bad_records = 0;
};

absl::StatusOr<std::unique_ptr<Storage>> Storage::Open(Env* env, std::string dir,
                                                       StorageOptions options) {
  std::unique_ptr<Storage> s(new Storage(env, std::move(dir), options));
  if (absl::Status st = s->Replay(); !st.ok()) return st;
  return s;
}

absl::StatusOr<std::unique_ptr<Writer>> Storage::OpenWriter(Reporter* reporter) {
  WriterOptions wo;
  wo.segment_size = options_.segment_size;
  wo.compress = options_.compress;
  wo.reporter = reporter;
  absl::StatusOr<std::unique_ptr<Writer>> w = Writer::Open(env_, dir_, wo);
  if (w.ok() || absl::IsInvalidArgument(w.status())) return w;
  // The last segment could not be repaired (e.g. unreadable): set it aside
  // and start after it rather than failing every start.
  absl::StatusOr<std::vector<uint64_t>> segs = ListSegments(env_, dir_);
  if (!segs.ok() || segs->empty()) return w;
  log::Error("WAL open failed, quarantining the last segment",
             {{"dir", dir_}, {"err", ToStd(w.status().message())}});
  {
    absl::MutexLock lock(&mu_);
    Quarantine(dir_, SegmentName(segs->back()), /*replace=*/true);
  }
  return Writer::Open(env_, dir_, wo);
}

absl::Status Storage::Replay() {
  if (absl::Status s = env_->CreateDirs(dir_); !s.ok()) return s;
  CorruptionCounter reporter(dir_);
  absl::StatusOr<std::unique_ptr<Writer>> w = OpenWriter(&reporter);
  if (!w.ok()) return w.status();

  absl::MutexLock lock(&mu_);
  writer_ = std::move(*w);
  // The writer's new segment is empty: replay everything before it.
  const uint64_t end = writer_->segment();
  ReplayScratch scratch;
  uint64_t first = 0;
  absl::StatusOr<std::vector<uint64_t>> cps = ListCheckpoints(env_, dir_);
  if (!cps.ok()) return cps.status();
  if (!cps->empty()) {
    const uint64_t k = cps->back();
    ReplayDir(JoinPath(dir_, CheckpointName(k)), 0,
              std::numeric_limits<uint64_t>::max(), &reporter, scratch);
    first = k + 1;
  }
  scratch.note_segments = true;
  ReplayDir(dir_, first, end, &reporter, scratch);

  stats_.corruptions += reporter.count + scratch.bad_records;
  if (scratch.unknown_refs > 0) {
    log::Warn("WAL samples reference unknown series",
              {{"dir", dir_}, {"samples", absl::StrCat(scratch.unknown_refs)}});
  }
  base_size_ = static_cast<int64_t>(DirSize());
  stats_.active_series = series_.size();
  log::Info("WAL replay complete",
            {{"dir", dir_},
             {"series", absl::StrCat(series_.size())},
             {"next_ref", absl::StrCat(series_.next_ref())},
             {"segment", SegmentName(end)},
             {"corruptions", absl::StrCat(stats_.corruptions)}});
  PublishLocked();
  return absl::OkStatus();
}

void Storage::ReplayDir(const std::string& path, uint64_t first_segment,
                        uint64_t end_segment, Reporter* reporter,
                        ReplayScratch& scratch) {
  absl::StatusOr<std::vector<uint64_t>> segs = ListSegments(env_, path);
  if (!segs.ok()) {
    log::Error("WAL replay: cannot list directory",
               {{"dir", path}, {"err", ToStd(segs.status().message())}});
    ++stats_.corruptions;
    return;
  }
  CheckSequence(path, *segs, first_segment, end_segment, /*checkpoint=*/!scratch.note_segments);
  for (uint64_t idx : *segs) {
    if (idx < first_segment || idx >= end_segment) continue;
    const std::string name = SegmentName(idx);
    absl::StatusOr<std::unique_ptr<SequentialFile>> f =
        env_->NewSequentialFile(JoinPath(path, name));
    if (!f.ok()) {
      log::Error("WAL replay: cannot open segment",
                 {{"dir", path}, {"segment", name}, {"err", ToStd(f.status().message())}});
      Quarantine(path, name, /*replace=*/true);
      continue;
    }
    // Not `last`: the writer already repaired the tail of the last
    // segment, so anything torn here is damage.
    SegmentReader r(f->get(), idx, /*last=*/false, reporter);
    std::string_view rec;
    while (r.ReadRecord(&rec)) ReplayRecord(rec, idx, scratch);
    if (!r.status().ok()) {
      log::Error("WAL replay: read error",
                 {{"dir", path}, {"segment", name}, {"err", ToStd(r.status().message())}});
      f->reset();
      Quarantine(path, name, /*replace=*/true);
    }
  }
}

void Storage::ReplayRecord(std::string_view rec, uint64_t segment,
                           ReplayScratch& scratch) {
  absl::Status st;
  switch (GetRecordType(rec)) {
    case RecordType::kSeries: {
      scratch.series.clear();
      st = DecodeSeriesRaw(rec, &scratch.series);
      for (const RawSeries& s : scratch.series) {
        const std::string_view bytes = CanonicalLabelBytes(s.labels, &scratch.canonical);
        // (An empty label set is the one byte of its zero count.)
        if (s.ref == 0 || bytes.size() <= 1) continue;
        bool created = false;
        SeriesEntry* e = series_.InsertBytes(s.ref, bytes, &created);
        e->written = true;
        if (created) {
          ++stats_.created_series;
          e->last_segment = static_cast<uint32_t>(segment);
          deleted_.erase(e->ref);
        }
      }
      break;
    }
    case RecordType::kSamples: {
      scratch.samples.clear();
      st = DecodeSamples(rec, &scratch.samples);
      uint64_t known = 0;
      int64_t min_ts = std::numeric_limits<int64_t>::max();
      int64_t max_ts = std::numeric_limits<int64_t>::min();
      for (const RefSample& s : scratch.samples) {
        SeriesEntry* e = series_.Find(s.ref);
        if (e == nullptr) {
          ++scratch.unknown_refs;
          continue;
        }
        if (s.t > e->last_ts) e->last_ts = s.t;
        e->last_segment = static_cast<uint32_t>(segment);
        ++known;
        min_ts = std::min(min_ts, s.t);
        max_ts = std::max(max_ts, s.t);
      }
      if (scratch.note_segments) NoteSamples(segment, known, min_ts, max_ts);
      break;
    }
    case RecordType::kMetadata: {
      scratch.metadata.clear();
      st = DecodeMetadata(rec, &scratch.metadata);
      for (RefMetadata& m : scratch.metadata) {
        SeriesEntry* e = series_.Find(m.ref);
        if (e == nullptr) continue;
        if (e->metadata == nullptr || !e->metadata->Matches(m.type, m.unit, m.help)) {
          e->metadata = series_.InternMetadata(m.type, m.unit, m.help);
        }
      }
      break;
    }
    case RecordType::kTombstones:
    case RecordType::kExemplars:
    case RecordType::kMmapMarkers:
    case RecordType::kHistogramSamples:
    case RecordType::kFloatHistogramSamples:
      break;  // not written by outpost; nothing to rebuild from them
    case RecordType::kUnknown:
      st = absl::InvalidArgumentError("unknown record type");
      break;
  }
  if (!st.ok()) {
    ++scratch.bad_records;
    log::Warn("WAL replay: undecodable record",
              {{"dir", dir_},
               {"segment", SegmentName(segment)},
               {"err", ToStd(st.message())}});
  }
}

void Storage::CheckSequence(const std::string& path, const std::vector<uint64_t>& segs,
                            uint64_t first_segment, uint64_t end_segment, bool checkpoint) {
  // Prometheus refuses the whole WAL when segment numbers have a gap
  // ("segments are not sequential", tsdb/wlog/wlog.go listSegments), and
  // its agent cannot repair that (wlog.Repair handles CorruptionErr only),
  // so it stops at start. Here the gap is counted and logged, filled with
  // empty segments (so the sequence is whole again for every reader) and
  // replay goes on with the segments around it.
  std::optional<uint64_t> expect;  // the next segment number
  if (checkpoint) {
    // A checkpoint is written from segment 0 on (Prometheus' too): an
    // empty one lost its files.
    if (segs.empty()) {
      ++stats_.corruptions;
      log::Error("WAL checkpoint has no segment: its series are lost", {{"dir", path}});
      return;
    }
    expect = 0;
  }
  for (uint64_t idx : segs) {
    if (idx < first_segment || idx >= end_segment) continue;
    if (expect && idx > *expect) {
      ++stats_.corruptions;
      log::Error("WAL segments missing, replaying around them",
                 {{"dir", path},
                  {"first_missing", SegmentName(*expect)},
                  {"last_missing", SegmentName(idx - 1)}});
      for (uint64_t m = *expect; m < idx; ++m) {
        absl::StatusOr<std::unique_ptr<WritableFile>> f =
            env_->NewWritableFile(JoinPath(path, SegmentName(m)));
        if (f.ok()) (void)(*f)->Close();
      }
      (void)env_->SyncDir(path);
    }
    expect = idx + 1;
  }
}

void Storage::Quarantine(const std::string& dir, const std::string& name, bool replace) {
  const std::string from = JoinPath(dir, name);
  // A name not taken yet: an earlier quarantine's copy is kept.
  std::string to = from + ".corrupt";
  for (int i = 1; env_->FileExists(to); ++i) to = absl::StrCat(from, ".corrupt.", i);
  ++stats_.quarantined;
  ++stats_.corruptions;
  absl::Status s = env_->RenameFile(from, to);
  if (s.ok() && replace) {
    absl::StatusOr<std::unique_ptr<WritableFile>> f = env_->NewWritableFile(from);
    s = f.ok() ? (*f)->Close() : f.status();
  }
  if (s.ok()) s = env_->SyncDir(dir);
  log::Error("WAL file quarantined",
             {{"from", from}, {"to", to}, {"err", s.ok() ? "" : ToStd(s.message())}});
}

uint64_t Storage::DirSize() {
  uint64_t total = 0;
  auto add_dir = [&](const std::string& d) {
    absl::StatusOr<std::vector<uint64_t>> segs = ListSegments(env_, d);
    if (!segs.ok()) return;
    for (uint64_t i : *segs) {
      absl::StatusOr<uint64_t> n = env_->GetFileSize(JoinPath(d, SegmentName(i)));
      if (n.ok()) total += *n;
    }
  };
  add_dir(dir_);
  absl::StatusOr<std::vector<uint64_t>> cps = ListCheckpoints(env_, dir_);
  if (cps.ok()) {
    for (uint64_t k : *cps) add_dir(JoinPath(dir_, CheckpointName(k)));
  }
  return total;
}

}  // namespace outpost::wal
