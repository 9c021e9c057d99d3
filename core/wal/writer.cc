#include "core/wal/writer.h"

#include <snappy.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/scratch.h"
#include "core/wal/crc32c.h"

namespace outpost::wal {
namespace {

// Scans the last segment; if it ends torn or damaged, truncates it after
// its last whole record, and zero-pads a partial last page (Prometheus'
// OpenWriteSegment pads a torn page the same way). A torn end is reported
// as a torn record (damage is reported by the reader). Damage followed by
// whole records stays, as in any other segment (counted, skipped by
// readers); Prometheus' Repair instead drops everything from the first
// damage on (tsdb/wlog/wlog.go), which would lose those records.
absl::StatusOr<uint64_t> RepairTail(Env* env, const std::string& dir,
                                    uint64_t segment, Reporter* reporter) {
  const std::string path = JoinPath(dir, SegmentName(segment));
  absl::StatusOr<uint64_t> size = env->GetFileSize(path);
  if (!size.ok()) return size.status();
  absl::StatusOr<std::unique_ptr<SequentialFile>> f = env->NewSequentialFile(path);
  if (!f.ok()) return f.status();
  SegmentReader r(f->get(), segment, /*last=*/true, reporter);
  std::string_view rec;
  uint64_t damage_before_last_record = 0;
  while (r.ReadRecord(&rec)) damage_before_last_record = r.corruptions();
  if (!r.status().ok()) return r.status();
  const bool damaged_end = r.corruptions() > damage_before_last_record;
  if (!damaged_end && !r.torn_tail() && *size % kPageSize == 0) return 0;
  // A clean end: keep the padding after the last record too.
  const uint64_t keep = damaged_end || r.torn_tail() ? r.end_offset() : *size;
  if (r.torn_tail() && !damaged_end && reporter != nullptr) {
    reporter->Report(Corruption{segment, keep, *size - keep, keep, CorruptionKind::kTornRecord,
                                "last segment ends in a torn record or zeroed pages"});
  }
  if (absl::Status s = TruncateSegment(env, dir, segment, keep); !s.ok()) return s;
  return *size - keep;
}

}  // namespace

Writer::Writer(Env* env, std::string dir, WriterOptions options)
    : env_(env),
      dir_(std::move(dir)),
      options_(options),
      pages_per_segment_(options.segment_size / kPageSize),
      page_(std::make_unique<char[]>(kPageSize)) {}

Writer::~Writer() { (void)Close(); }

absl::StatusOr<std::unique_ptr<Writer>> Writer::Open(Env* env, std::string dir,
                                                     WriterOptions options) {
  if (options.segment_size == 0 || options.segment_size % kPageSize != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "WAL segment size ", options.segment_size, " is not a multiple of ", kPageSize));
  }
  if (absl::Status s = env->CreateDirs(dir); !s.ok()) return s;
  absl::StatusOr<std::vector<std::string>> names = env->GetChildren(dir);
  if (!names.ok()) return names.status();
  for (const std::string& n : *names) {
    if (absl::EndsWith(n, ".tmp")) {
      if (absl::Status s = env->RemoveAll(JoinPath(dir, n)); !s.ok()) return s;
    }
  }
  std::unique_ptr<Writer> w(new Writer(env, dir, options));
  absl::StatusOr<std::vector<uint64_t>> segs = ListSegments(env, dir);
  if (!segs.ok()) return segs.status();
  absl::StatusOr<std::vector<uint64_t>> cps = ListCheckpoints(env, dir);
  if (!cps.ok()) return cps.status();
  uint64_t next = 0;
  if (!segs->empty()) {
    absl::StatusOr<uint64_t> dropped = RepairTail(env, dir, segs->back(), options.reporter);
    if (!dropped.ok()) return dropped.status();
    w->stats_.repaired_bytes = *dropped;
    next = segs->back() + 1;
  }
  if (!cps->empty()) next = std::max(next, cps->back() + 1);
  if (absl::Status s = w->OpenSegment(next); !s.ok()) return s;
  return w;
}

