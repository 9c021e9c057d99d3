#include "logs/push_encoder.h"

#include <cstring>

#include "core/base/protobuf_wire.h"

namespace outpost::logs {
namespace {

using protowire::AppendVarint;
using protowire::kTagLen1;
using protowire::kTagLen2;
using protowire::kTagLen3;
using protowire::kTagVarint1;
using protowire::kTagVarint2;
using protowire::PutString;
using protowire::PutVarint;
using protowire::VarintSize;

constexpr char kHex[] = "0123456789abcdef";

void AppendHexEscape(std::string* out, char kind, uint32_t v, int digits) {
  out->push_back('\\');
  out->push_back(kind);
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(v >> (4 * i)) & 0xf]);
}

// Decodes one UTF-8 sequence at s[i]; returns its length, 0 when invalid
// (as Go's utf8.DecodeRuneInString: overlong forms, surrogates and values
// past U+10FFFF are invalid).
size_t DecodeRune(std::string_view s, size_t i, uint32_t* r) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xc0) == 0x80; };
  const unsigned char c = b(0);
  if (c >= 0xc2 && c <= 0xdf && cont(1)) {
    *r = ((c & 0x1fu) << 6) | (b(1) & 0x3fu);
    return 2;
  }
  if (c >= 0xe0 && c <= 0xef && cont(1) && cont(2)) {
    *r = ((c & 0x0fu) << 12) | ((b(1) & 0x3fu) << 6) | (b(2) & 0x3fu);
    if (*r < 0x800 || (*r >= 0xd800 && *r <= 0xdfff)) return 0;
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4 && cont(1) && cont(2) && cont(3)) {
    *r = ((c & 0x07u) << 18) | ((b(1) & 0x3fu) << 12) | ((b(2) & 0x3fu) << 6) | (b(3) & 0x3fu);
    if (*r < 0x10000 || *r > 0x10ffff) return 0;
    return 4;
  }
  return 0;
}

// Go's unicode.IsPrint for a non-ASCII code point, short of the tables of
// unassigned ones: false for C1 controls, spaces other than U+0020 (Z*),
// format characters (Cf), private use (Co) and noncharacters.
bool IsPrintNonAscii(uint32_t r) {
  if (r <= 0x9f || r == 0xa0 || r == 0xad) return false;
  if ((r >= 0x600 && r <= 0x605) || r == 0x61c || r == 0x6dd || r == 0x70f ||
      r == 0x890 || r == 0x891 || r == 0x8e2 || r == 0x1680 || r == 0x180e) {
    return false;
  }
  if ((r >= 0x2000 && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f) ||
      (r >= 0x205f && r <= 0x2064) || (r >= 0x2066 && r <= 0x206f) || r == 0x3000) {
    return false;
  }
  if ((r >= 0xe000 && r <= 0xf8ff) || r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb)) {
    return false;
  }
  if ((r >= 0xfdd0 && r <= 0xfdef) || (r & 0xfffe) == 0xfffe) return false;
  if (r == 0x110bd || r == 0x110cd || (r >= 0x13430 && r <= 0x1343f) ||
      (r >= 0x1bca0 && r <= 0x1bca3) || (r >= 0x1d173 && r <= 0x1d17a) ||
      r == 0xe0001 || (r >= 0xe0020 && r <= 0xe007f) || r >= 0xf0000) {
    return false;
  }
  return true;
}

}  // namespace

void AppendGoQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"': out->append("\\\""); continue;
        case '\\': out->append("\\\\"); continue;
        case '\a': out->append("\\a"); continue;
        case '\b': out->append("\\b"); continue;
        case '\f': out->append("\\f"); continue;
        case '\n': out->append("\\n"); continue;
        case '\r': out->append("\\r"); continue;
        case '\t': out->append("\\t"); continue;
        case '\v': out->append("\\v"); continue;
        default: break;
      }
      if (c < 0x20 || c == 0x7f) {
        AppendHexEscape(out, 'x', c, 2);
      } else {
        out->push_back(static_cast<char>(c));
      }
      continue;
    }
    uint32_t r = 0;
    const size_t n = DecodeRune(s, i, &r);
    if (n == 0) {  // not UTF-8: the byte, as Go does for utf8.RuneError width 1
      AppendHexEscape(out, 'x', c, 2);
      ++i;
      continue;
    }
    if (IsPrintNonAscii(r)) {
      out->append(s.substr(i, n));
    } else if (r < 0x10000) {
      AppendHexEscape(out, 'u', r, 4);
    } else {
      AppendHexEscape(out, 'U', r, 8);
    }
    i += n;
  }
  out->push_back('"');
}

