#include "remote_write/watcher.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/base/scratch.h"
#include "core/base/log.h"
#include "core/wal/env.h"
#include "core/wal/format.h"
#include "core/wal/reader.h"

namespace outpost::remote_write {
namespace {

// A segment file read with pread from `base` (a page boundary) on.
class TailFile final : public wal::SequentialFile {
 public:
  TailFile(int fd, uint64_t base) : fd_(fd), pos_(base) {}
  ~TailFile() override { close(fd_); }
  absl::StatusOr<size_t> Read(size_t n, char* scratch) override {
    for (;;) {
      const ssize_t r = pread(fd_, scratch, n, static_cast<off_t>(pos_));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return absl::InternalError(absl::StrCat("pread: ", std::strerror(errno)));
      pos_ += static_cast<uint64_t>(r);
      return static_cast<size_t>(r);
    }
  }

 private:
  const int fd_;
  uint64_t pos_;
};

// Logs damage found past what was already consumed. Re-reading from a page
// start may meet the tail fragments of a record consumed earlier: those
// reports (before `consumed`) are expected and ignored.
class TailReporter final : public wal::Reporter {
 public:
  TailReporter(const std::string& name, uint64_t base, uint64_t consumed)
      : name_(name), base_(base), consumed_(consumed) {}
  void Report(const wal::Corruption& c) override {
    if (base_ + c.offset < consumed_) return;
    const std::string seg = absl::StrCat(c.segment);
    const std::string off = absl::StrCat(base_ + c.offset);
    log::Warn("remote write watcher: damaged WAL record skipped",
              {{"remote_name", name_}, {"segment", seg}, {"offset", off},
               {"reason", c.reason}});
  }

 private:
  const std::string& name_;
  const uint64_t base_;
  const uint64_t consumed_;
};

}  // namespace

Watcher::Watcher(WatcherOptions options, QueueManager* queue, AckTracker* acks,
                 EndpointMetrics* metrics)
    : options_(std::move(options)),
      queue_(queue),
      acks_(acks),
      metrics_(metrics),
      external_(ExternalLabels(options_.external_labels)) {}

Watcher::~Watcher() { Stop(false); }

void Watcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Watcher::Notify() {
  absl::MutexLock l(&mu_);
  notified_ = true;
  cv_.Signal();
}

void Watcher::Stop(bool drain) {
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
    drain_ = drain;
    cv_.Signal();
  }
  if (!drain) queue_->Unblock();
  if (thread_.joinable()) thread_.join();
}

size_t Watcher::series() const { return series_count_.load(); }

std::vector<MetadataEntry> Watcher::Metadata() const {
  absl::MutexLock l(&meta_mu_);
  std::vector<MetadataEntry> out;
  out.reserve(metadata_.size());
  for (const auto& [family, m] : metadata_) out.push_back(m);
  return out;
}

void Watcher::StoreSeries(const wal::RawSeries& s) {
  auto [it, inserted] = series_.try_emplace(s.ref);
  SeriesEntry& e = it->second;
  const auto segment = static_cast<uint32_t>(store_segment_);
  if (!inserted) {  // same ref, same labels (checkpoint + segment)
    if (in_checkpoint_) {
      e.mark = gc_epoch_;
    } else {
      e.segment = std::max(e.segment, segment);
    }
    return;
  }
  e.segment = segment;
  if (in_checkpoint_) e.mark = gc_epoch_;
  const std::string_view bytes = CanonicalLabelBytes(s.labels, &canonical_);
  if (bytes.size() <= 1) {
    // Malformed, or no label at all: dropped (no family).
  } else if (options_.write_relabel_configs.empty()) {
    // The set the storage interned when it wrote the record (or replayed
    // it): a reference, not a copy.
    e.labels.set = LabelStore::Default().Intern(bytes);
  } else {
    Labels labels;
    DecodeLabelBytes(bytes, &labels);
    for (const Label& l : external_) {
      if (!labels.Has(l.name)) labels.Set(l.name, l.value);
    }
    if (relabel::Process(options_.write_relabel_configs, labels) && !labels.empty()) {
      e.labels.set = LabelStore::Default().Intern(labels);
    }
  }
  series_count_.store(series_.size());
}

