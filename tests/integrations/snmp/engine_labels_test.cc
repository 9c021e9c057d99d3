// The module engine's labels: index decoding, lookups (chained, combined
// types, drop_source_indexes) and value rendering, with the cases of
// snmp_exporter v0.26's collector_test.go (TestIndexesToLabels,
// TestPduValueAsString, TestSplitOid's zero padding).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integrations/snmp/engine_test_util.h"

namespace outpost::integrations::snmp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test::ByteList;
using test::Bytes;
using test::Int;

// The labels of metric `m` (gauge at 9.9) for one PDU at 9.9.<index>, with
// `indexes` and `lookups` as YAML flow lists and `others` as extra PDUs.
std::string Labels(const std::string& index, const std::string& indexes, const std::string& lookups = "[]",
                   std::vector<Pdu> others = {}) {
  const std::string yaml = "metrics:\n- name: m\n  oid: 9.9\n  type: gauge\n  help: h\n  indexes: " + indexes +
                           "\n  lookups: " + lookups + "\n";
  std::string oid = index.empty() ? "9.9" : "9.9." + index;
  others.push_back(Int(oid, 1));
  test::Collected c = test::RunModule(yaml, others);
  EXPECT_TRUE(c.status.ok()) << c.status;
  if (c.lines.size() != 1) return "lines: " + std::to_string(c.lines.size());
  std::string line = c.lines[0];
  return line.substr(1, line.size() - 3);  // "m{...} 1" -> "{...}"
}

std::string Index(const std::string& index, const std::string& type, const std::string& more = "") {
  return Labels(index, "[{labelname: l, type: " + type + more + "}]");
}

TEST(SnmpEngineLabels, Indexes) {
  EXPECT_EQ(Labels("", "[]"), "{}");
  EXPECT_EQ(Index("4", "gauge"), "{l=\"4\"}");
  // Missing components read as 0 (splitOid pads).
  EXPECT_EQ(Index("", "gauge"), "{l=\"0\"}");
  EXPECT_EQ(Index("1.255.0.0.0.16", "PhysAddress48"), "{l=\"01:FF:00:00:00:10\"}");
  EXPECT_EQ(Index("1.255", "PhysAddress48"), "{l=\"01:FF:00:00:00:00\"}");
  EXPECT_EQ(Index("3.65.32.255", "OctetString"), "{l=\"0x4120FF\"}");
  EXPECT_EQ(Index("65.32.255", "OctetString", ", fixed_size: 3"), "{l=\"0x4120FF\"}");
  EXPECT_EQ(Index("65.32.255", "OctetString", ", implied: true"), "{l=\"0x4120FF\"}");
  EXPECT_EQ(Index("2.65.32", "DisplayString"), "{l=\"A \"}");
  EXPECT_EQ(Index("65.32", "DisplayString", ", fixed_size: 2"), "{l=\"A \"}");
  EXPECT_EQ(Index("65.32", "DisplayString", ", implied: true"), "{l=\"A \"}");
  const std::string enums = ", enum_values: {0: foo, 1: bar, 2: baz}";
  EXPECT_EQ(Index("0", "EnumAsInfo", enums), "{l=\"foo\"}");
  EXPECT_EQ(Index("3", "EnumAsInfo", enums), "{l=\"3\"}");
  EXPECT_EQ(Index("192.168.1.2", "InetAddressIPv4"), "{l=\"192.168.1.2\"}");
  EXPECT_EQ(Index("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16", "InetAddressIPv6"),
            "{l=\"0102:0304:0506:0708:090A:0B0C:0D0E:0F10\"}");
  EXPECT_EQ(Index("1.4.192.168.1.2", "InetAddress"), "{l=\"192.168.1.2\"}");
  EXPECT_EQ(Index("2.16.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16", "InetAddress"),
            "{l=\"0102:0304:0506:0708:090A:0B0C:0D0E:0F10\"}");
  EXPECT_EQ(Labels("1.4.192.168.1.2.2.16.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16",
                   "[{labelname: a, type: InetAddress}, {labelname: b, type: InetAddress}]"),
            "{a=\"192.168.1.2\", b=\"0102:0304:0506:0708:090A:0B0C:0D0E:0F10\"}");
  EXPECT_EQ(Index("3.5.192.168.1.2.5", "InetAddress"), "{l=\"0x0305C0A8010205\"}");
  EXPECT_EQ(Index("1.192.168.1.2", "InetAddressMissingSize"), "{l=\"192.168.1.2\"}");
  EXPECT_EQ(Index("2.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16", "InetAddressMissingSize"),
            "{l=\"0102:0304:0506:0708:090A:0B0C:0D0E:0F10\"}");
  EXPECT_EQ(Labels("1.192.168.1.2.2.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16",
                   "[{labelname: a, type: InetAddressMissingSize}, {labelname: b, type: InetAddressMissingSize}]"),
            "{a=\"192.168.1.2\", b=\"0102:0304:0506:0708:090A:0B0C:0D0E:0F10\"}");
  EXPECT_EQ(Index("3.192.168.1.2.5", "InetAddressMissingSize"), "{l=\"0x03C0A8010205\"}");
}

