// snmp.yml module parsing (v0.26 module keys): every key, the generator's
// layout, errors naming file:line and key, and Dump round trips.
#include "integrations/snmp/module.h"

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

constexpr char kFull[] = R"(walk:
- 1.3.6.1.2.1.2
- .1.3.6.1.2.1.31.1.1
get:
- 1.3.6.1.2.1.1.3.0
metrics:
- name: ifInOctets
  oid: 1.3.6.1.2.1.2.2.1.10
  type: counter
  help: The total number of octets received on the interface - 1.3.6.1.2.1.2.2.1.10
  indexes:
  - labelname: ifIndex
    type: gauge
  - labelname: addr
    type: OctetString
    fixed_size: 6
  - labelname: name
    type: DisplayString
    implied: true
  lookups:
  - labels:
    - ifIndex
    labelname: ifDescr
    oid: 1.3.6.1.2.1.2.2.1.2
    type: DisplayString
  - labels: []
    labelname: ifIndex
- name: pduMainLoadAmp
  oid: 1.3.6.1.4.1.34550.20.2.1.1.1.14
  type: DisplayString
  help: The current load
  regex_extracts:
    "":
    - value: $1.$2
      regex: ^(?:(.*)(.))$
    Status:
    - regex: .*
  enum_values:
    1: up
    -2: down
  offset: 1.5
  scale: 0.1
filters:
- oid: 1.3.6.1.2.1.2.2.1.7
  targets:
  - 1.3.6.1.2.1.2.2.1.10
  values:
  - "1"
)";

TEST(SnmpModule, ReadsEveryKey) {
  Module m = test::ParseYaml(kFull);
  EXPECT_THAT(m.walk, ElementsAre("1.3.6.1.2.1.2", ".1.3.6.1.2.1.31.1.1"));
  EXPECT_THAT(m.get, ElementsAre("1.3.6.1.2.1.1.3.0"));
  ASSERT_EQ(m.metrics.size(), 2u);
  const Metric& a = m.metrics[0];
  EXPECT_EQ(a.name, "ifInOctets");
  EXPECT_EQ(a.oid, "1.3.6.1.2.1.2.2.1.10");
  EXPECT_EQ(a.type, "counter");
  ASSERT_EQ(a.indexes.size(), 3u);
  EXPECT_EQ(a.indexes[1].fixed_size, 6);
  EXPECT_TRUE(a.indexes[2].implied);
  ASSERT_EQ(a.lookups.size(), 2u);
  EXPECT_THAT(a.lookups[0].labels, ElementsAre("ifIndex"));
  EXPECT_EQ(a.lookups[0].oid, "1.3.6.1.2.1.2.2.1.2");
  EXPECT_THAT(a.lookups[1].labels, IsEmpty());
  const Metric& b = m.metrics[1];
  ASSERT_EQ(b.regex_extracts.size(), 2u);
  EXPECT_EQ(b.regex_extracts.at("")[0].value, "$1.$2");
  EXPECT_EQ(b.regex_extracts.at("")[0].regex, "^(?:(.*)(.))$");
  EXPECT_EQ(b.regex_extracts.at("Status")[0].value, "$1");  // config.go's default
  EXPECT_EQ(b.enum_values.at(-2), "down");
  EXPECT_EQ(b.offset, 1.5);
  EXPECT_EQ(b.scale, 0.1);
  ASSERT_EQ(m.filters.size(), 1u);
  EXPECT_THAT(m.filters[0].values, ElementsAre("1"));
}

TEST(SnmpModule, DumpParsesBackTheSame) {
  Module m = test::ParseYaml(kFull);
  YAML::Emitter out;
  out << YAML::BeginMap;
  DumpModule(m, out);
  out << YAML::EndMap;
  ASSERT_TRUE(out.good()) << out.GetLastError();
  Module again = test::ParseYaml(out.c_str());
  YAML::Emitter out2;
  out2 << YAML::BeginMap;
  DumpModule(again, out2);
  out2 << YAML::EndMap;
  EXPECT_EQ(std::string(out.c_str()), std::string(out2.c_str()));
  EXPECT_EQ(again.metrics[1].enum_values, m.metrics[1].enum_values);
  EXPECT_EQ(again.metrics[0].lookups[1].labelname, "ifIndex");
}

// The errors of one module YAML.
std::vector<std::string> Errors(const std::string& yaml) {
  std::vector<std::string> errors;
  test::ParseYaml(yaml, &errors);
  return errors;
}

