// Random and truncated PDUs through a module that uses every index type,
// lookups (chained, combined, dropped), enums, Bits, DateAndTime and
// regex_extracts: no crash or undefined behaviour (the sanitizer phase runs
// this), a result that depends only on the input, and label values that
// are valid UTF-8 whenever the collection succeeds.
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/snmp/values.h"
#include "tests/integrations/snmp/engine_test_util.h"

namespace outpost::integrations::snmp {
namespace {

constexpr char kModule[] = R"(metrics:
- {name: g, oid: 1.1, type: gauge, help: h, indexes: [{labelname: a, type: gauge}, {labelname: b, type: PhysAddress48}],
   lookups: [{labels: [a], labelname: la, oid: 1.9, type: DisplayString},
             {labels: [la], labelname: chained, oid: 1.8, type: InetAddress},
             {labels: [], labelname: b}]}
- {name: s, oid: 1.2, type: DisplayString, help: h, indexes: [{labelname: o, type: OctetString}, {labelname: d, type: DisplayString}]}
- {name: f, oid: 1.3, type: OctetString, help: h, indexes: [{labelname: x, type: OctetString, fixed_size: 3}, {labelname: y, type: DisplayString, implied: true}]}
- {name: ip, oid: 1.4, type: InetAddress, help: h, indexes: [{labelname: i4, type: InetAddressIPv4}, {labelname: i6, type: InetAddressIPv6}, {labelname: ia, type: InetAddress}]}
- {name: ms, oid: 1.5, type: InetAddressMissingSize, help: h, indexes: [{labelname: m, type: InetAddressMissingSize}, {labelname: p, type: LldpPortId}]}
- {name: e, oid: 1.6, type: EnumAsInfo, help: h, enum_values: {1: up, 2: down}, indexes: [{labelname: ei, type: EnumAsInfo, enum_values: {0: zero}}]}
- {name: ss, oid: 1.7, type: EnumAsStateSet, help: h, enum_values: {1: up, 2: down}, indexes: [{labelname: a, type: Integer32}]}
- {name: bits, oid: 1.10, type: Bits, help: h, enum_values: {0: a, 7: b, 9: c, 30: d}, indexes: [{labelname: a, type: counter}]}
- {name: dt, oid: 1.11, type: DateAndTime, help: h, indexes: [{labelname: a, type: Integer}]}
- {name: rx, oid: 1.12, type: LldpPortId, help: h, indexes: [{labelname: a, type: gauge}],
   lookups: [{labels: [a], labelname: pid, oid: 1.13, type: LldpPortId}],
   regex_extracts: {'': [{regex: '(\d+)\.(\d*)', value: '$1.${2}'}, {regex: '.*?(\d+).*', value: '$1'}], _b: [{regex: '(.)(.*)', value: '$2$1'}]}}
- {name: c, oid: 1.14, type: counter, help: h, scale: 0.5, offset: -1}
)";

PduType RandomType(std::mt19937& rng) {
  static constexpr PduType kTypes[] = {
      PduType::kInteger,  PduType::kOctetString, PduType::kNull,     PduType::kObjectIdentifier,
      PduType::kIpAddress, PduType::kCounter32,  PduType::kGauge32,  PduType::kTimeTicks,
      PduType::kOpaque,   PduType::kCounter64,   PduType::kNoSuchObject, PduType::kNoSuchInstance,
      PduType::kEndOfMibView};
  return kTypes[rng() % std::size(kTypes)];
}

uint32_t RandomComponent(std::mt19937& rng) {
  switch (rng() % 8) {
    case 0:
      return 0;
    case 1:
      return 0xffffffffu;
    case 2:
      return rng();
    case 3:
      return 1 + rng() % 2;  // address types
    default:
      return rng() % 260;
  }
}

Pdu RandomPdu(std::mt19937& rng) {
  Pdu p;
  p.oid = {1, 1 + static_cast<uint32_t>(rng() % 15)};
  const size_t extra = rng() % 24;
  for (size_t i = 0; i < extra; ++i) p.oid.push_back(RandomComponent(rng));
  p.type = RandomType(rng);
  p.integer = static_cast<int64_t>((static_cast<uint64_t>(rng()) << 32) | rng()) >> (rng() % 64);
  p.counter = (static_cast<uint64_t>(rng()) << 32 | rng()) >> (rng() % 64);
  const size_t n = rng() % 4 == 0 ? 16 : rng() % 12;
  for (size_t i = 0; i < n; ++i) p.bytes.push_back(static_cast<char>(rng() % 4 == 0 ? 'A' + rng() % 26 : rng()));
  if (p.type == PduType::kOpaque && rng() % 2 == 0) p.bytes = std::string("\x9f\x78\x04", 3) + p.bytes.substr(0, 4);
  const size_t oid_len = rng() % 6;
  for (size_t i = 0; i < oid_len; ++i) p.oid_value.push_back(RandomComponent(rng));
  return p;
}

TEST(SnmpEngineFuzz, RandomPdusNeverCrashAndGiveConsistentResults) {
  Module m = test::ParseYaml(kModule);
  auto engine = Engine::Create(m);
  ASSERT_TRUE(engine.ok()) << engine.status();
  std::mt19937 rng(20261207);
  size_t ok_runs = 0, samples = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<Pdu> pdus;
    const size_t n = 1 + rng() % 12;
    for (size_t i = 0; i < n; ++i) pdus.push_back(RandomPdu(rng));
    // Some PDUs twice, some truncated to a prefix of their OID.
    for (size_t i = 0; i < n / 4; ++i) {
      Pdu copy = pdus[rng() % pdus.size()];
      if (rng() % 2 == 0 && !copy.oid.empty()) copy.oid.resize(rng() % copy.oid.size() + 1);
      pdus.push_back(copy);
    }
    test::Collected a = test::CollectOnce(**engine, pdus);
    test::Collected b = test::CollectOnce(**engine, pdus);
    ASSERT_EQ(a.status, b.status) << "round " << round;
    if (!a.status.ok()) {
      EXPECT_EQ(a.status.code(), absl::StatusCode::kInvalidArgument) << a.status;
      continue;
    }
    ASSERT_EQ(a.lines, b.lines) << "round " << round;
    for (const std::string& line : a.lines) ASSERT_TRUE(values::IsValidUtf8(line)) << line;
    ++ok_runs;
    samples += a.lines.size();
  }
  // The generator reaches the samples path, not only errors.
  EXPECT_GT(ok_runs, 500u);
  EXPECT_GT(samples, 1000u);
}

