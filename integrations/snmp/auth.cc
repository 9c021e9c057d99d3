#include "integrations/snmp/auth.h"

#include <string_view>

#include "integrations/common/text.h"

namespace outpost::integrations::snmp {
namespace {

bool OneOf(std::string_view v, std::initializer_list<std::string_view> set) {
  for (std::string_view s : set) {
    if (v == s) return true;
  }
  return false;
}

}  // namespace

void ReadAuthKeys(config::MapReader& m, Auth* a) {
  m.Secret("community", &a->community);
  m.String("security_level", &a->security_level);
  m.String("username", &a->username);
  m.Secret("password", &a->password);
  m.String("auth_protocol", &a->auth_protocol);
  m.String("priv_protocol", &a->priv_protocol);
  m.Secret("priv_password", &a->priv_password);
  m.String("context_name", &a->context_name);
}

// snmp_exporter v0.26 config/config.go Auth.UnmarshalYAML: the checks fall
// through from authPriv to authNoPriv to noAuthNoPriv.
std::string ValidateAuth(const Auth& a) {
  if (a.version < 1 || a.version > 3)
    return Cat("SNMP version must be 1, 2 or 3. Got: ", a.version);
  if (a.version != 3) return "";
  const std::string_view level = a.security_level;
  if (!OneOf(level, {"authPriv", "authNoPriv", "noAuthNoPriv"}))
    return "security level must be one of authPriv, authNoPriv or noAuthNoPriv";
  if (level == "authPriv") {
    if (a.priv_password.empty()) return "priv password is missing, required for SNMPv3 with priv";
    if (!OneOf(a.priv_protocol, {"DES", "AES", "AES192", "AES192C", "AES256", "AES256C"}))
      return "priv protocol must be DES or AES";
  }
  if (level == "authPriv" || level == "authNoPriv") {
    if (a.password.empty()) return "auth password is missing, required for SNMPv3 with auth";
    if (!OneOf(a.auth_protocol, {"MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512"}))
      return "auth protocol must be SHA or MD5";
  }
  if (a.username.empty()) return "auth username is missing, required for SNMPv3";
  return "";
}

Auth ParseAuth(config::MapReader& m) {
  Auth a;
  ReadAuthKeys(m, &a);
  m.Int("version", &a.version);
  if (std::string err = ValidateAuth(a); !err.empty()) m.Error("", err);
  return a;
}

void DumpAuth(const Auth& a, YAML::Emitter& out) {
  auto secret = [&](const char* key, const config::Secret& s) {
    out << YAML::Key << key << YAML::Value << std::string(s.masked());
  };
  secret("community", a.community);
  out << YAML::Key << "security_level" << YAML::Value << a.security_level;
  out << YAML::Key << "username" << YAML::Value << a.username;
  secret("password", a.password);
  out << YAML::Key << "auth_protocol" << YAML::Value << a.auth_protocol;
  out << YAML::Key << "priv_protocol" << YAML::Value << a.priv_protocol;
  secret("priv_password", a.priv_password);
  out << YAML::Key << "context_name" << YAML::Value << a.context_name;
  out << YAML::Key << "version" << YAML::Value << a.version;
}

const std::map<std::string, Auth>& BuiltinAuths() {
  static const auto* auths = [] {
    auto* m = new std::map<std::string, Auth>;
    Auth v1;
    v1.version = 1;
    (*m)["public_v1"] = v1;
    (*m)["public_v2"] = Auth{};
    return m;
  }();
  return *auths;
}

}  // namespace outpost::integrations::snmp
