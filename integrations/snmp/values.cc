#include "integrations/snmp/values.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "integrations/common/text.h"

namespace outpost::integrations::snmp::values {
namespace {

constexpr uint64_t kFloat64Mantissa = 9007199254740992ULL;  // 2^53
constexpr char kHex[] = "0123456789ABCDEF";

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, p);
}

void AppendUint(std::string* out, uint64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, p);
}

// fmt's %02X of a non-negative int.
void AppendHex2(std::string* out, int64_t v) {
  if (v < 0) {  // not reachable from OIDs or bytes; keep Go's form anyway
    out->push_back('-');
    v = -v;
  }
  char buf[20];
  int n = 0;
  uint64_t u = static_cast<uint64_t>(v);
  do {
    buf[n++] = kHex[u & 15];
    u >>= 4;
  } while (u != 0);
  if (n < 2) buf[n++] = '0';
  while (n > 0) out->push_back(buf[--n]);
}

// splitOid: the first n components (zero-padded) appended to *used; the
// rest returned.
std::span<const int64_t> Take(std::span<const int64_t> in, size_t n, std::vector<int64_t>* used) {
  size_t have = std::min(n, in.size());
  used->insert(used->end(), in.begin(), in.begin() + static_cast<ptrdiff_t>(have));
  used->resize(used->size() + (n - have), 0);
  return in.subspan(have);
}

// Go's strconv.FormatFloat(v, 'f', -1, bits).
template <typename F>
void AppendFloat(std::string* out, F v) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buf[400];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  out->append(buf, p);
}

// Opaque float/double as net-snmp and gosnmp encode them inside an Opaque:
// 9f 78 04 <float32> or 9f 79 08 <float64> (gosnmp helper.go parseOpaque).
bool OpaqueFloat(const Pdu& pdu, double* out, bool* is_float32) {
  if (pdu.type != PduType::kOpaque) return false;
  const std::string& b = pdu.bytes;
  if (b.size() == 7 && b[0] == '\x9f' && b[1] == '\x78' && b[2] == '\x04') {
    uint32_t bits = 0;
    for (int i = 3; i < 7; ++i) bits = (bits << 8) | static_cast<uint8_t>(b[i]);
    *out = std::bit_cast<float>(bits);
    *is_float32 = true;
    return true;
  }
  if (b.size() == 11 && b[0] == '\x9f' && b[1] == '\x79' && b[2] == '\x08') {
    uint64_t bits = 0;
    for (int i = 3; i < 11; ++i) bits = (bits << 8) | static_cast<uint8_t>(b[i]);
    *out = std::bit_cast<double>(bits);
    *is_float32 = false;
    return true;
  }
  return false;
}

// Go's net.IP.String() of a 16-byte address.
void AppendIPv6(std::string* out, std::string_view b) {
  static constexpr char kV4Prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\xff', '\xff'};
  if (std::memcmp(b.data(), kV4Prefix, 12) == 0) {
    for (int i = 12; i < 16; ++i) {
      if (i > 12) out->push_back('.');
      AppendInt(out, static_cast<uint8_t>(b[i]));
    }
    return;
  }
  uint16_t g[8];
  for (int i = 0; i < 8; ++i)
    g[i] = static_cast<uint16_t>(static_cast<uint8_t>(b[2 * i]) << 8 | static_cast<uint8_t>(b[2 * i + 1]));
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  static constexpr char kLower[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out->append("::");
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best + best_len) out->push_back(':');
    char buf[4];
    int n = 0;
    uint16_t v = g[i];
    do {
      buf[n++] = kLower[v & 15];
      v >>= 4;
    } while (v != 0);
    while (n > 0) out->push_back(buf[--n]);
  }
}

}  // namespace

RenderType RenderTypeFromName(std::string_view n) {
  if (n == "Integer32" || n == "Integer" || n == "gauge" || n == "counter") return RenderType::kInteger;
  if (n == "PhysAddress48") return RenderType::kPhysAddress48;
  if (n == "OctetString" || n.empty() || n == "Bits") return RenderType::kOctetString;
  if (n == "DisplayString") return RenderType::kDisplayString;
  if (n == "InetAddressIPv4") return RenderType::kInetAddressIPv4;
  if (n == "InetAddressIPv6") return RenderType::kInetAddressIPv6;
  if (n == "EnumAsInfo") return RenderType::kEnumAsInfo;
  if (n == "InetAddress") return RenderType::kInetAddress;
  if (n == "InetAddressMissingSize") return RenderType::kInetAddressMissingSize;
  if (n == "LldpPortId") return RenderType::kLldpPortId;
  return RenderType::kUnsupported;
}

