// The on-disk format of the write-ahead log: the one place that defines it.
//
// Byte layout is Prometheus' TSDB WAL (prometheus/prometheus
// tsdb/wlog/wlog.go, tsdb/docs/format/wal.md); the structure is LevelDB's
// log (db/log_format.h). A WAL directory holds segment files named "%08d";
// each segment is a sequence of 32 KiB pages; each page holds fragments:
//
//   type (1) | length (2, big-endian) | CRC32C (4, big-endian) | data
//
// The CRC (Castagnoli) covers the fragment's data only. A record is split
// into FULL, or FIRST MIDDLE* LAST fragments; it never crosses a segment.
// A page tail shorter than a header, and the rest of a page on rotation or
// close, is zero-filled (a 0 type byte means "rest of page is padding").
// The type byte also carries compression flags: the whole record is
// snappy-compressed before fragmenting, and stored raw (flag clear) when
// compression does not make it smaller.
#ifndef OUTPOST_CORE_WAL_FORMAT_H_
#define OUTPOST_CORE_WAL_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace outpost::wal {

inline constexpr size_t kPageSize = 32 * 1024;
inline constexpr size_t kHeaderSize = 7;
// The largest fragment payload: a whole page minus its header.
inline constexpr size_t kMaxFragmentSize = kPageSize - kHeaderSize;
inline constexpr uint64_t kDefaultSegmentSize = 128ull * 1024 * 1024;

// Fragment types (low three bits of the type byte).
enum FragmentType : uint8_t {
  kPageTerm = 0,  // the rest of the page is zero padding
  kFull = 1,
  kFirst = 2,
  kMiddle = 3,
  kLast = 4,
};
inline constexpr uint8_t kFragmentTypeMask = 0x07;
inline constexpr uint8_t kSnappyFlag = 0x08;
// Recognised only to be refused: records compressed with zstd are reported
// as "zstd not supported".
inline constexpr uint8_t kZstdFlag = 0x10;

// Segment file name: "%08d" (Prometheus' wlog.SegmentName).
std::string SegmentName(uint64_t index);
// The index of a segment file name, or nullopt if `name` is not all
// digits (such files are ignored, as Prometheus does).
std::optional<uint64_t> ParseSegmentName(std::string_view name);

// Checkpoint directory name: "checkpoint.%08d" (tsdb/wlog/checkpoint.go).
std::string CheckpointName(uint64_t index);
// The index of "checkpoint.NNNNNNNN", nullopt otherwise (".tmp" included).
std::optional<uint64_t> ParseCheckpointName(std::string_view name);

// Big-endian helpers shared by the log and the record codecs.
inline void PutBE16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}
inline void PutBE32(char* p, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v);
}
inline void PutBE64(char* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v);
}
inline uint16_t GetBE16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
inline uint32_t GetBE32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) |
         (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}
inline uint64_t GetBE64(const char* p) {
  return (uint64_t{GetBE32(p)} << 32) | GetBE32(p + 4);
}

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_FORMAT_H_
