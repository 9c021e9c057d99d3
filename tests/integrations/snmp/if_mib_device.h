// The PDUs an if_mib walk of a device with `n` interfaces returns: every
// ifTable and ifXTable column, ifNumber and sysUpTime, with interface
// names, types, states and counters that differ per interface.
#ifndef OUTPOST_TESTS_INTEGRATIONS_SNMP_IF_MIB_DEVICE_H_
#define OUTPOST_TESTS_INTEGRATIONS_SNMP_IF_MIB_DEVICE_H_

#include <string>
#include <vector>

#include "tests/integrations/snmp/pdu_builders.h"

namespace outpost::integrations::snmp::test {

inline std::vector<Pdu> IfMibDevicePdus(int n) {
  std::vector<Pdu> pdus;
  pdus.push_back(Unsigned("1.3.6.1.2.1.1.3.0", PduType::kTimeTicks, 123456789));
  pdus.push_back(Int("1.3.6.1.2.1.2.1.0", n));
  const int types[] = {24, 6, 6, 131, 161, 53};
  for (int i = 1; i <= n; ++i) {
    const std::string ix = std::to_string(i);
    const std::string t = "1.3.6.1.2.1.2.2.1.";
    const std::string x = "1.3.6.1.2.1.31.1.1.1.";
    const uint64_t base = static_cast<uint64_t>(i) * 1000003;
    pdus.push_back(Int(t + "1." + ix, i));
    pdus.push_back(Bytes(t + "2." + ix, i == 1 ? "lo" : "eth" + std::to_string(i - 2)));
    pdus.push_back(Int(t + "3." + ix, types[(i - 1) % 6]));
    pdus.push_back(Int(t + "4." + ix, i == 1 ? 65536 : 1500));
    pdus.push_back(Unsigned(t + "5." + ix, PduType::kGauge32, i == 1 ? 10000000 : 4294967295u));
    if (i == 1) {
      pdus.push_back(Bytes(t + "6." + ix, ""));
    } else {
      pdus.push_back(ByteList(t + "6." + ix, {0x52, 0x54, 0x00, 0x12, 0x34, i & 0xff}));
    }
    pdus.push_back(Int(t + "7." + ix, i % 3 == 0 ? 2 : 1));
    pdus.push_back(Int(t + "8." + ix, i % 3 == 0 ? 2 : (i % 5 == 0 ? 7 : 1)));
    pdus.push_back(Unsigned(t + "9." + ix, PduType::kTimeTicks, 100 * i));
    for (int c = 10; c <= 20; ++c) {
      pdus.push_back(Unsigned(t + std::to_string(c) + "." + ix, PduType::kCounter32, (base * c) & 0xffffffffu));
    }
    pdus.push_back(Unsigned(t + "21." + ix, PduType::kGauge32, 0));
    pdus.push_back(OidValue(t + "22." + ix, "0.0"));
    pdus.push_back(Bytes(x + "1." + ix, i == 1 ? "lo" : "eth" + std::to_string(i - 2)));
    for (int c = 2; c <= 5; ++c) {
      pdus.push_back(Unsigned(x + std::to_string(c) + "." + ix, PduType::kCounter32, base + c));
    }
    for (int c = 6; c <= 13; ++c) {
      pdus.push_back(Unsigned(x + std::to_string(c) + "." + ix, PduType::kCounter64, base * 1000000007ull * c));
    }
    pdus.push_back(Int(x + "14." + ix, i == 1 ? 2 : 1));
    pdus.push_back(Unsigned(x + "15." + ix, PduType::kGauge32, i == 1 ? 10 : 1000));
    pdus.push_back(Int(x + "16." + ix, 2));
    pdus.push_back(Int(x + "17." + ix, i == 1 ? 2 : 1));
    pdus.push_back(Bytes(x + "18." + ix, i % 2 == 0 ? "uplink " + ix : ""));
    pdus.push_back(Unsigned(x + "19." + ix, PduType::kTimeTicks, 0));
  }
  return pdus;
}

}  // namespace outpost::integrations::snmp::test

#endif  // OUTPOST_TESTS_INTEGRATIONS_SNMP_IF_MIB_DEVICE_H_
