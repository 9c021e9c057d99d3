// Promtail's flagext.ByteSize text (drop.longer_than, cri's
// max_partial_line_size).
#ifndef OUTPOST_LOGS_STAGES_BYTE_SIZE_H_
#define OUTPOST_LOGS_STAGES_BYTE_SIZE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace outpost::logs::stages {

// flagext.ByteSize.Set (c2h5oh/datasize on the upper-cased text): digits,
// then optional spaces and a unit B, K/KB/KILO..., M, G, T, P, E (powers of
// 1024, any case); "" is 0. No KiB. False with Go's message in *error.
bool ParseByteSize(std::string_view text, uint64_t* out, std::string* error);

}  // namespace outpost::logs::stages

#endif  // OUTPOST_LOGS_STAGES_BYTE_SIZE_H_