TEST(SnmpEngineLabels, Lookups) {
  const std::string ab = "[{labelname: a, type: gauge}, {labelname: b, type: gauge}]";
  const std::string l = "[{labelname: l, type: gauge}]";
  EXPECT_EQ(Labels("3.4", ab, "[{labels: [a, b], labelname: l, oid: '1.2', type: DisplayString}]",
                   {Bytes("1.2.3.4", "eth0")}),
            "{a=\"3\", b=\"4\", l=\"eth0\"}");
  // The lookup replaces the index label of the same name.
  EXPECT_EQ(Labels("4", l, "[{labels: [l], labelname: l, oid: 1.2.3, type: DisplayString}]",
                   {Bytes("1.2.3.4", "eth0")}),
            "{l=\"eth0\"}");
  EXPECT_EQ(Labels("4", l, "[{labels: [l], labelname: l, oid: 1.2.3, type: InetAddressIPv4}]",
                   {ByteList("1.2.3.4", {5, 6, 7, 8})}),
            "{l=\"5.6.7.8\"}");
  EXPECT_EQ(Labels("4", l, "[{labels: [l], labelname: l, oid: 1.2.3, type: InetAddressIPv6}]",
                   {ByteList("1.2.3.4", {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})}),
            "{l=\"0506:0708:090A:0B0C:0D0E:0F10:1112:1314\"}");
  EXPECT_EQ(Labels("4", l, "[{labels: [l], labelname: l, oid: 1.2.3}]", {ByteList("1.2.3.4", {5, 6, 7, 8})}),
            "{l=\"0x05060708\"}");
  // No labels: drop the label (drop_source_indexes); not found: empty.
  EXPECT_EQ(Labels("4", l, "[{labels: [], labelname: l}]"), "{}");
  EXPECT_EQ(Labels("4", l, "[{labels: [l], labelname: l, oid: 1.2.3, type: DisplayString}]"), "{}");
  EXPECT_EQ(Labels("3.65.32.255", "[{labelname: l, type: OctetString}]",
                   "[{labels: [l], labelname: l, oid: '1', type: DisplayString}]", {Bytes("1.3.65.32.255", "octet")}),
            "{l=\"octet\"}");
}

TEST(SnmpEngineLabels, ChainedLookups) {
  const std::string chain =
      "[{labels: [a], labelname: chainable_id, oid: 1.1.1.2}, "
      "{labels: [chainable_id], labelname: targetlabel, oid: 2.2.2, type: DisplayString}]";
  EXPECT_EQ(Labels("1", "[{labelname: a, type: gauge}]", chain,
                   {Bytes("1.1.1.1.1", "source_obj0"), Int("1.1.1.2.1", 42), Bytes("2.2.2.42", "targetvalue")}),
            "{a=\"1\", chainable_id=\"42\", targetlabel=\"targetvalue\"}");
  EXPECT_EQ(Labels("1", "[{labelname: a, type: gauge}]", chain,
                   {Bytes("1.1.1.1.1", "source_obj0"), test::Unsigned("1.1.1.2.1", PduType::kGauge32, 42),
                    Bytes("2.2.2.42", "targetvalue")}),
            "{a=\"1\", chainable_id=\"42\", targetlabel=\"targetvalue\"}");
  // A string value chains as 0 (gosnmp.ToBigInt of bytes).
  EXPECT_EQ(Labels("1", "[{labelname: a, type: gauge}]", chain,
                   {Bytes("1.1.1.2.1", "x"), Bytes("2.2.2.0", "zero")}),
            "{a=\"1\", chainable_id=\"0x78\", targetlabel=\"zero\"}");
}

TEST(SnmpEngineLabels, LldpPortIdLookupReadsItsSubtype) {
  EXPECT_EQ(Labels("1.8.1",
                   "[{labelname: lldpRemTimeMark, type: gauge}, {labelname: lldpRemLocalPortNum, type: gauge}, "
                   "{labelname: lldpRemIndex, type: gauge}]",
                   "[{labels: [lldpRemLocalPortNum], labelname: lldpLocPortId, oid: 1.1.3, type: LldpPortId}]",
                   {Bytes("1.1.9.1.8.1", "hostname"), Int("1.1.2.8", 3), ByteList("1.1.3.8", {4, 5, 6, 7, 8, 9})}),
            "{lldpLocPortId=\"04:05:06:07:08:09\", lldpRemIndex=\"1\", lldpRemLocalPortNum=\"8\", "
            "lldpRemTimeMark=\"1\"}");
}

