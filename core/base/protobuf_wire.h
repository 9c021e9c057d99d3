// Protocol Buffers wire-format helpers for the hand-written encoders
// (remote write's WriteRequest, Loki's PushRequest): tags, varints,
// length-delimited strings (protobuf.dev/programming-guides/encoding).
#ifndef OUTPOST_CORE_BASE_PROTOBUF_WIRE_H_
#define OUTPOST_CORE_BASE_PROTOBUF_WIRE_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace outpost::protowire {

// Tags: (field << 3) | wire type (0 varint, 1 fixed64, 2 bytes).
inline constexpr char kTagLen1 = 0x0a;  // field 1, length-delimited
inline constexpr char kTagLen2 = 0x12;  // field 2, length-delimited
inline constexpr char kTagLen3 = 0x1a;  // field 3, length-delimited
inline constexpr char kTagLen4 = 0x22;  // field 4, length-delimited
inline constexpr char kTagLen5 = 0x2a;  // field 5, length-delimited
inline constexpr char kTagFixed64_1 = 0x09;
inline constexpr char kTagFixed64_2 = 0x11;
inline constexpr char kTagVarint1 = 0x08;
inline constexpr char kTagVarint2 = 0x10;
inline constexpr char kTagVarint3 = 0x18;

inline size_t VarintSize(uint64_t v) {
  // 1 byte per 7 bits, at least one.
  return static_cast<size_t>((70 - std::countl_zero(v | 1)) / 7);
}

inline char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

inline void AppendVarint(std::string* out, uint64_t v) {
  char buf[10];
  char* end = PutVarint(buf, v);
  out->append(buf, static_cast<size_t>(end - buf));
}

inline void AppendString(std::string* out, char tag, std::string_view s) {
  if (s.empty()) return;  // proto3 omits empty strings
  out->push_back(tag);
  AppendVarint(out, s.size());
  out->append(s);
}

// AppendString into a buffer sized with StringFieldSize; returns the end.
inline char* PutString(char* p, char tag, std::string_view s) {
  if (s.empty()) return p;
  *p++ = tag;
  p = PutVarint(p, s.size());
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

inline size_t StringFieldSize(std::string_view s) {
  return s.empty() ? 0 : 1 + VarintSize(s.size()) + s.size();
}

}  // namespace outpost::protowire

#endif  // OUTPOST_CORE_BASE_PROTOBUF_WIRE_H_
