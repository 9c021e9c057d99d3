// Storage: appenders, commit, notification. Open and replay are in
// storage_replay.cc, truncation and checkpoints in storage_checkpoint.cc.
#include "core/wal/storage.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/base/scratch.h"
#include "core/wal/records.h"
#include "core/wal/sample_batch.h"

namespace outpost::wal {

// What one appender accumulates between commits; reused across rounds.
struct Storage::Batch {
  // Refs whose Series record may not be in the log yet (checked at commit).
  std::vector<uint64_t> new_series;
  SampleBatch samples;
  std::vector<RefExemplar> exemplars;
  // Families must stay valid until Commit/Rollback (collectors keep them
  // as members).
  std::vector<std::pair<uint64_t, const MetricFamily*>> metadata;

  bool empty() const {
    return new_series.empty() && samples.empty() && metadata.empty() && exemplars.empty();
  }
  void Clear() {
    // New series and metadata come in bursts (a new target's first round):
    // their buffers are not kept once a round needs far less (samples' are).
    ReleaseIfOversized(new_series, new_series.size());
    ReleaseIfOversized(metadata, metadata.size());
    new_series.clear();
    samples.clear();
    exemplars.clear();
    metadata.clear();
  }
};

namespace {

// Checks Prometheus' rules for a series' labels: a non-empty set, names
// non-empty, sorted and unique. Empty values are dropped (into *cleaned,
// when there are any). Returns false to reject.
bool ValidLabels(const Labels& labels, Labels* cleaned, bool* use_cleaned) {
  *use_cleaned = false;
  std::string_view prev;
  size_t non_empty = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const Label& l = labels[i];
    if (l.name.empty()) return false;
    if (i > 0 && l.name <= prev) return false;  // unsorted or duplicate
    prev = l.name;
    if (l.value.empty()) {
      *use_cleaned = true;
    } else {
      ++non_empty;
    }
  }
  if (non_empty == 0) return false;
  if (*use_cleaned) {
    std::vector<Label> keep;
    for (const Label& l : labels) {
      if (!l.value.empty()) keep.push_back(l);
    }
    *cleaned = Labels::FromUnsorted(std::move(keep));
  }
  return true;
}

}  // namespace

class StorageAppender final : public SinkAppender {
 public:
  explicit StorageAppender(Storage* storage)
      : storage_(storage), owned_(storage->TakeBatch()), batch_(*owned_) {}
  ~StorageAppender() override {
    if (!batch_.empty()) Rollback();
    storage_->ReturnBatch(std::move(owned_));
  }

  uint64_t Ref(const Labels& labels) override {
    bool needs_record = false;
    const uint64_t ref = storage_->GetOrCreate(labels, &needs_record);
    if (needs_record) batch_.new_series.push_back(ref);
    return ref;
  }

  void SetMetadata(uint64_t ref, const MetricFamily& family) override {
    if (ref != 0) batch_.metadata.emplace_back(ref, &family);
  }

  void Append(uint64_t ref, int64_t t_ms, double value) override {
    batch_.samples.push_back(RefSample{ref, t_ms, value});
  }

  void AppendExemplar(uint64_t ref, int64_t t_ms, double value, const Labels& labels) override {
    batch_.exemplars.push_back(RefExemplar{ref, t_ms, value, labels});
  }

  absl::Status Commit() override {
    absl::Status s = storage_->CommitBatch(batch_, /*rollback=*/false);
    batch_.Clear();
    return s;
  }

  void Rollback() override {
    (void)storage_->CommitBatch(batch_, /*rollback=*/true);
    batch_.Clear();
  }

 private:
  Storage* const storage_;
  std::unique_ptr<Storage::Batch> owned_;
  Storage::Batch& batch_;
};

namespace {
// Spare batches kept for reuse; more concurrent appenders than this just
// allocate their own.
constexpr size_t kMaxSpareBatches = 8;
}  // namespace

std::unique_ptr<Storage::Batch> Storage::TakeBatch() {
  {
    absl::MutexLock lock(&pool_mu_);
    if (!spare_batches_.empty()) {
      std::unique_ptr<Batch> b = std::move(spare_batches_.back());
      spare_batches_.pop_back();
      return b;
    }
  }
  return std::make_unique<Batch>();
}

