// One entry of snmp.yml's `auths:` (snmp_exporter v0.26 config/config.go
// Auth): how to authenticate to a device, SNMP v1/v2c (community) or v3
// (USM user, security level, auth and priv protocols and passwords).
//
// Parsing fills snmp_exporter's defaults (community "public",
// noAuthNoPriv, MD5, DES, version 2) and checks the entry as upstream's
// Auth.UnmarshalYAML does, with its messages. Dump masks the community and
// both passwords as "<secret>".
#ifndef OUTPOST_INTEGRATIONS_SNMP_AUTH_H_
#define OUTPOST_INTEGRATIONS_SNMP_AUTH_H_

#include <map>
#include <string>

#include "core/config/map_reader.h"
#include "core/config/secret.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::snmp {

struct Auth {
  config::Secret community{"public"};
  std::string security_level = "noAuthNoPriv";  // noAuthNoPriv, authNoPriv, authPriv
  std::string username;
  config::Secret password;
  std::string auth_protocol = "MD5";  // MD5, SHA, SHA224, SHA256, SHA384, SHA512
  std::string priv_protocol = "DES";  // DES, AES, AES192, AES256, AES192C, AES256C
  config::Secret priv_password;
  std::string context_name;
  int version = 2;  // 1, 2 (v2c) or 3
};

// Reads the keys of an Auth except `version` into *a (v0.21 keeps the
// version beside the module's `auth:` block, v0.26 inside the entry).
void ReadAuthKeys(config::MapReader& m, Auth* a);

// Upstream's validation message for `a`, or "" when it is valid.
std::string ValidateAuth(const Auth& a);

// An `auths:` entry: the keys over the defaults, then ValidateAuth (an
// error at the entry). Does not call m.Finish().
Auth ParseAuth(config::MapReader& m);

// Writes the entry's keys into an open YAML map, secrets masked.
void DumpAuth(const Auth& a, YAML::Emitter& out);

// The auths every config has unless it defines the same names: public_v1
// and public_v2 (community "public", version 1 and 2), as in Grafana
// Agent's embedded snmp.yml.
const std::map<std::string, Auth>& BuiltinAuths();

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_AUTH_H_
