#include "logs/stream_table.h"

#include <atomic>

namespace outpost::logs {

uint64_t NewStreamId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

const Stream& StreamTable::Intern(const Labels& labels) {
  std::vector<Stream>& same = by_hash_[labels.Hash()];
  for (const Stream& s : same) {
    if (s.labels == labels) return s;
  }
  if (size_ >= kMaxStreams) {
    by_hash_.clear();
    size_ = 0;
    return Intern(labels);
  }
  ++size_;
  return same.emplace_back(Stream{NewStreamId(), labels});
}

}  // namespace outpost::logs
