// A minimal PushRequest reader for the client tests, written from loki's
// push.proto by hand (tags and lengths), independent of logs/push_encoder:
// it accepts only the field numbers and wire types the spec gives and fails
// on anything else.
#ifndef OUTPOST_TESTS_LOGS_CLIENT_MINI_PROTO_H_
#define OUTPOST_TESTS_LOGS_CLIENT_MINI_PROTO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace outpost::logs::testing {

struct Entry {
  int64_t seconds = 0;
  int32_t nanos = 0;
  std::string line;
};
struct StreamMsg {
  std::string labels;
  std::vector<Entry> entries;
};

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool done() const { return p_ >= b_.size(); }
  absl::StatusOr<uint64_t> Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= b_.size()) return absl::InvalidArgumentError("truncated varint");
      const auto c = static_cast<unsigned char>(b_[p_++]);
      v |= static_cast<uint64_t>(c & 0x7f) << shift;
      if (c < 0x80) return v;
    }
    return absl::InvalidArgumentError("varint too long");
  }
  absl::StatusOr<std::string_view> Bytes() {
    auto n = Varint();
    if (!n.ok()) return n.status();
    if (*n > b_.size() - p_) return absl::InvalidArgumentError("length past end");
    std::string_view s = b_.substr(p_, *n);
    p_ += *n;
    return s;
  }

 private:
  std::string_view b_;
  size_t p_ = 0;
};

#define MINI_PROTO_TRY(var, expr) \
  auto var = (expr);              \
  if (!var.ok()) return var.status()

inline absl::StatusOr<Entry> DecodeEntry(std::string_view b) {
  Entry e;
  Reader r(b);
  while (!r.done()) {
    MINI_PROTO_TRY(tag, r.Varint());
    if (*tag == 0x0a) {  // Timestamp timestamp = 1
      MINI_PROTO_TRY(ts, r.Bytes());
      Reader t(*ts);
      while (!t.done()) {
        MINI_PROTO_TRY(tt, t.Varint());
        MINI_PROTO_TRY(v, t.Varint());
        if (*tt == 0x08) {
          e.seconds = static_cast<int64_t>(*v);
        } else if (*tt == 0x10) {
          e.nanos = static_cast<int32_t>(*v);
        } else {
          return absl::InvalidArgumentError(absl::StrCat("timestamp tag ", *tt));
        }
      }
    } else if (*tag == 0x12) {  // string line = 2
      MINI_PROTO_TRY(line, r.Bytes());
      e.line = std::string(*line);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("entry tag ", *tag));
    }
  }
  return e;
}

inline absl::StatusOr<std::vector<StreamMsg>> DecodePush(std::string_view b) {
  std::vector<StreamMsg> out;
  Reader r(b);
  while (!r.done()) {
    MINI_PROTO_TRY(tag, r.Varint());
    if (*tag != 0x0a) return absl::InvalidArgumentError(absl::StrCat("request tag ", *tag));
    MINI_PROTO_TRY(sb, r.Bytes());
    StreamMsg s;
    Reader sr(*sb);
    while (!sr.done()) {
      MINI_PROTO_TRY(st, sr.Varint());
      MINI_PROTO_TRY(f, sr.Bytes());
      if (*st == 0x0a) {  // string labels = 1
        s.labels = std::string(*f);
      } else if (*st == 0x12) {  // repeated EntryAdapter entries = 2
        MINI_PROTO_TRY(e, DecodeEntry(*f));
        s.entries.push_back(std::move(*e));
      } else {
        return absl::InvalidArgumentError(absl::StrCat("stream tag ", *st));
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

#undef MINI_PROTO_TRY

}  // namespace outpost::logs::testing

#endif  // OUTPOST_TESTS_LOGS_CLIENT_MINI_PROTO_H_