bool IsCombined(RenderType t) {
  return t == RenderType::kInetAddress || t == RenderType::kInetAddressMissingSize ||
         t == RenderType::kLldpPortId;
}

std::optional<RenderType> CombinedSubtype(RenderType t, int64_t v) {
  switch (t) {
    case RenderType::kInetAddress:
    case RenderType::kInetAddressMissingSize:
      if (v == 1) return RenderType::kInetAddressIPv4;
      if (v == 2) return RenderType::kInetAddressIPv6;
      return std::nullopt;
    case RenderType::kLldpPortId:
      if (v == 1 || v == 2 || v == 5 || v == 7) return RenderType::kDisplayString;
      if (v == 3) return RenderType::kPhysAddress48;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool DecodeIndex(std::span<const int64_t> in, RenderType t, int64_t fixed_size, bool implied,
                 const EnumMap* enums, std::string* out, std::vector<int64_t>* used,
                 std::span<const int64_t>* rest) {
  out->clear();
  if (IsCombined(t)) {
    // collector.go indexOidsAsString: the subtype (and for most, a length)
    // come first; an unknown subtype reads the whole thing as a string.
    const bool missing_size = t == RenderType::kInetAddressMissingSize;
    size_t start = used->size();
    std::span<const int64_t> value = Take(in, missing_size ? 1 : 2, used);
    std::optional<RenderType> sub = CombinedSubtype(t, (*used)[start]);
    if (sub.has_value()) return DecodeIndex(value, *sub, 0, false, enums, out, used, rest);
    used->resize(start);
    if (missing_size) return DecodeIndex(in, RenderType::kOctetString, 0, true, enums, out, used, rest);
    int64_t len = in.size() > 1 ? in[1] : 0;
    return DecodeIndex(in, RenderType::kOctetString, len + 2, false, enums, out, used, rest);
  }
  size_t start = used->size();
  switch (t) {
    case RenderType::kInteger:
      *rest = Take(in, 1, used);
      AppendInt(out, (*used)[start]);
      return true;
    case RenderType::kEnumAsInfo: {
      *rest = Take(in, 1, used);
      int64_t v = (*used)[start];
      if (enums != nullptr) {
        auto it = enums->find(v);
        if (it != enums->end()) {
          *out = it->second;
          return true;
        }
      }
      AppendInt(out, v);
      return true;
    }
    case RenderType::kPhysAddress48:
      *rest = Take(in, 6, used);
      for (size_t i = 0; i < 6; ++i) {
        if (i > 0) out->push_back(':');
        AppendHex2(out, (*used)[start + i]);
      }
      return true;
    case RenderType::kInetAddressIPv4:
      *rest = Take(in, 4, used);
      for (size_t i = 0; i < 4; ++i) {
        if (i > 0) out->push_back('.');
        AppendInt(out, (*used)[start + i]);
      }
      return true;
    case RenderType::kInetAddressIPv6:
      *rest = Take(in, 16, used);
      for (size_t i = 0; i < 16; ++i) {
        if (i > 0 && i % 2 == 0) out->push_back(':');
        AppendHex2(out, (*used)[start + i]);
      }
      return true;
    case RenderType::kOctetString:
    case RenderType::kDisplayString: {
      int64_t length = fixed_size;
      if (implied) length = static_cast<int64_t>(in.size());
      if (length == 0) {
        in = Take(in, 1, used);
        length = (*used)[start];
      }
      if (length < 0 || length - static_cast<int64_t>(in.size()) > kMaxIndexLength) return false;
      size_t content = used->size();
      *rest = Take(in, static_cast<size_t>(length), used);
      if (t == RenderType::kDisplayString) {
        for (size_t i = content; i < used->size(); ++i) out->push_back(static_cast<char>((*used)[i]));
        return true;
      }
      if (length == 0) return true;
      out->append("0x");
      for (size_t i = content; i < used->size(); ++i) {
        uint8_t b = static_cast<uint8_t>((*used)[i]);
        out->push_back(kHex[b >> 4]);
        out->push_back(kHex[b & 15]);
      }
      return true;
    }
    default:
      return false;
  }
}

double Number(const Pdu& pdu, bool wrap) {
  switch (pdu.type) {
    case PduType::kCounter64:
      return static_cast<double>(wrap ? pdu.counter % kFloat64Mantissa : pdu.counter);
    case PduType::kInteger:
      return static_cast<double>(pdu.integer);
    case PduType::kCounter32:
    case PduType::kGauge32:
    case PduType::kTimeTicks:
      return static_cast<double>(pdu.counter);
    case PduType::kOpaque: {
      double f = 0;
      bool f32 = false;
      return OpaqueFloat(pdu, &f, &f32) ? f : 0;
    }
    default:
      return 0;
  }
}

int64_t Int64(const Pdu& pdu) {
  switch (pdu.type) {
    case PduType::kInteger:
      return pdu.integer;
    case PduType::kCounter32:
    case PduType::kGauge32:
    case PduType::kTimeTicks:
    case PduType::kCounter64:
      return static_cast<int64_t>(pdu.counter);  // big.Int.Int64: the low 64 bits
    default:
      return 0;
  }
}

int64_t GoInt(double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(f);
}

const std::string* Bytes(const Pdu& pdu) {
  if (pdu.type == PduType::kOctetString) return &pdu.bytes;
  double f = 0;
  bool f32 = false;
  if (pdu.type == PduType::kOpaque && !OpaqueFloat(pdu, &f, &f32)) return &pdu.bytes;
  return nullptr;
}

bool AsString(const Pdu& pdu, RenderType t, std::string* out, Scratch* scratch) {
  out->clear();
  switch (pdu.type) {
    case PduType::kInteger:
      AppendInt(out, pdu.integer);
      return true;
    case PduType::kCounter32:
    case PduType::kGauge32:
    case PduType::kCounter64:
      AppendUint(out, pdu.counter);
      return true;
    case PduType::kTimeTicks:
      // gosnmp decodes TimeTicks as uint32, which pduValueAsString does
      // not handle: its default case prints it with %s.
      out->append("%!s(uint32=");
      AppendUint(out, pdu.counter & 0xffffffffu);
      out->push_back(')');
      return true;
    case PduType::kObjectIdentifier:
      for (size_t i = 0; i < pdu.oid_value.size(); ++i) {
        if (i > 0) out->push_back('.');
        AppendUint(out, pdu.oid_value[i]);
      }
      return true;
    case PduType::kIpAddress:
      if (pdu.bytes.size() == 4) {
        for (int i = 0; i < 4; ++i) {
          if (i > 0) out->push_back('.');
          AppendInt(out, static_cast<uint8_t>(pdu.bytes[i]));
        }
      } else if (pdu.bytes.size() == 16) {
        AppendIPv6(out, pdu.bytes);
      }
      return true;
    case PduType::kOpaque:
    case PduType::kOctetString: {
      double f = 0;
      bool f32 = false;
      if (OpaqueFloat(pdu, &f, &f32)) {
        if (f32) {
          AppendFloat(out, static_cast<float>(f));
        } else {
          AppendFloat(out, f);
        }
        return true;
      }
      // Rendered as an index of the bytes, with the length first for the
      // string types (collector.go pduValueAsString).
      std::vector<int64_t>& in = scratch->in;
      in.clear();
      if (t == RenderType::kOctetString || t == RenderType::kDisplayString)
        in.push_back(static_cast<int64_t>(pdu.bytes.size()));
      for (char c : pdu.bytes) in.push_back(static_cast<uint8_t>(c));
      scratch->used.clear();
      std::span<const int64_t> rest;
      if (!DecodeIndex(in, t, 0, false, nullptr, out, &scratch->used, &rest)) return false;
      RepairUtf8(out);
      return true;
    }
    default:
      return true;  // no value: ""
  }
}

bool ParseDateAndTime(std::string_view v, double* out) {
  auto u = [&](size_t i) { return static_cast<int64_t>(static_cast<uint8_t>(v[i])); };
  int64_t offset = 0;
  if (v.size() == 11) {
    // time.Parse("-0700", fmt.Sprintf("%s%02d%02d", string(v[8]), v[9], v[10])).
    if ((v[8] != '+' && v[8] != '-') || u(9) > 24 || u(10) > 60) return false;
    offset = (u(9) * 3600 + u(10) * 60) * (v[8] == '-' ? -1 : 1);
  } else if (v.size() != 8) {
    return false;
  }
  // time.Date normalizes out-of-range fields, as CivilSecond does; the
  // deciseconds carry into seconds.
  absl::CivilSecond cs(u(0) << 8 | u(1), u(2), u(3), u(4), u(5), u(6) + u(7) / 10);
  *out = static_cast<double>(absl::ToUnixSeconds(absl::FromCivil(cs, absl::UTCTimeZone())) - offset);
  return true;
}

bool IsValidUtf8(std::string_view s) {
  // Label values are mostly ASCII; anything else is valid when text.h's
  // ToValidUtf8 (Go's rules) leaves it unchanged.
  if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return true;
  return ToValidUtf8(s) == s;
}

void RepairUtf8(std::string* s) {
  if (!IsValidUtf8(*s)) *s = ToValidUtf8(*s);
}

}  // namespace outpost::integrations::snmp::values
