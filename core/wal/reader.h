// Reader: reads records back from WAL segments (format in core/wal/format.h).
//
// Error policy (one switch, SegmentReader::ReadRecord and ReadFragment):
//   - A torn tail of the LAST segment (a header, fragment or FIRST..MIDDLE
//     sequence cut by end of file, or zeroed pages up to the end) is the end
//     of the log: not an error, not reported; torn_tail() says it happened.
//   - Everything else is damage, reported to the Reporter with segment and
//     offset and counted: bad CRC, bad length (larger than what is left of
//     the page), unknown fragment type, a MIDDLE/LAST without FIRST or a
//     FULL/FIRST inside a record, non-zero padding, a record torn at the end
//     of a segment that is not the last, undecodable snappy, and zstd
//     records ("zstd not supported"), and a zeroed page (a page with no
//     record at its start: no writer leaves one; e.g. blocks a crash left
//     unwritten) followed by more data. After damage the reader drops the
//     rest of the page (the length is not trusted) and resynchronises on
//     the next FULL/FIRST fragment, so the records after it are still read.
//     MIDDLE/LAST fragments of the damaged record are skipped silently.
//   - An I/O error stops reading; status() returns it.
// Whether damage is fatal, repaired (TruncateSegment) or ignored is the
// caller's decision, never this code's.
//
// Lifetime: a record returned by ReadRecord is valid until the next call.
// Thread-safety: none; one reader per thread (many readers may read one
// directory at once).
#ifndef OUTPOST_CORE_WAL_READER_H_
#define OUTPOST_CORE_WAL_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/wal/env.h"

namespace outpost::wal {

enum class CorruptionKind {
  kBadCrc,
  kBadLength,
  kUnknownType,
  kBadSequence,     // MIDDLE/LAST without FIRST, FULL/FIRST inside a record
  kNonZeroPadding,
  kTornRecord,      // record cut at the end of a segment that is not the last
  kBadCompression,  // snappy data that does not decode
  kUnsupported,     // zstd
  kZeroedPage,      // a page of zeros (no record at its start)
};
std::string_view CorruptionKindName(CorruptionKind kind);

struct Corruption {
  uint64_t segment = 0;
  uint64_t offset = 0;  // byte offset in the segment where damage was found
  uint64_t bytes = 0;   // bytes dropped because of it
  // End of the last whole record before this damage in the segment: what
  // TruncateSegment should keep to repair it.
  uint64_t good_end = 0;
  CorruptionKind kind = CorruptionKind::kBadCrc;
  std::string reason;   // human-readable, e.g. "zstd not supported"
};

// Receives damage reports. Implementations count, log or collect them.
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void Report(const Corruption& c) = 0;
};

// Reads the records of one segment from a byte stream.
class SegmentReader {
 public:
  // `file` and `reporter` (may be null) are not owned and must outlive the
  // reader. `last` marks the last segment of the log, whose torn tail is
  // the end of the log rather than damage.
  SegmentReader(SequentialFile* file, uint64_t segment, bool last,
                Reporter* reporter);

  // Stores the next record in *record and returns true; false at the end
  // of the segment or on an I/O error (see status()).
  bool ReadRecord(std::string_view* record);

  absl::Status status() const { return status_; }
  uint64_t segment() const { return segment_; }
  // Offset of the first fragment of the record last returned.
  uint64_t record_offset() const { return record_offset_; }
  // Offset just past the record last returned.
  uint64_t end_offset() const { return end_offset_; }
  // End of the last whole record before the first damage: the length a
  // repair keeps.
  uint64_t good_end() const { return good_end_; }
  bool damaged() const { return damaged_; }
  bool torn_tail() const { return torn_tail_; }
  uint64_t corruptions() const { return corruptions_; }

 private:
  enum class Next { kFragment, kEof, kTorn, kDamaged };
  struct Fragment {
    uint8_t type;
    uint8_t flags;
    std::string_view data;
    uint64_t offset;
  };
  Next ReadFragment(Fragment* f);
  // Decompresses when needed; false if the record was damaged (reported).
  bool Finish(uint8_t flags, std::string_view data, uint64_t start,
              std::string_view* record);
  void Report(CorruptionKind kind, uint64_t offset, uint64_t bytes,
              std::string reason);
  void DropRestOfPage() { pos_ = page_len_; }

  SequentialFile* const file_;
  const uint64_t segment_;
  const bool last_;
  Reporter* const reporter_;

  std::unique_ptr<char[]> page_;  // kPageSize bytes
  size_t page_len_ = 0;
  size_t pos_ = 0;
  uint64_t page_start_ = 0;       // file offset of page_[0]
  bool eof_ = false;
  bool resyncing_ = false;
  uint64_t torn_at_ = 0;          // offset of a fragment cut by EOF
  bool zeroed_ = false;           // zeroed pages seen since the last fragment
  uint64_t zeroed_at_ = 0;        // offset of the first of them
  std::string scratch_;           // fragments of a record being assembled
  std::string uncompressed_;

  absl::Status status_;
  uint64_t record_offset_ = 0;
  uint64_t end_offset_ = 0;
  uint64_t good_end_ = 0;
  bool damaged_ = false;
  bool torn_tail_ = false;
  uint64_t corruptions_ = 0;
};

// Reads every segment of a WAL (or checkpoint) directory in index order,
// from `first_segment` on. Segments are read independently: damage in one
// never hides the records of the next.
class Reader {
 public:
  static absl::StatusOr<std::unique_ptr<Reader>> Open(
      Env* env, const std::string& dir, Reporter* reporter,
      uint64_t first_segment = 0);

  bool ReadRecord(std::string_view* record);

  absl::Status status() const { return status_; }
  // Segment and offsets of the record last returned.
  uint64_t segment() const;
  uint64_t record_offset() const;
  uint64_t end_offset() const;
  uint64_t corruptions() const;
  bool torn_tail() const;

 private:
  Reader(Env* env, std::string dir, Reporter* reporter,
         std::vector<uint64_t> segments);

  Env* const env_;
  const std::string dir_;
  Reporter* const reporter_;
  const std::vector<uint64_t> segments_;
  size_t next_ = 0;  // index into segments_ of the next segment to open
  std::unique_ptr<SequentialFile> file_;
  std::unique_ptr<SegmentReader> current_;
  uint64_t done_corruptions_ = 0;  // from finished segments
  absl::Status status_;
};

// Segment indexes in `dir`, sorted (non-numeric names ignored).
absl::StatusOr<std::vector<uint64_t>> ListSegments(Env* env,
                                                   const std::string& dir);
// Checkpoint indexes in `dir` ("checkpoint.NNNNNNNN"), sorted.
absl::StatusOr<std::vector<uint64_t>> ListCheckpoints(Env* env,
                                                      const std::string& dir);

// The repair: keeps the first `keep` bytes of segment `segment` and
// zero-pads them to a page boundary, so everything before the damage stays
// readable. Written to "<segment>.tmp", fsynced and renamed over the
// segment, so a crash during repair leaves the old file intact.
absl::Status TruncateSegment(Env* env, const std::string& dir, uint64_t segment,
                             uint64_t keep);

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_READER_H_
