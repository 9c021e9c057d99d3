// How the module engine reads PDU values and index OIDs, as snmp_exporter
// v0.26's collector.go does (getPduValue, pduValueAsString,
// indexOidsAsString, parseDateAndTime) on values decoded the gosnmp way
// (see engine.h for the mapping from Pdu). Internal to the engine; pure
// functions, thread-safe.
#ifndef OUTPOST_INTEGRATIONS_SNMP_VALUES_H_
#define OUTPOST_INTEGRATIONS_SNMP_VALUES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "integrations/snmp/pdu.h"

namespace outpost::integrations::snmp::values {

// The types indexOidsAsString renders; kUnsupported is any other name
// (upstream panics when asked to render it).
enum class RenderType : uint8_t {
  kInteger,  // Integer, Integer32, gauge, counter
  kPhysAddress48,
  kOctetString,
  kDisplayString,
  kInetAddressIPv4,
  kInetAddressIPv6,
  kEnumAsInfo,
  kInetAddress,             // combined: address type, length, address
  kInetAddressMissingSize,  // combined: address type, address
  kLldpPortId,              // combined: subtype, length, id
  kUnsupported,
};

// The type of a name; "" and "Bits" render as OctetString (as in
// pduValueAsString).
RenderType RenderTypeFromName(std::string_view name);
bool IsCombined(RenderType t);
// The real type of a combined type given the preceding object's value
// (collector.go combinedTypeMapping); nullopt when unmapped.
std::optional<RenderType> CombinedSubtype(RenderType t, int64_t value);

using EnumMap = std::map<int64_t, std::string>;

// How far past the end of the OID a string index's length may reach
// (upstream pads a short OID with zeros up to the claimed length, and
// allocates it: a claim of 2^32-1 exhausts its memory; here it is
// malformed).
inline constexpr int64_t kMaxIndexLength = 65536;

// Decodes one index of type `t` from the front of `in` (missing trailing
// components read as 0), writing the label text to *out (replaced), the
// components it used (padding included) to *used (appended) and what
// remains to *rest. False where upstream would panic (kUnsupported) or
// pad more than kMaxIndexLength zeros.
bool DecodeIndex(std::span<const int64_t> in, RenderType t, int64_t fixed_size, bool implied,
                 const EnumMap* enums, std::string* out, std::vector<int64_t>* used,
                 std::span<const int64_t>* rest);

// The PDU's value as a float (getPduValue): Counter64 wrapped at 2^53 when
// `wrap`; opaque floats; integers; 0 for anything else.
double Number(const Pdu& pdu, bool wrap);
// gosnmp.ToBigInt(pdu.Value).Int64(): integers and counters, 0 otherwise.
int64_t Int64(const Pdu& pdu);
// Go's int(f) on amd64: truncation; NaN and out of range give INT64_MIN.
int64_t GoInt(double f);
// The value when gosnmp decodes it as []byte (an OctetString, or an Opaque
// that is not a float); nullptr otherwise.
const std::string* Bytes(const Pdu& pdu);

// Buffers AsString reuses between calls.
struct Scratch {
  std::vector<int64_t> in;
  std::vector<int64_t> used;
};

// pduValueAsString: the value as label text for type `t` (used for byte
// values only). False where upstream panics (bytes rendered as an
// unsupported type).
bool AsString(const Pdu& pdu, RenderType t, std::string* out, Scratch* scratch);

// An RFC 2579 DateAndTime (8 or 11 bytes) as Unix seconds; false when
// malformed.
bool ParseDateAndTime(std::string_view v, double* out);

// Go's utf8.ValidString.
bool IsValidUtf8(std::string_view s);
// Go's strings.ToValidUTF8(s, "\uFFFD") in place (text.h's ToValidUtf8,
// without a copy when valid).
void RepairUtf8(std::string* s);

}  // namespace outpost::integrations::snmp::values

#endif  // OUTPOST_INTEGRATIONS_SNMP_VALUES_H_
