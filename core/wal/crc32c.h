// CRC-32C (Castagnoli, polynomial 0x1EDC6F41 reflected 0x82F63B78), the
// checksum of WAL fragments (Go's crc32.Checksum(b, crc32.MakeTable(
// crc32.Castagnoli)), as Prometheus' tsdb/wlog uses).
//
// Debian 12 ships no C/C++ CRC32C library (no libcrc32c-dev; its abseil
// predates absl/crc), so this is our own: the SSE4.2 `crc32` instruction
// when the CPU has it (checked once at run time), else a portable
// slice-by-8 table version. Both give identical results; thread-safe.
#ifndef OUTPOST_CORE_WAL_CRC32C_H_
#define OUTPOST_CORE_WAL_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace outpost::wal {

// Returns the CRC32C of data[0..n) continued from `crc` (the CRC of the
// bytes before them; 0 for none).
uint32_t Crc32cExtend(uint32_t crc, const char* data, size_t n);

inline uint32_t Crc32c(std::string_view data) {
  return Crc32cExtend(0, data.data(), data.size());
}

// The portable path, exposed so tests check it against the hardware one.
uint32_t Crc32cExtendPortable(uint32_t crc, const char* data, size_t n);

// True when the SSE4.2 path is in use.
bool Crc32cHardware();

}  // namespace outpost::wal

#endif  // OUTPOST_CORE_WAL_CRC32C_H_
