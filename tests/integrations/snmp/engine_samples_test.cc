// The module engine's samples per metric type, with the cases of
// snmp_exporter v0.26's collector_test.go (TestPduToSample,
// TestParseDateAndTime, TestGetPduLargeValue): same inputs, same series.
// Upstream feeds Go values straight to pduToSamples; here they are the PDUs
// gosnmp decodes them from (a Go string value is an OctetString rendered as
// DisplayString), and the regexes are written for the anchored match that
// config.go compiles.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integrations/snmp/engine_test_util.h"

namespace outpost::integrations::snmp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using test::ByteList;
using test::Bytes;
using test::Int;
using test::RunModule;

// A metric at 1.1.1.1.1 of `type` plus `extra` YAML lines.
std::string Metric(const std::string& type, const std::string& extra = "") {
  return "metrics:\n- name: TestMetricName\n  oid: 1.1.1.1.1\n  type: " + type +
         "\n  help: HelpText\n" + extra;
}

TEST(SnmpEngineSamples, RegexExtractsFirstMatchThatParses) {
  const std::string extracts = R"(  regex_extracts:
    Blank:
    - regex: ^XXXX$
      value: '4'
    Extension:
    - regex: .*
      value: '5'
    MultipleRegexes:
    - regex: ^XXXX$
      value: '123'
    - regex: .*123.*
      value: '999'
    - regex: .*
      value: '777'
    Template:
    - regex: .*?([0-9].[0-9]+).*
      value: $1
)";
  test::Collected c = RunModule(Metric("DisplayString", extracts), {Bytes("1.1.1.1.1", "Test value 4.42 123 999")});
  ASSERT_TRUE(c.status.ok()) << c.status;
  EXPECT_THAT(c.lines, ElementsAre("TestMetricNameExtension{} 5", "TestMetricNameMultipleRegexes{} 999",
                                   "TestMetricNameTemplate{} 4.42"));
  EXPECT_EQ(c.families["TestMetricNameExtension"].help, "HelpText (regex extracted)");
  EXPECT_EQ(c.families["TestMetricNameExtension"].type, MetricType::kGauge);
}

TEST(SnmpEngineSamples, RegexExtractsOnStringsAndIntegers) {
  const std::string five = "  regex_extracts:\n    Extension:\n    - regex: .*\n      value: '5'\n";
  EXPECT_THAT(RunModule(Metric("DisplayString", five), {Bytes("1.1.1.1.1", "SomeStringValue")}).lines,
              ElementsAre("TestMetricNameExtension{} 5"));
  // An integer is matched as its decimal text.
  EXPECT_THAT(RunModule(Metric("DisplayString", five), {Int("1.1.1.1.1", 2)}).lines,
              ElementsAre("TestMetricNameExtension{} 5"));
  // An empty expansion is no float: nothing.
  const std::string empty = "  regex_extracts:\n    Extension:\n    - regex: .*\n      value: ''\n";
  EXPECT_THAT(RunModule(Metric("DisplayString", empty), {Bytes("1.1.1.1.1", "SomeStringValue")}).lines, IsEmpty());
  const std::string nomatch =
      "  regex_extracts:\n    Extension:\n    - regex: (will_not_match)\n      value: ''\n";
  EXPECT_THAT(RunModule(Metric("DisplayString", nomatch), {Bytes("1.1.1.1.1", "SomeStringValue")}).lines, IsEmpty());
  // The generator's form: already anchored, ${n} templates.
  const std::string gen = "  regex_extracts:\n    '':\n    - value: ${1}.$2\n      regex: ^(?:(.*)(.))$\n";
  EXPECT_THAT(RunModule(Metric("DisplayString", gen), {Bytes("1.1.1.1.1", "1234")}).lines,
              ElementsAre("TestMetricName{} 123.4"));
}

TEST(SnmpEngineSamples, CounterAndGaugeWithScaleAndOffset) {
  test::Collected c = RunModule(Metric("counter"), {Int("1.1.1.1.1", 2)});
  EXPECT_THAT(c.lines, ElementsAre("TestMetricName{} 2"));
  EXPECT_EQ(c.families["TestMetricName"].type, MetricType::kCounter);
  EXPECT_EQ(c.families["TestMetricName"].help, "HelpText");
  c = RunModule(Metric("gauge"), {Int("1.1.1.1.1", 2)});
  EXPECT_THAT(c.lines, ElementsAre("TestMetricName{} 2"));
  EXPECT_EQ(c.families["TestMetricName"].type, MetricType::kGauge);
  EXPECT_THAT(RunModule(Metric("gauge", "  scale: 0.1\n"), {Int("1.1.1.1.1", 420)}).lines,
              ElementsAre("TestMetricName{} 42"));
  EXPECT_THAT(RunModule(Metric("gauge", "  offset: -1.0\n"), {Int("1.1.1.1.1", 70)}).lines,
              ElementsAre("TestMetricName{} 69"));
  EXPECT_THAT(RunModule(Metric("gauge", "  offset: 2.0\n  scale: -1.0\n"), {Int("1.1.1.1.1", 2)}).lines,
              ElementsAre("TestMetricName{} 0"));
}