void Storage::ReturnBatch(std::unique_ptr<Batch> batch) {
  batch->Clear();
  absl::MutexLock lock(&pool_mu_);
  if (spare_batches_.size() < kMaxSpareBatches) spare_batches_.push_back(std::move(batch));
}

Storage::Storage(Env* env, std::string dir, StorageOptions options)
    : env_(env), dir_(std::move(dir)), options_(options) {}

Storage::~Storage() { (void)Close(); }

std::unique_ptr<SinkAppender> Storage::NewAppender() {
  return std::make_unique<StorageAppender>(this);
}

uint64_t Storage::GetOrCreate(const Labels& labels, bool* needs_record) {
  *needs_record = false;
  Labels cleaned;
  bool use_cleaned = false;
  const bool valid = ValidLabels(labels, &cleaned, &use_cleaned);
  const Labels& key = use_cleaned ? cleaned : labels;
  absl::MutexLock lock(&mu_);
  if (!valid) {
    ++stats_.rejected_series;
    return 0;
  }
  SeriesEntry* e = series_.FindByLabels(key);
  if (e == nullptr) {
    e = series_.Create(key);
    deleted_.erase(e->ref);
    ++stats_.created_series;
    stats_.active_series = series_.size();
  }
  *needs_record = !e->written;
  return e->ref;
}

