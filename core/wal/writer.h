// Writer: appends records to a WAL directory in the Prometheus TSDB WAL
// format (core/wal/format.h), one segment file at a time.
//
// Open() creates the directory if needed, removes leftover "*.tmp" entries,
// repairs a torn tail of the last segment (truncated at its last whole
// record, before any damage, and zero-padded to a page boundary, as
// Prometheus' OpenWriteSegment pads), and always starts a NEW segment
// after the last segment or checkpoint. Records are appended whole or not
// at all from a reader's point of view (a partly written record is a torn
// tail, which readers treat as the end of the log).
//
// Durability (what a crash costs):
//   - AddRecord()/AddRecords() return after the bytes were handed to the
//     OS (write(2)): they survive a crash or kill -9 of this process, not a
//     power loss. Like Prometheus' WL.Log, no fsync happens here.
//   - Sync() fsyncs the current segment: everything added before it
//     survives a power loss. The owner calls it for group commit (e.g.
//     every N seconds); its duration is in stats().fsync_seconds.
//   - Rotation (a record that does not fit, or NextSegment()) pads the
//     current page, fsyncs the finished segment and the directory.
//   - Close() pads the last page and fsyncs.
//   So without Sync(), a power loss can cost what was written since the
//   last rotation (up to one segment).
//
// Errors: an I/O error (a full disk: ResourceExhausted) is returned and
// makes the Writer refuse every later call with the same error until
// Recover() succeeds (or it is reopened, which repairs whatever was half
// written). Recover() cuts the failed segment back to its last whole
// record, zero-pads the page and goes on in a fresh segment, so readers
// (ours and Prometheus') never meet a torn or misaligned page. Prometheus'
// WL.log keeps writing into the half-flushed page instead (its TODO there;
// prometheus/prometheus#13027).
//
// Open() on a last segment it cannot read (a directory, no permission)
// returns the error naming the file; nothing is left open.
//
// Thread-safety: none; one owner thread (the WAL has one writer).
//
// Example:
//   ASSIGN_OR_RETURN(auto w, Writer::Open(Env::Default(), dir, {}));
//   std::string rec;  EncodeSamples(samples, &rec);
//   RETURN_IF_ERROR(w->AddRecord(rec));
#ifndef OUTPOST_CORE_WAL_WRITER_H_
#define OUTPOST_CORE_WAL_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/wal/env.h"
#include "core/wal/format.h"
#include "core/wal/reader.h"

namespace outpost::wal {

struct WriterOptions {
  // Must be a positive multiple of kPageSize. A record larger than a whole
  // segment gets a segment of its own, larger than this.
  uint64_t segment_size = kDefaultSegmentSize;
  // Snappy-compress each record (kept raw when that is not smaller).
  bool compress = true;
  // Receives the damage found while repairing the last segment on Open
  // (may be null). Not owned; must outlive Open().
  Reporter* reporter = nullptr;
};

struct WriterStats {
  uint64_t records = 0;
  uint64_t bytes_written = 0;       // bytes handed to segment files
  uint64_t pages_completed = 0;
  uint64_t record_bytes_saved = 0;  // by compression
  uint64_t fsyncs = 0;
  double fsync_seconds = 0;         // total time spent in fsync
  uint64_t repaired_bytes = 0;      // dropped from the last segment on Open
};

class Writer {
 public:
  static absl::StatusOr<std::unique_ptr<Writer>> Open(Env* env, std::string dir,
                                                      WriterOptions options);
  ~Writer();  // Close()s, ignoring errors.

  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Appends one record. `record` may be empty.
  absl::Status AddRecord(std::string_view record);
  // Appends records in order with one write to the OS at the end (a commit:
  // new Series records, then one Samples record).
  absl::Status AddRecords(absl::Span<const std::string_view> records);
  // The same for `n` records made one at a time: record(i) is called in
  // order and its view need only last until the next call (a commit of
  // 100k samples is encoded a record at a time into one small buffer
  // instead of into one buffer for all of them; issue 23).
  absl::Status AddRecords(size_t n, absl::FunctionRef<std::string_view(size_t)> record);

  // fsyncs the current segment (group commit).
  absl::Status Sync();
  // Finishes the current segment (pad, fsync) and starts the next, unless
  // the current one is still empty. Returns the index of the current
  // segment after the call; every record added before is in a lower one.
  absl::StatusOr<uint64_t> NextSegment();
  // Pads the last page, fsyncs and closes. Idempotent.
  absl::Status Close();
  // After a failed write: see "Errors" above. OK when nothing failed; the
  // error of the attempt when it fails again (retry later).
  absl::Status Recover();
  bool failed() const { return !error_.ok(); }

  const std::string& dir() const { return dir_; }
  // Index of the segment being written and the bytes written to it.
  uint64_t segment() const { return segment_; }
  uint64_t segment_offset() const {
    return done_pages_ * kPageSize + page_flushed_;
  }
  const WriterStats& stats() const { return stats_; }

 private:
  Writer(Env* env, std::string dir, WriterOptions options);
  absl::Status OpenSegment(uint64_t index);
  absl::Status FinishSegment();
  absl::Status Log(std::string_view record, bool final);
  absl::Status FlushPage(bool pad);
  absl::Status Fail(absl::Status s);

  Env* const env_;
  const std::string dir_;
  const WriterOptions options_;
  const uint64_t pages_per_segment_;

  std::unique_ptr<WritableFile> file_;
  uint64_t segment_ = 0;
  uint64_t done_pages_ = 0;     // completed pages in the current segment
  size_t page_alloc_ = 0;       // bytes filled in page_
  size_t page_flushed_ = 0;     // bytes of page_ already handed to the file
  std::unique_ptr<char[]> page_;  // kPageSize bytes
  std::string compressed_;        // reused snappy output buffer
  absl::Status error_;            // sticky until Recover()
  // End of the last whole record written (the state Recover() restores).
  uint64_t good_segment_ = 0;
  uint64_t good_offset_ = 0;
  bool closed_ = false;
  WriterStats stats_;
};

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_WRITER_H_
