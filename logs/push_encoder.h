// PushEncoder: builds one Loki push request (logproto.PushRequest, the
// field numbers of loki pkg/push/push.proto) entry by entry, as the Loki
// client batches them (reference/logs.md §5):
//
//   PushRequest   { repeated StreamAdapter streams = 1; }
//   StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; }
//   EntryAdapter  { Timestamp timestamp = 1; string line = 2;
//                   repeated LabelPairAdapter structuredMetadata = 3; }
//   LabelPairAdapter { string name = 1; string value = 2; }
//   Timestamp     { int64 seconds = 1; int32 nanos = 2; }
//
// Each entry is encoded at Append straight into its stream's byte buffer
// (tag, length, timestamp, line), so a line costs a copy and no allocation
// beyond amortised buffer growth; Finish writes the streams (in first-push
// order) around those buffers. Clear keeps the buffers for the next batch.
//
// Labels strings: LabelString writes Promtail's labelsMapToString (client/
// batch.go): names sorted, `{a="x", b="y"}`, values quoted as Go's
// strconv.Quote (AppendGoQuoted).
//
// Not thread-safe.
#ifndef OUTPOST_LOGS_PUSH_ENCODER_H_
#define OUTPOST_LOGS_PUSH_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/base/labels.h"

namespace outpost::logs {

// Appends `s` quoted as Go's strconv.Quote: "..." with \" \\ \a \b \f \n \r
// \t \v, \xNN for other ASCII control bytes and for bytes that are not
// valid UTF-8, \uNNNN / \UNNNNNNNN for code points Go does not print
// (C1 controls, non-ASCII spaces, format characters, private use,
// noncharacters). Go also escapes unassigned code points; without
// Unicode's tables those are kept as they are.
void AppendGoQuoted(std::string* out, std::string_view s);

// `{a="x", b="y"}`: `labels` (sorted, as core Labels are) with Go-quoted
// values; "{}" for none.
std::string LabelString(const Labels& labels);

class PushEncoder {
 public:
  // The stream for `id` in this request, added with `labels` (its label
  // string) on first use. Returns its index for Append.
  size_t Stream(uint64_t id, std::string_view labels);
  bool HasStream(uint64_t id) const { return index_.contains(id); }
  size_t streams() const { return used_; }

  // `metadata`: the entry's structured metadata (none when null or empty).
  void Append(size_t stream, int64_t ts_ns, std::string_view line,
              const Labels* metadata = nullptr);
  size_t entries() const { return entries_; }
  bool empty() const { return entries_ == 0; }

  // The serialised PushRequest (uncompressed), replacing `out`'s content.
  void Finish(std::string* out) const;
  // Forgets the streams and entries; keeps the buffers (those grown past
  // `keep_bytes` in total are released, so memory follows the batch size).
  void Clear(size_t keep_bytes);

 private:
  struct Slot {
    std::string labels;
    std::string entries;  // encoded EntryAdapter fields (tag 2, length, bytes)
  };
  std::vector<Slot> slots_;
  size_t used_ = 0;
  size_t entries_ = 0;
  absl::flat_hash_map<uint64_t, size_t> index_;
};

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_PUSH_ENCODER_H_
