#include "core/wal/reader.h"

#include <snappy.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/wal/crc32c.h"
#include "core/wal/format.h"

namespace outpost::wal {
namespace {

// Snappy cannot expand input by more than this factor (a 3-byte copy
// element yields at most 64 bytes), so a larger claimed length is damage;
// this bounds what a hostile length can make us allocate.
constexpr size_t kMaxSnappyExpansion = 22;

}  // namespace

std::string_view CorruptionKindName(CorruptionKind kind) {
  switch (kind) {
    case CorruptionKind::kBadCrc: return "bad_crc";
    case CorruptionKind::kBadLength: return "bad_length";
    case CorruptionKind::kUnknownType: return "unknown_type";
    case CorruptionKind::kBadSequence: return "bad_sequence";
    case CorruptionKind::kNonZeroPadding: return "non_zero_padding";
    case CorruptionKind::kTornRecord: return "torn_record";
    case CorruptionKind::kBadCompression: return "bad_compression";
    case CorruptionKind::kUnsupported: return "unsupported";
    case CorruptionKind::kZeroedPage: return "zeroed_page";
  }
  return "unknown";
}

SegmentReader::SegmentReader(SequentialFile* file, uint64_t segment, bool last,
                             Reporter* reporter)
    : file_(file),
      segment_(segment),
      last_(last),
      reporter_(reporter),
      page_(std::make_unique<char[]>(kPageSize)) {}

void SegmentReader::Report(CorruptionKind kind, uint64_t offset,
                           uint64_t bytes, std::string reason) {
  ++corruptions_;
  if (kind != CorruptionKind::kUnsupported) damaged_ = true;
  resyncing_ = true;
  if (reporter_ != nullptr) {
    reporter_->Report(
        Corruption{segment_, offset, bytes, good_end_, kind, std::move(reason)});
  }
}

SegmentReader::Next SegmentReader::ReadFragment(Fragment* f) {
  for (;;) {
    if (pos_ >= page_len_) {
      if (eof_ && zeroed_ && status_.ok()) {
        zeroed_ = false;
        torn_at_ = zeroed_at_;
        if (last_) return Next::kTorn;
        Report(CorruptionKind::kZeroedPage, zeroed_at_, page_start_ + page_len_ - zeroed_at_,
               "zeroed page at the end of a segment that is not the last");
        return Next::kDamaged;
      }
      if (eof_) return Next::kEof;
      page_start_ += page_len_;
      pos_ = page_len_ = 0;
      absl::StatusOr<size_t> n = file_->Read(kPageSize, page_.get());
      if (!n.ok()) {
        status_ = n.status();
        eof_ = true;
        return Next::kEof;
      }
      page_len_ = *n;
      if (page_len_ < kPageSize) eof_ = true;
      if (page_len_ == 0) continue;  // the end: handled above
    }
    const size_t avail = page_len_ - pos_;
    const uint64_t offset = page_start_ + pos_;
    const auto type_byte = static_cast<uint8_t>(page_[pos_]);

    if (type_byte == kPageTerm) {
      // The rest of the page must be zero (Prometheus checks this too).
      const char* p = page_.get() + pos_;
      bool zero = std::all_of(p + 1, p + avail, [](char c) { return c == 0; });
      const bool whole_page = pos_ == 0;
      DropRestOfPage();
      if (!zero) {
        Report(CorruptionKind::kNonZeroPadding, offset, avail,
               "unexpected non-zero byte in padded page");
        return Next::kDamaged;
      }
      // Every page a writer completes starts with a fragment (ours and
      // Prometheus' WL.log alike): a page of zeros lost its records.
      // Reported when data follows it, before that data is read.
      if (whole_page && !zeroed_) {
        zeroed_ = true;
        zeroed_at_ = offset;
      }
      continue;
    }
    if (zeroed_) {
      zeroed_ = false;
      Report(CorruptionKind::kZeroedPage, zeroed_at_, offset - zeroed_at_,
             "zeroed page inside the segment");
      return Next::kDamaged;  // pos_ unchanged: the fragment is read next
    }
    if (avail < kHeaderSize) {
      DropRestOfPage();
      torn_at_ = offset;
      if (eof_) return Next::kTorn;
      Report(CorruptionKind::kBadLength, offset, avail,
             "fragment header crosses a page boundary");
      return Next::kDamaged;
    }
    const uint8_t type = type_byte & kFragmentTypeMask;
    const uint8_t flags = type_byte & (kSnappyFlag | kZstdFlag);
    if ((type_byte & ~(kFragmentTypeMask | kSnappyFlag | kZstdFlag)) != 0 ||
        type == kPageTerm || type > kLast) {
      DropRestOfPage();
      Report(CorruptionKind::kUnknownType, offset, avail,
             absl::StrFormat("unknown fragment type byte 0x%02x", type_byte));
      return Next::kDamaged;
    }
    const size_t length = GetBE16(page_.get() + pos_ + 1);
    if (length > avail - kHeaderSize) {
      DropRestOfPage();
      torn_at_ = offset;
      if (eof_) return Next::kTorn;  // cut inside the fragment's data
      Report(CorruptionKind::kBadLength, offset, avail,
             absl::StrCat("fragment length ", length, " exceeds the ",
                          avail - kHeaderSize, " bytes left in the page"));
      return Next::kDamaged;
    }
    const char* data = page_.get() + pos_ + kHeaderSize;
    const uint32_t want = GetBE32(page_.get() + pos_ + 3);
    const uint32_t got = Crc32cExtend(0, data, length);
    if (got != want) {
      DropRestOfPage();
      Report(CorruptionKind::kBadCrc, offset, avail,
             absl::StrFormat("checksum %08x, expected %08x", got, want));
      return Next::kDamaged;
    }
    pos_ += kHeaderSize + length;
    *f = Fragment{type, flags, std::string_view(data, length), offset};
    return Next::kFragment;
  }
}

bool SegmentReader::Finish(uint8_t flags, std::string_view data,
                           uint64_t start, std::string_view* record) {
  const uint64_t end = page_start_ + pos_;
  if (flags & kZstdFlag) {
    Report(CorruptionKind::kUnsupported, start, end - start,
           "zstd not supported");
    return false;
  }
  if (flags & kSnappyFlag) {
    size_t n = 0;
    if (!snappy::GetUncompressedLength(data.data(), data.size(), &n) ||
        n > data.size() * kMaxSnappyExpansion) {
      Report(CorruptionKind::kBadCompression, start, end - start,
             "bad snappy length");
      return false;
    }
    uncompressed_.resize(n);
    if (!snappy::RawUncompress(data.data(), data.size(), uncompressed_.data())) {
      Report(CorruptionKind::kBadCompression, start, end - start,
             "snappy data does not decode");
      return false;
    }
    data = uncompressed_;
  }
  record_offset_ = start;
  end_offset_ = end;
  if (!damaged_) good_end_ = end;
  *record = data;
  return true;
}

bool SegmentReader::ReadRecord(std::string_view* record) {
  bool in_record = false;
  uint8_t flags = 0;
  uint64_t start = 0;
  scratch_.clear();
  for (;;) {
    Fragment f;
    const Next next = ReadFragment(&f);
    switch (next) {
      case Next::kFragment:
        break;
      case Next::kDamaged:
        in_record = false;  // the record being assembled is lost with it
        scratch_.clear();
        continue;
      case Next::kTorn:
      case Next::kEof:
        if (!status_.ok()) return false;  // I/O error: stop, say nothing
        if (in_record || next == Next::kTorn) {
          if (last_) {
            torn_tail_ = true;  // the end of the log
          } else {
            uint64_t at = in_record ? start : torn_at_;
            Report(CorruptionKind::kTornRecord, at, page_start_ + page_len_ - at,
                   "record cut at the end of a segment that is not the last");
          }
        }
        return false;
    }
    switch (f.type) {
      case kFull:
        if (in_record) {
          Report(CorruptionKind::kBadSequence, start, f.offset - start,
                 "FULL fragment inside a record");
        }
        resyncing_ = false;
        if (Finish(f.flags, f.data, f.offset, record)) return true;
        in_record = false;
        continue;
      case kFirst:
        if (in_record) {
          Report(CorruptionKind::kBadSequence, start, f.offset - start,
                 "FIRST fragment inside a record");
        }
        resyncing_ = false;
        in_record = true;
        flags = f.flags;
        start = f.offset;
        scratch_.assign(f.data);
        continue;
      default:  // kMiddle, kLast
        if (!in_record) {
          if (!resyncing_) {
            Report(CorruptionKind::kBadSequence, f.offset, f.data.size() + kHeaderSize,
                   f.type == kMiddle ? "MIDDLE fragment without FIRST"
                                     : "LAST fragment without FIRST");
          }
          continue;
        }
        scratch_.append(f.data);
        if (f.type == kLast) {
          in_record = false;
          if (Finish(flags, scratch_, start, record)) return true;
        }
        continue;
    }
  }
}

}  // namespace outpost::wal