TEST(SnmpModule, ErrorsNameFileLineAndKey) {
  EXPECT_THAT(Errors("metrics:\n- {name: a, oid: 1.2, type: Gauge, help: h}\n"),
              ElementsAre(HasSubstr("snmp.yml:2:")));
  EXPECT_THAT(Errors("metrics:\n- {name: a, oid: 1.2, type: Gauge, help: h}\n"),
              ElementsAre(HasSubstr("modules.m.metrics[0].type: unknown metric type \"Gauge\"")));
  EXPECT_THAT(Errors("metrics:\n- {name: a, oid: 1.x.2, type: gauge, help: h}\n"),
              ElementsAre(HasSubstr("metrics[0].oid: invalid OID \"1.x.2\"")));
  EXPECT_THAT(Errors("metrics:\n- {name: a, oid: .1.2, type: gauge, help: h}\n"),
              ElementsAre(HasSubstr("invalid OID")));
  EXPECT_THAT(Errors("metrics:\n- {name: a, type: gauge, help: h}\n"),
              ElementsAre(HasSubstr("metrics[0].oid: missing OID")));
  EXPECT_THAT(Errors("walk: [1.3.6.1, 1.3.x]\n"), ElementsAre(HasSubstr("walk: invalid OID \"1.3.x\"")));
  EXPECT_THAT(Errors("get: ['1..2']\n"), ElementsAre(HasSubstr("get: invalid OID")));
  EXPECT_THAT(Errors("metrics:\n- {name: a-b, oid: 1.2, type: gauge, help: h}\n"),
              ElementsAre(HasSubstr("metrics[0].name: invalid metric name \"a-b\"")));
  EXPECT_THAT(Errors("metrics:\n- {name: a, oid: 1.2, type: gauge, help: h, indexes: [{labelname: i, type: Float}]}\n"),
              ElementsAre(HasSubstr("metrics[0].indexes[0].type: unknown index type \"Float\"")));
  EXPECT_THAT(Errors("metrics:\n- {name: a, oid: 1.2, type: gauge, help: h, indexes: [{labelname: 1i, type: gauge}]}\n"),
              ElementsAre(HasSubstr("indexes[0].labelname: invalid label name \"1i\"")));
  EXPECT_THAT(Errors("metrics:\n- {name: a, oid: 1.2, type: gauge, help: h, lookups: [{labels: [i], labelname: l}]}\n"),
              ElementsAre(HasSubstr("lookups[0].oid: missing OID")));
  EXPECT_THAT(
      Errors("metrics:\n- {name: a, oid: 1.2, type: gauge, help: h, lookups: [{labels: [i], labelname: l, oid: 1.3, "
             "type: Str}]}\n"),
      ElementsAre(HasSubstr("lookups[0].type: unknown type \"Str\"")));
  EXPECT_THAT(Errors("metrics:\n- name: a\n  oid: 1.2\n  type: gauge\n  help: h\n  regex_extracts:\n    x:\n"
                     "    - regex: '(unclosed'\n"),
              ElementsAre(HasSubstr("regex_extracts.x[0].regex: invalid regex")));
  EXPECT_THAT(Errors("metrics:\n- {name: a, oid: 1.2, type: gauge, help: h, enum_values: {one: up}}\n"),
              ElementsAre(HasSubstr("enum_values: enum value key \"one\" is not an integer")));
  EXPECT_THAT(Errors("metrics:\n- {name: a, oid: 1.2, type: gauge, help: h, colour: red}\n"),
              ElementsAre(HasSubstr("metrics[0].colour: unknown key")));
  EXPECT_THAT(Errors("filters:\n- {oid: 1.2, values: ['(']}\n"), ElementsAre(HasSubstr("filters[0].values: invalid regex")));
}

TEST(SnmpModule, LeavesTheOtherKeysToTheCaller) {
  // Walk parameters and the old format's auth keys share the mapping; the
  // caller reads them and finishes the reader.
  config::Errors errs;
  YAML::Node node = YAML::Load("walk: [1.3.6.1.2.1.1]\nmax_repetitions: 10\nversion: 2\nauth: {community: x}\n");
  config::MapReader m(node, "modules.m", &errs);
  Module mod = ParseModule(m);
  EXPECT_TRUE(errs.ok());
  EXPECT_FALSE(m.IsConsumed("max_repetitions"));
  EXPECT_FALSE(m.IsConsumed("auth"));
  EXPECT_TRUE(m.IsConsumed("walk"));
  m.Finish();
  EXPECT_EQ(errs.errors.size(), 3u);
}

TEST(SnmpModule, ParseOid) {
  Oid oid;
  EXPECT_TRUE(ParseOid("1.3.6.1.4294967295", &oid));
  EXPECT_EQ(oid.back(), 4294967295u);
  EXPECT_EQ(OidToString(oid), "1.3.6.1.4294967295");
  EXPECT_FALSE(ParseOid("1.3.6.1.4294967296", &oid));
  EXPECT_FALSE(ParseOid("", &oid));
  EXPECT_FALSE(ParseOid("1.", &oid));
  EXPECT_FALSE(ParseOid(".1", &oid));
  EXPECT_TRUE(ParseOid(".1", &oid, /*leading_dot=*/true));
  EXPECT_FALSE(ParseOid("1.-2", &oid));
  EXPECT_FALSE(ParseOid("1.+2", &oid));
}

}  // namespace
}  // namespace outpost::integrations::snmp