TEST(SnmpEngineFuzz, EveryTypeOnEveryMetric) {
  // Each metric of the module with each PDU type and a short, empty or
  // overlong index.
  Module m = test::ParseYaml(kModule);
  auto engine = Engine::Create(m);
  ASSERT_TRUE(engine.ok()) << engine.status();
  std::mt19937 rng(7);
  for (uint32_t column = 1; column <= 14; ++column) {
    for (int t = 0; t < 13; ++t) {
      for (const std::vector<uint32_t>& index :
           std::vector<std::vector<uint32_t>>{{}, {0}, {1}, {2, 16}, {3, 1, 2, 3}, {255, 255}, {0xffffffffu}}) {
        Pdu p = RandomPdu(rng);
        p.oid = {1, column};
        p.oid.insert(p.oid.end(), index.begin(), index.end());
        p.type = static_cast<PduType>(std::vector<uint8_t>{0x02, 0x04, 0x05, 0x06, 0x40, 0x41, 0x42, 0x43, 0x44,
                                                           0x46, 0x80, 0x81, 0x82}[t]);
        test::Collected c = test::CollectOnce(**engine, {p, test::Int("1.9.1", 3), test::Int("1.8.3.1", 1)});
        EXPECT_TRUE(c.status.ok() || c.status.code() == absl::StatusCode::kInvalidArgument) << c.status;
      }
    }
  }
}

}  // namespace
}  // namespace outpost::integrations::snmp