TEST(SnmpEngineSamples, StringTypesAreALabelWithValueOne) {
  EXPECT_THAT(RunModule(Metric("DisplayString"), {Int("1.1.1.1.1", -2)}).lines,
              ElementsAre("TestMetricName{TestMetricName=\"-2\"} 1"));
  // Scale and offset apply to the 1 as well (pduToSamples falls through).
  EXPECT_THAT(RunModule(Metric("DisplayString", "  scale: 3\n  offset: 1\n"), {Bytes("1.1.1.1.1", "x")}).lines,
              ElementsAre("TestMetricName{TestMetricName=\"x\"} 4"));
  EXPECT_THAT(RunModule(Metric("PhysAddress48"), {ByteList("1.1.1.1.1", {0, 0x1b, 0x21, 0x3c, 0x9d, 0xf8})}).lines,
              ElementsAre("TestMetricName{TestMetricName=\"00:1B:21:3C:9D:F8\"} 1"));
}

TEST(SnmpEngineSamples, OpaqueFloatAndDouble) {
  EXPECT_THAT(RunModule(Metric("gauge"), {test::OpaqueFloat("1.1.1.1.1", 3.0f)}).lines,
              ElementsAre("TestMetricName{} 3"));
  EXPECT_THAT(RunModule(Metric("gauge"), {test::OpaqueDouble("1.1.1.1.1", 3.0)}).lines,
              ElementsAre("TestMetricName{} 3"));
  EXPECT_THAT(RunModule(Metric("Float"), {test::OpaqueFloat("1.1.1.1.1", 1.5f)}).lines,
              ElementsAre("TestMetricName{} 1.5"));
}

TEST(SnmpEngineSamples, DisplayStringIndex) {
  const std::string idx = "  indexes:\n  - labelname: foo\n    type: DisplayString\n";
  EXPECT_THAT(RunModule(Metric("gauge", idx), {Int("1.1.1.1.1.2.65.65", 3)}).lines,
              ElementsAre("TestMetricName{foo=\"AA\"} 3"));
  // Not UTF-8: upstream's NewConstMetric fails, and so the scrape.
  test::Collected bad = RunModule(Metric("gauge", idx), {Int("1.1.1.1.1.2.65.255", 3)});
  EXPECT_THAT(bad.status.message(), HasSubstr("not valid UTF-8"));
  const std::string with_extract = idx + "  regex_extracts:\n    '':\n    - regex: .*\n      value: '1'\n";
  bad = RunModule(Metric("DisplayString", with_extract), {Int("1.1.1.1.1.2.65.255", 3)});
  EXPECT_THAT(bad.status.message(), HasSubstr("not valid UTF-8"));
}

TEST(SnmpEngineSamples, CombinedTypesReadTheirSubtypeFromThePreviousColumn) {
  auto run = [](const std::string& type, std::vector<Pdu> pdus) {
    return RunModule("metrics:\n- name: test_metric\n  oid: 1.42\n  type: " + type + "\n  help: Help string\n"
               "  indexes:\n  - labelname: i\n    type: gauge\n", pdus)
        .lines;
  };
  // collector_test.go: "1.42.2" with "1.41.2" holding the address type.
  EXPECT_THAT(run("InetAddress", {ByteList("1.42.2", {4, 5, 6, 7}), Int("1.41.2", 1)}),
              ElementsAre("test_metric{i=\"2\", test_metric=\"4.5.6.7\"} 1"));
  EXPECT_THAT(run("InetAddressMissingSize", {ByteList("1.42.2", {4, 5, 6, 7}), Int("1.41.2", 1)}),
              ElementsAre("test_metric{i=\"2\", test_metric=\"4.5.6.7\"} 1"));
  EXPECT_THAT(run("InetAddress", {ByteList("1.42.2", {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}),
                                  Int("1.41.2", 2)}),
              ElementsAre("test_metric{i=\"2\", test_metric=\"0405:0607:0809:0A0B:0C0D:0E0F:1011:1213\"} 1"));
  EXPECT_THAT(run("InetAddress", {ByteList("1.42.2", {4, 5, 6, 7, 8}), Int("1.41.2", 3)}),
              ElementsAre("test_metric{i=\"2\", test_metric=\"0x0405060708\"} 1"));
  EXPECT_THAT(run("InetAddress", {ByteList("1.42.2", {4, 5, 6, 7})}),
              ElementsAre("test_metric{i=\"2\", test_metric=\"0x04050607\"} 1"));
  EXPECT_THAT(run("LldpPortId", {ByteList("1.42.2", {4, 5, 6, 7, 8, 9}), Int("1.41.2", 3)}),
              ElementsAre("test_metric{i=\"2\", test_metric=\"04:05:06:07:08:09\"} 1"));
}