void Watcher::StoreMetadata(const wal::RefMetadata& m) {
  auto it = series_.find(m.ref);
  if (it == series_.end() || it->second.dropped()) return;
  // The family is the series' (relabeled) metric name, found when needed
  // (metadata comes once per series and change) rather than kept.
  std::string_view family;
  ForEachLabel(it->second.labels.set.bytes(), [&](std::string_view n, std::string_view v) {
    if (n == kMetricName) family = v;
  });
  if (family.empty()) return;
  absl::MutexLock l(&meta_mu_);
  MetadataEntry& e = metadata_[std::string(family)];
  e.family = std::string(family);
  e.type = m.type;
  e.help = m.help;
  e.unit = m.unit;
}

bool Watcher::Process(std::string_view rec, Position end, bool samples) {
  switch (wal::GetRecordType(rec)) {
    case wal::RecordType::kSeries:
      dec_series_.clear();
      (void)wal::DecodeSeriesRaw(rec, &dec_series_);  // keep what decoded
      for (const auto& s : dec_series_) StoreSeries(s);
      ReleaseIfOversized(dec_series_, dec_series_.size());
      break;
    case wal::RecordType::kMetadata:
      dec_meta_.clear();
      (void)wal::DecodeMetadata(rec, &dec_meta_);
      for (const auto& m : dec_meta_) StoreMetadata(m);
      ReleaseIfOversized(dec_meta_, dec_meta_.size());
      break;
    case wal::RecordType::kSamples: {
      if (!samples) return true;
      dec_samples_.clear();
      (void)wal::DecodeSamples(rec, &dec_samples_);
      items_.clear();
      size_t dropped = 0;
      // Re-read after a restart: what was done before is not sent again
      // (progress.h); past that, new samples go out only once the re-sent
      // ones were answered, never in one request with them.
      const bool resend = end <= acks_->resend_horizon();
      if (!resend && !resend_over_) {
        resend_over_ = true;
        if (resent_ > 0 && !queue_->WaitIdle()) return false;
        if (skipped_ > 0 || resent_ > 0) {
          log::Info("remote write resumed after a restart",
                    {{"remote_name", options_.name},
                     {"samples_sent_before", absl::StrCat(skipped_)},
                     {"samples_sent_again", absl::StrCat(resent_)}});
        }
      }
      for (const wal::RefSample& s : dec_samples_) {
        auto it = series_.find(s.ref);
        if (it == series_.end() || it->second.dropped()) {
          ++dropped;
          continue;
        }
        if (resend && acks_->IsDone(s.ref, s.t)) {
          ++skipped_;
          continue;
        }
        highest_t_ = std::max(highest_t_, s.t);
        items_.push_back(PendingSample{&it->second.labels, s.t, s.v, 0, s.ref});
      }
      if (resend) resent_ += items_.size();
      if (dropped > 0) metrics_->samples_dropped_total.Increment(static_cast<double>(dropped));
      metrics_->highest_timestamp_seconds.Set(static_cast<double>(highest_t_) / 1000.0);
      const uint64_t seq = acks_->Push(end, items_.size());
      last_pushed_ = end;
      for (PendingSample& p : items_) p.seq = seq;
      return queue_->Append(items_);
    }
    case wal::RecordType::kExemplars: {
      if (!samples || !options_.send_exemplars) break;
      dec_exemplars_.clear();
      (void)wal::DecodeExemplars(rec, &dec_exemplars_);
      items_.clear();
      for (const wal::RefExemplar& x : dec_exemplars_) {
        auto it = series_.find(x.ref);
        if (it == series_.end() || it->second.dropped()) continue;
        exemplar_bytes_.emplace_back(end, std::string());
        EncodeLabels(x.labels, &exemplar_bytes_.back().second);
        items_.push_back(PendingSample{&it->second.labels, x.t, x.v, 0, x.ref,
                                       &exemplar_bytes_.back().second});
      }
      const uint64_t seq = acks_->Push(end, items_.size());
      last_pushed_ = end;
      for (PendingSample& p : items_) p.seq = seq;
      return queue_->Append(items_);
    }
    default:
      break;
  }
  if (samples) {
    acks_->Push(end, 0);  // keeps the acked position moving
    last_pushed_ = end;
  }
  return true;
}