absl::Status Writer::Fail(absl::Status s) {
  if (error_.ok()) error_ = s;
  return s;
}

absl::Status Writer::OpenSegment(uint64_t index) {
  absl::StatusOr<std::unique_ptr<WritableFile>> f =
      env_->NewWritableFile(JoinPath(dir_, SegmentName(index)));
  if (!f.ok()) return Fail(f.status());
  file_ = std::move(*f);
  segment_ = index;
  good_segment_ = index;
  good_offset_ = 0;
  done_pages_ = 0;
  page_alloc_ = page_flushed_ = 0;
  std::memset(page_.get(), 0, kPageSize);
  if (absl::Status s = env_->SyncDir(dir_); !s.ok()) return Fail(s);
  return absl::OkStatus();
}

// Hands page_[flushed, alloc) to the file; with `pad`, the page is finished:
// its tail is zero-filled and it is written up to kPageSize.
absl::Status Writer::FlushPage(bool pad) {
  if (pad) {
    std::memset(page_.get() + page_alloc_, 0, kPageSize - page_alloc_);
    page_alloc_ = kPageSize;
  }
  if (page_alloc_ > page_flushed_) {
    std::string_view chunk(page_.get() + page_flushed_, page_alloc_ - page_flushed_);
    if (absl::Status s = file_->Append(chunk); !s.ok()) return Fail(s);
    stats_.bytes_written += chunk.size();
    page_flushed_ = page_alloc_;
  }
  if (pad) {
    page_alloc_ = page_flushed_ = 0;
    ++done_pages_;
    ++stats_.pages_completed;
  }
  return absl::OkStatus();
}

absl::Status Writer::FinishSegment() {
  if (page_alloc_ > 0) {
    if (absl::Status s = FlushPage(/*pad=*/true); !s.ok()) return s;
  }
  if (absl::Status s = Sync(); !s.ok()) return s;
  if (absl::Status s = file_->Close(); !s.ok()) return Fail(s);
  return absl::OkStatus();
}

absl::Status Writer::Log(std::string_view record, bool final) {
  const size_t raw_size = record.size();
  bool compressed = false;
  if (options_.compress && !record.empty()) {
    const size_t max_len = snappy::MaxCompressedLength(record.size());
    ReleaseIfOversized(compressed_, max_len);
    compressed_.resize(max_len);
    size_t n = 0;
    snappy::RawCompress(record.data(), record.size(), compressed_.data(), &n);
    if (n < record.size()) {
      record = std::string_view(compressed_.data(), n);
      compressed = true;
      stats_.record_bytes_saved += raw_size - n;
    }
  }
  // Room left in this segment: this page, then every page not yet started.
  // A record never crosses a segment: rotate first if it does not fit,
  // unless the segment is still empty (then the record gets an oversized
  // segment of its own, as in Prometheus).
  const uint64_t pages_left =
      pages_per_segment_ > done_pages_ ? pages_per_segment_ - done_pages_ : 0;
  uint64_t room = 0;
  if (pages_left > 0) {
    room = (kPageSize - page_alloc_ - kHeaderSize) + (pages_left - 1) * kMaxFragmentSize;
  }
  const bool segment_empty = done_pages_ == 0 && page_alloc_ == 0;
  if (record.size() > room && !segment_empty) {
    if (absl::Status s = FinishSegment(); !s.ok()) return s;
    if (absl::Status s = OpenSegment(segment_ + 1); !s.ok()) return s;
  }
  // One pass at least, so an empty record is one empty FULL fragment.
  for (bool first = true; first || !record.empty(); first = false) {
    const size_t n = std::min(record.size(), kPageSize - page_alloc_ - kHeaderSize);
    const bool last = n == record.size();
    uint8_t type = first ? (last ? kFull : kFirst) : (last ? kLast : kMiddle);
    if (compressed) type |= kSnappyFlag;
    char* h = page_.get() + page_alloc_;
    h[0] = static_cast<char>(type);
    PutBE16(h + 1, static_cast<uint16_t>(n));
    PutBE32(h + 3, Crc32cExtend(0, record.data(), n));
    std::memcpy(h + kHeaderSize, record.data(), n);
    page_alloc_ += kHeaderSize + n;
    record.remove_prefix(n);
    // A page with no room for another header is finished (tail zeroed).
    if (kPageSize - page_alloc_ < kHeaderSize) {
      if (absl::Status s = FlushPage(/*pad=*/true); !s.ok()) return s;
    }
  }
  ++stats_.records;
  if (final) {
    if (absl::Status s = FlushPage(/*pad=*/false); !s.ok()) return s;
    if (absl::Status s = file_->Flush(); !s.ok()) return Fail(s);
  }
  return absl::OkStatus();
}

