// Streams by label set: the ids the Loki client batches and caches label
// strings by. A file's stream is made once per file; the label sets that
// pipeline stages produce are interned here per entry, without allocating
// once a set was seen.
//
// Thread-compatible (the reader thread); NewStreamId is thread-safe.
#ifndef OUTPOST_LOGS_STREAM_TABLE_H_
#define OUTPOST_LOGS_STREAM_TABLE_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "logs/entry_source.h"

namespace outpost::logs {

// Unique for the process lifetime.
uint64_t NewStreamId();

class StreamTable {
 public:
  // The stream of `labels`; the reference lives until the next Intern.
  const Stream& Intern(const Labels& labels);
  size_t size() const { return size_; }

 private:
  // Past this many sets the table starts over (new ids for the same sets:
  // the client's label-string cache is bounded the same way).
  static constexpr size_t kMaxStreams = 100000;
  absl::flat_hash_map<uint64_t, std::vector<Stream>> by_hash_;
  size_t size_ = 0;
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_STREAM_TABLE_H_