const char kEnums[] = "  enum_values:\n    0: foo\n    1: bar\n    2: baz\n";

TEST(SnmpEngineSamples, EnumAsInfo) {
  test::Collected c = RunModule(Metric("EnumAsInfo", kEnums), {Int("1.1.1.1.1", 2)});
  EXPECT_THAT(c.lines, ElementsAre("TestMetricName_info{TestMetricName=\"baz\"} 1"));
  EXPECT_EQ(c.families["TestMetricName_info"].help, "HelpText (EnumAsInfo)");
  EXPECT_EQ(c.families["TestMetricName_info"].type, MetricType::kGauge);
  EXPECT_THAT(RunModule(Metric("EnumAsInfo", kEnums), {Int("1.1.1.1.1", 3)}).lines,
              ElementsAre("TestMetricName_info{TestMetricName=\"3\"} 1"));
}

TEST(SnmpEngineSamples, EnumAsStateSet) {
  test::Collected c = RunModule(Metric("EnumAsStateSet", kEnums), {Int("1.1.1.1.1", 2)});
  EXPECT_THAT(c.lines, ElementsAre("TestMetricName{TestMetricName=\"bar\"} 0", "TestMetricName{TestMetricName=\"baz\"} 1",
                                   "TestMetricName{TestMetricName=\"foo\"} 0"));
  EXPECT_EQ(c.families["TestMetricName"].help, "HelpText (EnumAsStateSet)");
  EXPECT_THAT(RunModule(Metric("EnumAsStateSet", kEnums), {Int("1.1.1.1.1", 3)}).lines,
              ElementsAre("TestMetricName{TestMetricName=\"3\"} 1", "TestMetricName{TestMetricName=\"bar\"} 0",
                          "TestMetricName{TestMetricName=\"baz\"} 0", "TestMetricName{TestMetricName=\"foo\"} 0"));
}

TEST(SnmpEngineSamples, Bits) {
  const std::string enums =
      "  enum_values:\n    0: foo\n    1: bar\n    2: baz\n    8: byte2msb\n    15: byte2lsb\n"
      "    16: byte3msb\n    23: byte3lsb\n    24: missing\n";
  test::Collected c = RunModule(Metric("Bits", enums), {ByteList("1.1.1.1.1", {0xC0, 0x80, 0x01})});
  ASSERT_TRUE(c.status.ok()) << c.status;
  EXPECT_THAT(c.lines,
              ElementsAre("TestMetricName{TestMetricName=\"bar\"} 1", "TestMetricName{TestMetricName=\"baz\"} 0",
                          "TestMetricName{TestMetricName=\"byte2lsb\"} 0", "TestMetricName{TestMetricName=\"byte2msb\"} 1",
                          "TestMetricName{TestMetricName=\"byte3lsb\"} 1", "TestMetricName{TestMetricName=\"byte3msb\"} 0",
                          "TestMetricName{TestMetricName=\"foo\"} 1", "TestMetricName{TestMetricName=\"missing\"} 0"));
  EXPECT_EQ(c.families["TestMetricName"].help, "HelpText (Bits)");
  // Not a string on the wire: upstream reports snmp_error, failing the scrape.
  EXPECT_THAT(RunModule(Metric("Bits", enums), {Int("1.1.1.1.1", 1)}).status.message(), HasSubstr("BITS"));
}

TEST(SnmpEngineSamples, DateAndTime) {
  EXPECT_THAT(RunModule(Metric("DateAndTime"), {ByteList("1.1.1.1.1", {7, 226, 8, 15, 8, 1, 15, 0})}).lines,
              ElementsAre("TestMetricName{} 1.534320075e+09"));
  EXPECT_THAT(RunModule(Metric("DateAndTime"), {ByteList("1.1.1.1.1", {7, 226, 8, 15, 8, 1, 15, 0, '+', 2, 0})}).lines,
              ElementsAre("TestMetricName{} 1.534312875e+09"));
  // A bad length is logged upstream, and the sample left out.
  test::Collected c = RunModule(Metric("DateAndTime"), {ByteList("1.1.1.1.1", {0})});
  EXPECT_TRUE(c.status.ok());
  EXPECT_THAT(c.lines, IsEmpty());
  // Deciseconds carry into seconds; a zone west of UTC adds.
  EXPECT_THAT(RunModule(Metric("DateAndTime"), {ByteList("1.1.1.1.1", {7, 226, 8, 15, 8, 1, 15, 25, '-', 1, 30})}).lines,
              ElementsAre("TestMetricName{} 1.534325477e+09"));
}