absl::Status Writer::AddRecord(std::string_view record) {
  return AddRecords({&record, 1});
}

absl::Status Writer::AddRecords(absl::Span<const std::string_view> records) {
  return AddRecords(records.size(), [records](size_t i) { return records[i]; });
}

absl::Status Writer::AddRecords(size_t n,
                                absl::FunctionRef<std::string_view(size_t)> record) {
  if (!error_.ok()) return error_;
  if (closed_) return absl::FailedPreconditionError("WAL writer is closed");
  for (size_t i = 0; i < n; ++i) {
    if (absl::Status s = Log(record(i), i + 1 == n); !s.ok()) {
      return Fail(s);
    }
  }
  good_segment_ = segment_;
  good_offset_ = segment_offset();
  return absl::OkStatus();
}

absl::Status Writer::Recover() {
  if (error_.ok()) return absl::OkStatus();
  if (closed_) return error_;
  if (file_ != nullptr) {
    (void)file_->Close();
    file_.reset();
  }
  // A rotation inside the failed batch finished the previous segment
  // cleanly: then only the new one holds partial data, and it holds
  // nothing whole.
  const uint64_t keep = good_segment_ == segment_ ? good_offset_ : 0;
  uint64_t next = segment_;
  if (keep > 0) {
    const std::string path = JoinPath(dir_, SegmentName(segment_));
    // Cut what the failed write left, then pad with a hole (no space
    // needed) up to the page boundary.
    if (absl::Status s = env_->TruncateFile(path, keep); !s.ok()) return s;
    const uint64_t padded = (keep + kPageSize - 1) / kPageSize * kPageSize;
    if (padded != keep) {
      if (absl::Status s = env_->TruncateFile(path, padded); !s.ok()) return s;
    }
    next = segment_ + 1;
  }
  // (An empty segment is simply started again: a disk that stays full
  // does not leave a trail of empty segments.)
  if (absl::Status s = OpenSegment(next); !s.ok()) return s;
  error_ = absl::OkStatus();
  return absl::OkStatus();
}

absl::Status Writer::Sync() {
  if (!error_.ok()) return error_;
  if (closed_) return absl::OkStatus();
  if (absl::Status s = FlushPage(/*pad=*/false); !s.ok()) return s;
  if (absl::Status s = file_->Flush(); !s.ok()) return Fail(s);
  const auto start = std::chrono::steady_clock::now();
  if (absl::Status s = file_->Sync(); !s.ok()) return Fail(s);
  stats_.fsync_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++stats_.fsyncs;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Writer::NextSegment() {
  if (!error_.ok()) return error_;
  if (closed_) return absl::FailedPreconditionError("WAL writer is closed");
  if (done_pages_ == 0 && page_alloc_ == 0) return segment_;
  if (absl::Status s = FinishSegment(); !s.ok()) return s;
  if (absl::Status s = OpenSegment(segment_ + 1); !s.ok()) return s;
  return segment_;
}

absl::Status Writer::Close() {
  if (closed_) return error_;
  if (!error_.ok() || file_ == nullptr) {  // (Open failed before a segment)
    closed_ = true;
    if (file_) (void)file_->Close();
    return error_;
  }
  absl::Status s = FinishSegment();
  closed_ = true;
  return s;
}

}  // namespace outpost::wal
