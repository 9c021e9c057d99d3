// PDU builders for the module engine's tests and benchmarks (no gtest).
#ifndef OUTPOST_TESTS_INTEGRATIONS_SNMP_PDU_BUILDERS_H_
#define OUTPOST_TESTS_INTEGRATIONS_SNMP_PDU_BUILDERS_H_

#include <bit>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "integrations/snmp/module.h"
#include "integrations/snmp/pdu.h"

namespace outpost::integrations::snmp::test {

// The OID of dotted text (empty when it is not one).
inline Oid O(std::string_view text) {
  Oid oid;
  ParseOid(text, &oid);
  return oid;
}

inline Pdu Int(std::string_view oid, int64_t v) {
  Pdu p;
  p.oid = O(oid);
  p.type = PduType::kInteger;
  p.integer = v;
  return p;
}
inline Pdu Unsigned(std::string_view oid, PduType type, uint64_t v) {
  Pdu p;
  p.oid = O(oid);
  p.type = type;
  p.counter = v;
  return p;
}
inline Pdu Bytes(std::string_view oid, std::string bytes, PduType type = PduType::kOctetString) {
  Pdu p;
  p.oid = O(oid);
  p.type = type;
  p.bytes = std::move(bytes);
  return p;
}
inline Pdu ByteList(std::string_view oid, std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return Bytes(oid, s);
}
inline Pdu OidValue(std::string_view oid, std::string_view value) {
  Pdu p;
  p.oid = O(oid);
  p.type = PduType::kObjectIdentifier;
  p.oid_value = O(value);
  return p;
}
inline Pdu Null(std::string_view oid, PduType type = PduType::kNull) {
  Pdu p;
  p.oid = O(oid);
  p.type = type;
  return p;
}
// An Opaque holding a float (9f 78 04) or a double (9f 79 08).
inline Pdu OpaqueFloat(std::string_view oid, float f) {
  uint32_t bits = std::bit_cast<uint32_t>(f);
  std::string b = "\x9f\x78\x04";
  for (int i = 3; i >= 0; --i) b.push_back(static_cast<char>(bits >> (8 * i)));
  return Bytes(oid, b, PduType::kOpaque);
}
inline Pdu OpaqueDouble(std::string_view oid, double d) {
  uint64_t bits = std::bit_cast<uint64_t>(d);
  std::string b = "\x9f\x79\x08";
  for (int i = 7; i >= 0; --i) b.push_back(static_cast<char>(bits >> (8 * i)));
  return Bytes(oid, b, PduType::kOpaque);
}

}  // namespace outpost::integrations::snmp::test

#endif  // OUTPOST_TESTS_INTEGRATIONS_SNMP_PDU_BUILDERS_H_