void Watcher::ReadSeriesOnly(const std::string& dir, uint64_t first, uint64_t last,
                             std::optional<uint64_t> checkpoint) {
  wal::Env* env = wal::Env::Default();
  auto reader = wal::Reader::Open(env, dir, nullptr, first);
  if (!reader.ok()) return;
  in_checkpoint_ = checkpoint.has_value();
  if (checkpoint) {
    ++gc_epoch_;
    checkpoint_read_ = checkpoint;
  }
  std::string_view rec;
  while ((*reader)->ReadRecord(&rec)) {
    if ((*reader)->segment() > last) break;
    store_segment_ = checkpoint ? *checkpoint : (*reader)->segment();
    Process(rec, Position{}, /*samples=*/false);
  }
  in_checkpoint_ = false;
}

void Watcher::CollectSeries(uint64_t cur) {
  last_gc_check_ = absl::Now();
  auto cps = wal::ListCheckpoints(wal::Env::Default(), options_.wal_dir);
  if (!cps.ok() || cps->empty()) return;
  const uint64_t n = cps->back();
  if (n >= cur || (checkpoint_read_ && n <= *checkpoint_read_)) return;
  ReadSeriesOnly(absl::StrCat(options_.wal_dir, "/", wal::CheckpointName(n)), 0, UINT64_MAX, n);
  // Series recorded at or before n that n no longer holds are gone for
  // good (tsdb/wlog/watcher.go garbageCollectSeries, SeriesReset).
  std::vector<SeriesMap::node_type> gone;
  for (auto it = series_.begin(); it != series_.end();) {
    if (it->second.segment <= n && it->second.mark != gc_epoch_) {
      gone.push_back(series_.extract(it++));  // freed once acked
    } else {
      ++it;
    }
  }
  series_count_.store(series_.size());
  if (!gone.empty()) {
    metrics_->series_collected_total.Increment(static_cast<double>(gone.size()));
    retired_.emplace_back(last_pushed_, std::move(gone));
  }
  FreeRetired();
}

void Watcher::FreeRetired() {
  if (retired_.empty() && exemplar_bytes_.empty()) return;
  const Position acked = acks_->acked();
  while (!exemplar_bytes_.empty() && exemplar_bytes_.front().first <= acked) {
    exemplar_bytes_.pop_front();
  }
  size_t n = 0;
  while (n < retired_.size() && retired_[n].first <= acked) ++n;
  retired_.erase(retired_.begin(), retired_.begin() + static_cast<std::ptrdiff_t>(n));
}

bool Watcher::ReadSegment(uint64_t seg, uint64_t* consumed, uint64_t skip_until,
                          bool* missing) {
  const std::string path = absl::StrCat(options_.wal_dir, "/", wal::SegmentName(seg));
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (missing != nullptr) *missing = fd < 0;
  if (fd < 0) return true;  // gone (truncated) or not there yet
  store_segment_ = seg;
  const uint64_t base = *consumed / wal::kPageSize * wal::kPageSize;
  TailFile file(fd, base);
  TailReporter reporter(options_.name, base, *consumed);
  wal::SegmentReader reader(&file, seg, /*last=*/true, &reporter);
  std::string_view rec;
  while (reader.ReadRecord(&rec)) {
    const uint64_t end = base + reader.end_offset();
    if (end <= *consumed) continue;
    *consumed = end;
    if (!Process(rec, Position{seg, end}, end > skip_until)) return false;
  }
  return true;
}