TEST(SnmpEngineSamples, CounterWidths) {
  // 32-bit counters as they are; Counter64 wrapped at 2^53 by default.
  EXPECT_THAT(RunModule(Metric("counter"), {test::Unsigned("1.1.1.1.1", PduType::kCounter32, 4294967295u)}).lines,
              ElementsAre("TestMetricName{} 4.294967295e+09"));
  EXPECT_THAT(RunModule(Metric("counter"), {test::Unsigned("1.1.1.1.1", PduType::kCounter64, 19007199254740992ull)}).lines,
              ElementsAre("TestMetricName{} 9.92800745259008e+14"));
  EXPECT_THAT(RunModule(Metric("counter"), {test::Unsigned("1.1.1.1.1", PduType::kCounter64, 1ull << 63)}).lines,
              ElementsAre("TestMetricName{} 0"));
  test::Collected raw = RunModule(test::ParseYaml(Metric("counter")),
                            {test::Unsigned("1.1.1.1.1", PduType::kCounter64, 19007199254740992ull)},
                            EngineOptions{.wrap_counters = false});
  EXPECT_THAT(raw.lines, ElementsAre("TestMetricName{} 1.900719925474099e+16"));
}

TEST(SnmpEngineSamples, FirstMetricOnTheOidPathAndLastPduWins) {
  // A PDU under two configured OIDs belongs to the shorter one (the metric
  // tree walk stops at the first metric); of two PDUs with one OID, the
  // later counts.
  const std::string yaml = R"(metrics:
- {name: outer, oid: 1.2, type: gauge, help: o, indexes: [{labelname: a, type: gauge}, {labelname: b, type: gauge}]}
- {name: inner, oid: 1.2.3, type: gauge, help: i, indexes: [{labelname: a, type: gauge}]}
)";
  test::Collected c = RunModule(yaml, {Int("1.2.3.4", 1), Int("1.2.3.4", 7), Int("1.2.5.6", 2), Int("1.3", 9)});
  ASSERT_TRUE(c.status.ok()) << c.status;
  EXPECT_THAT(c.lines, ElementsAre("outer{a=\"3\", b=\"4\"} 7", "outer{a=\"5\", b=\"6\"} 2"));
}

TEST(SnmpEngineSamples, SameSeriesTwiceFailsTheScrape) {
  // drop_source_indexes leaves only the looked-up name: two rows with the
  // same name are the same series (upstream's Gather error).
  const std::string yaml = R"(metrics:
- name: m
  oid: 1.1
  type: gauge
  help: h
  indexes: [{labelname: i, type: gauge}]
  lookups:
  - {labels: [i], labelname: name, oid: 1.2, type: DisplayString}
  - {labels: [], labelname: i}
)";
  test::Collected ok = RunModule(yaml, {Int("1.1.1", 5), Int("1.1.2", 6), Bytes("1.2.1", "a"), Bytes("1.2.2", "b")});
  ASSERT_TRUE(ok.status.ok()) << ok.status;
  EXPECT_THAT(ok.lines, ElementsAre("m{name=\"a\"} 5", "m{name=\"b\"} 6"));
  test::Collected dup = RunModule(yaml, {Int("1.1.1", 5), Int("1.1.2", 6), Bytes("1.2.1", "a"), Bytes("1.2.2", "a")});
  EXPECT_THAT(dup.status.message(), HasSubstr("collected before with the same name and label values"));
}

TEST(SnmpEngineSamples, EngineRejectsWhatCannotWork) {
  Module m = test::ParseYaml(Metric("gauge"));
  m.metrics[0].oid = "1..2";
  EXPECT_FALSE(Engine::Create(m).ok());
  m = test::ParseYaml(Metric("gauge", "  indexes:\n  - {labelname: a, type: gauge}\n"));
  m.metrics[0].indexes[0].type = "Float";
  EXPECT_FALSE(Engine::Create(m).ok());
  m = test::ParseYaml(Metric("gauge"));
  m.metrics[0].regex_extracts["x"].push_back(RegexExtract{"$1", "("});
  EXPECT_FALSE(Engine::Create(m).ok());
}

}  // namespace
}  // namespace outpost::integrations::snmp
