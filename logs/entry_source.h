// The two small types the reader, the pipeline and the Loki client share.
#ifndef OUTPOST_LOGS_ENTRY_SOURCE_H_
#define OUTPOST_LOGS_ENTRY_SOURCE_H_

#include <cstdint>

#include "core/base/labels.h"

namespace outpost::logs {

// The label set of a stream (sorted, no "__" labels), interned by the
// instance: `id` is unique per distinct label set for the process lifetime.
struct Stream {
  uint64_t id = 0;
  Labels labels;
};

// Where an entry came from: the instance's id of its source (a tailed file
// generation, a journal target) and the entry's range there, [start, end):
// bytes of a file; for the journal, the reader's sequence numbers. A joined
// entry (multiline, cri partials) covers the range of all its lines.
struct EntrySource {
  uint64_t source = 0;
  int64_t start = 0;
  int64_t end = 0;
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_ENTRY_SOURCE_H_