void Watcher::Run() {
  wal::Env* env = wal::Env::Default();
  const std::string& dir = options_.wal_dir;
  auto segs = wal::ListSegments(env, dir);
  auto cps = wal::ListCheckpoints(env, dir);
  std::optional<uint64_t> checkpoint;
  if (cps.ok() && !cps->empty()) checkpoint = cps->back();
  uint64_t oldest = segs.ok() && !segs->empty() ? segs->front() : 0;
  if (checkpoint) oldest = std::max(oldest, *checkpoint + 1);
  Position start = options_.start.value_or(Position{oldest, 0});
  if (segs.ok() && !segs->empty() && start.segment > segs->back()) {
    // The WAL was replaced (deleted, restored): the saved position means
    // nothing in it any more; send what it holds.
    log::Warn("remote write: saved position is past the end of the WAL, starting over",
              {{"remote_name", options_.name},
               {"saved_segment", absl::StrCat(start.segment)},
               {"last_segment", absl::StrCat(segs->back())}});
    start = Position{oldest, 0};
    acks_->Reset(start);
  }
  if (start.segment < oldest) {
    if (options_.start) {
      metrics_->segments_lost_total.Increment(static_cast<double>(oldest - start.segment));
      log::Warn("remote write: WAL data after the saved position was truncated before it was sent",
                {{"remote_name", options_.name},
                 {"saved_segment", absl::StrCat(start.segment)},
                 {"oldest_segment", absl::StrCat(oldest)}});
    }
    start = Position{oldest, 0};
  }
  if (checkpoint) {
    ReadSeriesOnly(absl::StrCat(dir, "/", wal::CheckpointName(*checkpoint)), 0, UINT64_MAX,
                   *checkpoint);
  }
  if (start.segment > oldest) ReadSeriesOnly(dir, oldest, start.segment - 1);

  uint64_t cur = start.segment;
  uint64_t consumed = 0;
  uint64_t skip_until = start.offset;
  bool opened = false;  // `cur` was found at least once
  metrics_->watcher_current_segment.Set(static_cast<double>(cur));
  for (;;) {
    bool missing = false;
    if (!ReadSegment(cur, &consumed, skip_until, &missing)) return;  // queue stopped
    opened |= !missing;
    FreeRetired();
    bool stop, drain;
    {
      absl::MutexLock l(&mu_);
      stop = stop_;
      drain = drain_;
    }
    if (stop && !drain) return;
    std::optional<uint64_t> next;
    if (auto s = wal::ListSegments(env, dir); s.ok()) {
      for (uint64_t x : *s) {
        if (x > cur) {
          next = x;
          break;
        }
      }
    }
    if (next) {
      // The writer moved on: whatever it wrote to `cur` is complete.
      if (!ReadSegment(cur, &consumed, skip_until, &missing)) return;
      opened |= !missing;
      // Segment numbers are contiguous: a gap (or a current segment that
      // vanished unread) is a forced truncation that outran this endpoint.
      const uint64_t lost = *next - cur - 1 + (opened ? 0 : 1);
      if (lost > 0) {
        metrics_->segments_lost_total.Increment(static_cast<double>(lost));
        log::Warn("remote write watcher: WAL segments were truncated before they were read, "
                  "continuing with the first remaining one",
                  {{"remote_name", options_.name},
                   {"first_lost", absl::StrCat(opened ? cur + 1 : cur)},
                   {"last_lost", absl::StrCat(*next - 1)},
                   {"resume_segment", absl::StrCat(*next)}});
      }
      cur = *next;
      consumed = 0;
      skip_until = 0;
      opened = false;
      metrics_->watcher_current_segment.Set(static_cast<double>(cur));
      CollectSeries(cur);  // also learns the series of lost segments
      continue;
    }
    if (stop) {  // drained: everything up to the end was read
      return;
    }
    if (absl::Now() - last_gc_check_ >= options_.poll_interval) CollectSeries(cur);
    absl::MutexLock l(&mu_);
    if (!notified_ && !stop_) cv_.WaitWithTimeout(&mu_, options_.poll_interval);
    notified_ = false;
  }
}

}  // namespace outpost::remote_write
