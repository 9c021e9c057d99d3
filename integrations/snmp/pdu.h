// One variable binding of an SNMP response, as the module engine reads it:
// the transport (net-snmp) fills these, the engine turns them into series
// (snmp_exporter's collector.go works on gosnmp.SnmpPDU the same way).
#ifndef OUTPOST_INTEGRATIONS_SNMP_PDU_H_
#define OUTPOST_INTEGRATIONS_SNMP_PDU_H_

#include <cstdint>
#include <string>
#include <vector>

namespace outpost::integrations::snmp {

using Oid = std::vector<uint32_t>;

// The value's ASN.1/SMI type, numbered as the BER tags (RFC 2578, RFC 3416)
// that net-snmp's ASN_* constants also use.
enum class PduType : uint8_t {
  kInteger = 0x02,
  kOctetString = 0x04,
  kNull = 0x05,
  kObjectIdentifier = 0x06,
  kIpAddress = 0x40,
  kCounter32 = 0x41,
  kGauge32 = 0x42,
  kTimeTicks = 0x43,
  kOpaque = 0x44,
  kCounter64 = 0x46,
  kNoSuchObject = 0x80,
  kNoSuchInstance = 0x81,
  kEndOfMibView = 0x82,
};

struct Pdu {
  Oid oid;
  PduType type = PduType::kNull;
  int64_t integer = 0;   // kInteger
  uint64_t counter = 0;  // kCounter32, kGauge32, kTimeTicks, kCounter64
  std::string bytes;     // kOctetString, kOpaque; kIpAddress: the 4 bytes
  Oid oid_value;         // kObjectIdentifier
};

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_PDU_H_