std::string LabelString(const Labels& labels) {
  std::string out = "{";
  for (const Label& l : labels) {
    if (out.size() > 1) out.append(", ");
    out.append(l.name);
    out.push_back('=');
    AppendGoQuoted(&out, l.value);
  }
  out.push_back('}');
  return out;
}

size_t PushEncoder::Stream(uint64_t id, std::string_view labels) {
  auto [it, added] = index_.try_emplace(id, used_);
  if (!added) return it->second;
  if (used_ == slots_.size()) slots_.emplace_back();
  Slot& slot = slots_[used_];
  slot.labels.assign(labels);
  slot.entries.clear();
  return used_++;
}

void PushEncoder::Append(size_t stream, int64_t ts_ns, std::string_view line,
                         const Labels* metadata) {
  int64_t secs = ts_ns / 1000000000;
  int64_t nanos = ts_ns % 1000000000;
  if (nanos < 0) {  // Timestamp.nanos is in [0, 1e9)
    nanos += 1000000000;
    --secs;
  }
  const uint64_t usecs = static_cast<uint64_t>(secs);
  const size_t ts_size = (secs != 0 ? 1 + VarintSize(usecs) : 0) +
                         (nanos != 0 ? 1 + VarintSize(static_cast<uint64_t>(nanos)) : 0);
  const size_t line_size = line.empty() ? 0 : 1 + VarintSize(line.size()) + line.size();
  size_t meta_size = 0;
  if (metadata != nullptr) {
    for (const Label& l : *metadata) {
      const size_t pair = protowire::StringFieldSize(l.name) + protowire::StringFieldSize(l.value);
      meta_size += 1 + VarintSize(pair) + pair;
    }
  }
  const size_t entry_size = 1 + VarintSize(ts_size) + ts_size + line_size + meta_size;

  std::string& buf = slots_[stream].entries;
  const size_t at = buf.size();
  buf.resize(at + 1 + VarintSize(entry_size) + entry_size);  // amortised growth
  char* p = buf.data() + at;
  *p++ = kTagLen2;  // EntryAdapter entries = 2
  p = PutVarint(p, entry_size);
  *p++ = kTagLen1;  // Timestamp timestamp = 1 (always written, as gogoproto's non-nullable)
  p = PutVarint(p, ts_size);
  if (secs != 0) {
    *p++ = kTagVarint1;
    p = PutVarint(p, usecs);
  }
  if (nanos != 0) {
    *p++ = kTagVarint2;
    p = PutVarint(p, static_cast<uint64_t>(nanos));
  }
  if (!line.empty()) {
    *p++ = kTagLen2;  // string line = 2
    p = PutVarint(p, line.size());
    std::memcpy(p, line.data(), line.size());
    p += line.size();
  }
  if (metadata != nullptr) {
    for (const Label& l : *metadata) {
      const size_t pair = protowire::StringFieldSize(l.name) + protowire::StringFieldSize(l.value);
      *p++ = kTagLen3;  // repeated LabelPairAdapter structuredMetadata = 3
      p = PutVarint(p, pair);
      p = PutString(p, kTagLen1, l.name);
      p = PutString(p, kTagLen2, l.value);
    }
  }
  ++entries_;
}

void PushEncoder::Finish(std::string* out) const {
  size_t total = 0;
  for (size_t i = 0; i < used_; ++i) {
    const Slot& s = slots_[i];
    const size_t body = protowire::StringFieldSize(s.labels) + s.entries.size();
    total += 1 + VarintSize(body) + body;
  }
  out->clear();
  out->reserve(total);
  for (size_t i = 0; i < used_; ++i) {
    const Slot& s = slots_[i];
    out->push_back(kTagLen1);  // StreamAdapter streams = 1
    AppendVarint(out, protowire::StringFieldSize(s.labels) + s.entries.size());
    protowire::AppendString(out, kTagLen1, s.labels);  // string labels = 1
    out->append(s.entries);
  }
}

void PushEncoder::Clear(size_t keep_bytes) {
  size_t kept = 0;
  for (Slot& s : slots_) {
    s.entries.clear();
    kept += s.entries.capacity();
    if (kept > keep_bytes) {
      kept -= s.entries.capacity();
      std::string().swap(s.entries);
    }
  }
  used_ = 0;
  entries_ = 0;
  index_.clear();
}

}  // namespace outpost::logs