// The label value of a string metric of `type` for `pdu` (at 1.1.0).
std::string AsString(Pdu pdu, const std::string& type) {
  pdu.oid = test::O("1.1.0");
  test::Collected c = test::RunModule("metrics:\n- {name: v, oid: 1.1, type: " + type + ", help: h}\n", {pdu});
  EXPECT_TRUE(c.status.ok()) << c.status;
  if (c.lines.size() != 1) return "lines: " + std::to_string(c.lines.size());
  return c.lines[0];
}

TEST(SnmpEngineLabels, ValuesAsStrings) {
  EXPECT_EQ(AsString(Int("1", -1), "OctetString"), "v{v=\"-1\"} 1");
  EXPECT_EQ(AsString(test::Unsigned("1", PduType::kCounter32, 1), "OctetString"), "v{v=\"1\"} 1");
  EXPECT_EQ(AsString(test::Unsigned("1", PduType::kCounter64, 1), "OctetString"), "v{v=\"1\"} 1");
  EXPECT_EQ(AsString(test::OidValue("1", "1.2.3.4"), "OctetString"), "v{v=\"1.2.3.4\"} 1");
  EXPECT_EQ(AsString(ByteList("1", {1, 2, 3, 4}), "OctetString"), "v{v=\"0x01020304\"} 1");
  Pdu ip = ByteList("1", {1, 2, 3, 4});
  ip.type = PduType::kIpAddress;
  EXPECT_EQ(AsString(ip, "InetAddressIPv4"), "v{v=\"1.2.3.4\"} 1");
  EXPECT_EQ(AsString(Bytes("1", ""), "OctetString"), "v{} 1");
  EXPECT_EQ(AsString(ByteList("1", {65, 66}), "DisplayString"), "v{v=\"AB\"} 1");
  EXPECT_EQ(AsString(ByteList("1", {127, 128, 255, 0}), "OctetString"), "v{v=\"0x7F80FF00\"} 1");
  EXPECT_EQ(AsString(ByteList("1", {1, 2, 3, 4}), "InetAddressIPv4"), "v{v=\"1.2.3.4\"} 1");
  EXPECT_EQ(AsString(ByteList("1", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}), "InetAddressIPv6"),
            "v{v=\"0102:0304:0506:0708:090A:0B0C:0D0E:0F10\"} 1");
  EXPECT_EQ(AsString(test::Null("1"), "OctetString"), "v{} 1");
  EXPECT_EQ(AsString(test::Null("1", PduType::kNoSuchInstance), "DisplayString"), "v{} 1");
  EXPECT_EQ(AsString(test::OpaqueFloat("1", 10.1f), "OctetString"), "v{v=\"10.1\"} 1");
  EXPECT_EQ(AsString(test::OpaqueDouble("1", 10.1), "OctetString"), "v{v=\"10.1\"} 1");
  EXPECT_EQ(AsString(ByteList("1", {115, 97, 110, 101, 253, 190, 214}), "DisplayString"),
            "v{v=\"sane\xEF\xBF\xBD\"} 1");
  // gosnmp's TimeTicks is a uint32, which pduValueAsString prints with %s.
  EXPECT_EQ(AsString(test::Unsigned("1", PduType::kTimeTicks, 5), "DisplayString"), "v{v=\"%!s(uint32=5)\"} 1");
  // Go's net.IP.String() of a 16-byte IpAddress.
  Pdu ip6 = ByteList("1", {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  ip6.type = PduType::kIpAddress;
  EXPECT_EQ(AsString(ip6, "OctetString"), "v{v=\"2001:db8::1\"} 1");
}

TEST(SnmpEngineLabels, BitsLookupRendersAsOctetString) {
  EXPECT_EQ(Labels("4", "[{labelname: l, type: gauge}]", "[{labels: [l], labelname: b, oid: 1.2, type: Bits}]",
                   {ByteList("1.2.4", {2, 0})}),
            "{b=\"0x0200\", l=\"4\"}");
}

TEST(SnmpEngineLabels, MalformedIndexFailsTheScrape) {
  // Upstream allocates a 4 GiB string for this length (and dies); here the
  // scrape fails.
  test::Collected c = test::RunModule("metrics:\n- {name: m, oid: 9.9, type: gauge, help: h, indexes: "
                                "[{labelname: l, type: OctetString}]}\n",
                                {Int("9.9.4294967295.1", 1)});
  EXPECT_THAT(c.status.message(), HasSubstr("malformed index"));
}

}  // namespace
}  // namespace outpost::integrations::snmp
