// snmp.yml `auths:` entries: snmp_exporter v0.26's defaults and validation
// messages, secrets masked in the dump.
#include "integrations/snmp/auth.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace outpost::integrations::snmp {
namespace {

using ::testing::HasSubstr;

struct Parsed {
  Auth auth;
  config::Errors errors;
};

Parsed Parse(const std::string& yaml) {
  Parsed p;
  p.errors.file = "snmp.yml";
  YAML::Node node = YAML::Load(yaml);
  config::MapReader m(node, "auths.a", &p.errors);
  p.auth = ParseAuth(m);
  m.Finish();
  return p;
}

TEST(SnmpAuth, DefaultsAreSnmpExporters) {
  Parsed p = Parse("{}");
  ASSERT_TRUE(p.errors.ok());
  EXPECT_EQ(p.auth.community.reveal(), "public");
  EXPECT_EQ(p.auth.security_level, "noAuthNoPriv");
  EXPECT_EQ(p.auth.auth_protocol, "MD5");
  EXPECT_EQ(p.auth.priv_protocol, "DES");
  EXPECT_EQ(p.auth.version, 2);
}

TEST(SnmpAuth, AllKeys) {
  Parsed p = Parse(R"(
community: c0mm
security_level: authPriv
username: u
password: pw-12345678
auth_protocol: SHA512
priv_protocol: AES256C
priv_password: pp-12345678
context_name: ctx
version: 3
)");
  ASSERT_TRUE(p.errors.ok()) << p.errors.errors[0];
  EXPECT_EQ(p.auth.community.reveal(), "c0mm");
  EXPECT_EQ(p.auth.username, "u");
  EXPECT_EQ(p.auth.password.reveal(), "pw-12345678");
  EXPECT_EQ(p.auth.auth_protocol, "SHA512");
  EXPECT_EQ(p.auth.priv_protocol, "AES256C");
  EXPECT_EQ(p.auth.priv_password.reveal(), "pp-12345678");
  EXPECT_EQ(p.auth.context_name, "ctx");
  EXPECT_EQ(p.auth.version, 3);
}

TEST(SnmpAuth, UpstreamValidationMessages) {
  const struct {
    const char* yaml;
    const char* error;
  } cases[] = {
      {"version: 0", "SNMP version must be 1, 2 or 3. Got: 0"},
      {"version: 4", "SNMP version must be 1, 2 or 3. Got: 4"},
      {"{version: 3, security_level: foo}",
       "security level must be one of authPriv, authNoPriv or noAuthNoPriv"},
      {"{version: 3}", "auth username is missing, required for SNMPv3"},
      {"{version: 3, security_level: authNoPriv, username: u}",
       "auth password is missing, required for SNMPv3 with auth"},
      {"{version: 3, security_level: authNoPriv, username: u, password: p, auth_protocol: SHA1}",
       "auth protocol must be SHA or MD5"},
      {"{version: 3, security_level: authPriv, username: u, password: p}",
       "priv password is missing, required for SNMPv3 with priv"},
      {"{version: 3, security_level: authPriv, username: u, password: p, priv_password: q, "
       "priv_protocol: 3DES}",
       "priv protocol must be DES or AES"},
      {"{version: 3, security_level: authPriv, password: p, priv_password: q}",
       "auth username is missing, required for SNMPv3"},
  };
  for (const auto& c : cases) {
    Parsed p = Parse(c.yaml);
    ASSERT_EQ(p.errors.errors.size(), 1u) << c.yaml;
    EXPECT_THAT(p.errors.errors[0], HasSubstr(std::string("snmp.yml:1:1: auths.a: ") + c.error)) << c.yaml;
  }
  // v1/v2c ignore the v3 keys.
  EXPECT_TRUE(Parse("{version: 1, security_level: bogus}").errors.ok());
}

TEST(SnmpAuth, UnknownKey) {
  Parsed p = Parse("{communty: x}");
  ASSERT_EQ(p.errors.errors.size(), 1u);
  EXPECT_THAT(p.errors.errors[0], HasSubstr("auths.a.communty: unknown key"));
}

TEST(SnmpAuth, DumpMasksSecrets) {
  Parsed p = Parse(R"({version: 3, security_level: authPriv, username: u, community: c0mm,
                      password: pw-secret1, priv_password: pp-secret2})");
  ASSERT_TRUE(p.errors.ok());
  YAML::Emitter out;
  out << YAML::BeginMap;
  DumpAuth(p.auth, out);
  out << YAML::EndMap;
  const std::string dump = out.c_str();
  EXPECT_THAT(dump, HasSubstr("community: <secret>"));
  EXPECT_THAT(dump, HasSubstr("password: <secret>"));
  EXPECT_THAT(dump, HasSubstr("priv_password: <secret>"));
  EXPECT_THAT(dump, HasSubstr("username: u"));
  for (const char* s : {"c0mm", "pw-secret1", "pp-secret2"}) EXPECT_THAT(dump, ::testing::Not(HasSubstr(s)));
}

TEST(SnmpAuth, Builtins) {
  const auto& b = BuiltinAuths();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.at("public_v1").version, 1);
  EXPECT_EQ(b.at("public_v2").version, 2);
  EXPECT_EQ(b.at("public_v2").community.reveal(), "public");
}

}  // namespace
}  // namespace outpost::integrations::snmp
