// Reused scratch buffers (record encoders, decoders, request builders) keep
// the capacity of their largest use: the Series record of a new target with
// thousands of series, a backlog batch after an outage. ReleaseIfOversized
// gives that memory back once a use needs far less, so a long-running
// agent's memory follows its steady-state work, not its largest moment.
#ifndef OUTPOST_CORE_BASE_SCRATCH_H_
#define OUTPOST_CORE_BASE_SCRATCH_H_

#include <cstddef>
#include <utility>

namespace outpost {

// Frees `buf` (a std::string or std::vector) when its capacity is above
// `keep_bytes` and over four times the `used` elements the last use took.
// The contents are lost: call it when they are no longer needed.
template <typename Buffer>
void ReleaseIfOversized(Buffer& buf, size_t used, size_t keep_bytes = size_t{64} << 10) {
  const size_t elem = sizeof(typename Buffer::value_type);
  if (buf.capacity() * elem > keep_bytes && used < buf.capacity() / 4) {
    Buffer().swap(buf);
  }
}

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_SCRATCH_H_