absl::Status Storage::CommitBatch(Batch& batch, bool rollback) {
  if (batch.empty()) return absl::OkStatus();
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::FailedPreconditionError("WAL storage closed");
    const uint64_t segment = writer_->segment();

    // Series records first: any series of this batch not yet in the log
    // (also on rollback, so the refs handed out stay resolvable).
    // A commit of many new series or samples (a 100k-series target's
    // scrapes) is logged as several records of at most kMaxRecordEntries
    // entries each, so whoever reads them back (the watchers, replay) needs
    // buffers of a bounded size, and an endpoint's in-flight window (its
    // done-beyond table, remote_write/progress.h) stays small.
    records_.clear();
    record_ends_.clear();
    series_buf_.clear();
    logged_series_.clear();
    for (uint64_t ref : batch.new_series) {
      SeriesEntry* e = series_.Find(ref);
      if (e == nullptr || e->written) continue;
      if (logged_series_.size() % kMaxRecordEntries == 0) {
        if (!logged_series_.empty()) record_ends_.push_back(series_buf_.size());
        AppendSeriesHeader(&series_buf_);
      }
      AppendSeriesEntry(e->ref, e->labels.bytes(), &series_buf_);
      e->written = true;
      e->last_segment = static_cast<uint32_t>(segment);
      logged_series_.push_back(ref);
    }
    const size_t n_series = logged_series_.size();

    // Samples: keep those strictly after their series' last timestamp
    // (Prometheus agent rejects t <= lastTs, tsdb/agent/db.go).
    int64_t min_ts = std::numeric_limits<int64_t>::max();
    int64_t max_ts = std::numeric_limits<int64_t>::min();
    const size_t kept = batch.samples.Filter([&](const RefSample& s) {
      if (rollback) return false;
      SeriesEntry* e = series_.Find(s.ref);
      if (e == nullptr) {
        ++stats_.unknown_ref_samples;
        return false;
      }
      if (s.t <= e->last_ts) {
        ++stats_.out_of_order_samples;
        return false;
      }
      e->last_ts = s.t;
      e->last_segment = static_cast<uint32_t>(segment);
      min_ts = std::min(min_ts, s.t);
      max_ts = std::max(max_ts, s.t);
      return true;
    });

    // Metadata of series whose metadata is new or changed.
    meta_scratch_.clear();
    if (!rollback) {
      for (const auto& [ref, family] : batch.metadata) {
        SeriesEntry* e = series_.Find(ref);
        if (e == nullptr) continue;
        if (e->metadata != nullptr && e->metadata->Matches(family->type, family->unit, family->help)) {
          continue;
        }
        e->metadata = series_.InternMetadata(family->type, family->unit, family->help);
        meta_scratch_.push_back(RefMetadata{e->ref, family->type, family->unit, family->help});
      }
    }

    // Exemplars of known series (Prometheus agent's AppendExemplar, whose
    // duplicate check the scrape cache does before appending).
    size_t kept_exemplars = 0;
    if (!rollback) {
      for (size_t i = 0; i < batch.exemplars.size(); ++i) {
        if (series_.Find(batch.exemplars[i].ref) == nullptr) continue;
        // (A self-move would empty the labels.)
        if (i != kept_exemplars) batch.exemplars[kept_exemplars] = std::move(batch.exemplars[i]);
        ++kept_exemplars;
      }
    }
    batch.exemplars.resize(kept_exemplars);

    // Views of the records in *buf, which ends at each of record_ends_
    // (made once the buffer no longer grows).
    auto add_records = [this](const std::string& buf) {
      size_t start = 0;
      for (size_t end : record_ends_) {
        records_.push_back(std::string_view(buf).substr(start, end - start));
        start = end;
      }
      record_ends_.clear();
    };
    if (n_series > 0) {
      record_ends_.push_back(series_buf_.size());
      add_records(series_buf_);
    }
    // Encodes `items` in records of at most kMaxRecordEntries into *buf.
    auto chunked = [&](auto items, std::string* buf, auto encode) {
      buf->clear();
      for (size_t at = 0; at < items.size(); at += kMaxRecordEntries) {
        encode(items.subspan(at, std::min(kMaxRecordEntries, items.size() - at)), buf);
        record_ends_.push_back(buf->size());
      }
      add_records(*buf);
    };
    // Samples records are encoded one at a time while the writer logs
    // them (below), into one record's worth of buffer.
    const size_t series_records = records_.size();
    const size_t sample_records = (kept + kMaxRecordEntries - 1) / kMaxRecordEntries;
    if (kept_exemplars > 0) {
      exemplars_buf_.clear();
      EncodeExemplars(batch.exemplars, &exemplars_buf_);
      records_.push_back(exemplars_buf_);
    }
    chunked(absl::MakeConstSpan(meta_scratch_), &meta_buf_,
            [](absl::Span<const RefMetadata> x, std::string* b) { EncodeMetadata(x, b); });
    const size_t n = records_.size() + sample_records;
    if (n == 0) {
      PublishLocked();
      return absl::OkStatus();
    }
    absl::Status s = error_.ok() ? absl::OkStatus() : writer_->Recover();
    if (s.ok()) {
      s = writer_->AddRecords(n, [&](size_t i) -> std::string_view {
        if (i < series_records) return records_[i];
        if (i >= series_records + sample_records) return records_[i - sample_records];
        batch.samples.Get((i - series_records) * kMaxRecordEntries, kMaxRecordEntries,
                          &record_samples_);
        samples_buf_.clear();
        EncodeSamples(record_samples_, &samples_buf_);
        return samples_buf_;
      });
    }
    if (!s.ok()) {
      // Nothing of the batch is in the log: the next commit writes its
      // Series and Metadata records again.
      for (uint64_t ref : logged_series_) {
        if (SeriesEntry* e = series_.Find(ref)) e->written = false;
      }
      for (const RefMetadata& m : meta_scratch_) {
        if (SeriesEntry* e = series_.Find(m.ref)) e->metadata = nullptr;
      }
      WriteFailedLocked(s, kept);
      PublishLocked();
      return s;
    }
    if (!error_.ok()) ResumedLocked();
    // The records are in the segment the writer is at now (a rotation
    // happens before a batch, never inside it).
    NoteSamples(writer_->segment(), kept, min_ts, max_ts);
    stats_.samples_appended += kept;
    ++stats_.commits;
    ReleaseIfOversized(series_buf_, n_series > 0 ? series_buf_.size() : 0);
    ReleaseIfOversized(samples_buf_, kept > 0 ? samples_buf_.size() : 0);
    ReleaseIfOversized(exemplars_buf_, kept_exemplars > 0 ? exemplars_buf_.size() : 0);
    ReleaseIfOversized(meta_buf_, meta_scratch_.empty() ? 0 : meta_buf_.size());
    ReleaseIfOversized(meta_scratch_, meta_scratch_.size());
    ReleaseIfOversized(records_, records_.size());
    ReleaseIfOversized(logged_series_, logged_series_.size());
    PublishLocked();
  }
  {
    absl::MutexLock lock(&notify_mu_);
    ++generation_;
    for (auto& [id, fn] : subscribers_) fn();
  }
  return absl::OkStatus();
}

void Storage::PublishLocked() {
  if (writer_ != nullptr) {
    const WriterStats& w = writer_->stats();
    stats_.segment_current = writer_->segment();
    stats_.storage_size_bytes =
        static_cast<uint64_t>(std::max<int64_t>(0, base_size_ + static_cast<int64_t>(w.bytes_written)));
    stats_.fsyncs = w.fsyncs;
    stats_.fsync_seconds = w.fsync_seconds;
  }
  stats_.active_series = series_.size();
  if (options_.metrics != nullptr) options_.metrics->Update(stats_);
}

absl::Status Storage::Sync() {
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::FailedPreconditionError("WAL storage closed");
  if (!error_.ok()) return error_;
  absl::Status s = writer_->Sync();
  if (!s.ok()) WriteFailedLocked(s, 0);
  PublishLocked();
  return s;
}

void Storage::WriteFailedLocked(const absl::Status& s, uint64_t samples) {
  ++stats_.writes_failed;
  const bool disk_full = absl::IsResourceExhausted(s);
  (disk_full ? stats_.samples_dropped_disk_full : stats_.samples_dropped_write_error) += samples;
  dropped_while_failing_ += samples;
  if (!error_.ok()) return;  // logged when the state changed
  error_ = s;
  failing_since_ = absl::Now();
  log::Error(disk_full ? "WAL disk full: samples are dropped until space is freed"
                       : "WAL write failed: samples are dropped until writes succeed",
             {{"dir", dir_},
              {"reason", disk_full ? "disk_full" : "write_error"},
              {"err", ToStd(s.message())}});
}

void Storage::ResumedLocked() {
  // The failed segment was cut back: recount what is on disk.
  base_size_ = static_cast<int64_t>(DirSize()) -
               static_cast<int64_t>(writer_->stats().bytes_written);
  log::Warn("WAL writes resumed",
            {{"dir", dir_},
             {"failing_since", absl::FormatTime(absl::RFC3339_sec, failing_since_,
                                                absl::UTCTimeZone())},
             {"failed_for", absl::FormatDuration(absl::Trunc(absl::Now() - failing_since_,
                                                             absl::Seconds(1)))},
             {"samples_dropped", absl::StrCat(dropped_while_failing_)},
             {"segment", SegmentName(writer_->segment())}});
  error_ = absl::OkStatus();
  dropped_while_failing_ = 0;
}

absl::Status Storage::Close() {
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::OkStatus();
  closed_ = true;
  if (writer_ == nullptr) return absl::OkStatus();
  absl::Status s = writer_->Close();
  PublishLocked();
  return s;
}

void Storage::SetLowestNeededSegment(std::function<std::optional<uint64_t>()> fn) {
  absl::MutexLock lock(&mu_);
  lowest_needed_ = std::move(fn);
}

uint64_t Storage::generation() const {
  absl::MutexLock lock(&notify_mu_);
  return generation_;
}

uint64_t Storage::WaitForCommit(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&notify_mu_);
  auto advanced = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(notify_mu_) {
    return generation_ > seen;
  };
  notify_mu_.AwaitWithTimeout(absl::Condition(&advanced), timeout);
  return generation_;
}

int Storage::Subscribe(std::function<void()> fn) {
  absl::MutexLock lock(&notify_mu_);
  const int id = next_subscriber_++;
  subscribers_.emplace_back(id, std::move(fn));
  return id;
}

void Storage::Unsubscribe(int id) {
  absl::MutexLock lock(&notify_mu_);
  std::erase_if(subscribers_, [id](const auto& s) { return s.first == id; });
}

StorageStats Storage::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

uint64_t Storage::LookupRef(const Labels& labels) const {
  absl::MutexLock lock(&mu_);
  const SeriesEntry* e = const_cast<SeriesTable&>(series_).FindByLabels(labels);
  return e == nullptr ? 0 : e->ref;
}

std::optional<int64_t> Storage::LastTimestamp(uint64_t ref) const {
  absl::MutexLock lock(&mu_);
  const SeriesEntry* e = const_cast<SeriesTable&>(series_).Find(ref);
  if (e == nullptr) return std::nullopt;
  return e->last_ts;
}

}  // namespace outpost::wal
