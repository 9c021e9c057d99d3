#include "integrations/common/tls_options.h"

#include <openssl/ssl.h>

#include <utility>

#include "integrations/common/text.h"

namespace outpost::integrations {
namespace {

// prometheus/common config.TLSVersions.
constexpr std::pair<std::string_view, int> kTlsVersions[] = {{"TLS10", TLS1_VERSION},
                                                             {"TLS11", TLS1_1_VERSION},
                                                             {"TLS12", TLS1_2_VERSION},
                                                             {"TLS13", TLS1_3_VERSION}};

int TlsVersion(std::string_view name) {
  for (const auto& [n, v] : kTlsVersions) {
    if (n == name) return v;
  }
  return -1;
}

}  // namespace

void ReadTlsOptions(config::MapReader& m, TlsOptions* out) {
  m.String("ca_file", &out->files.ca_file);
  m.String("cert_file", &out->files.cert_file);
  m.String("key_file", &out->files.key_file);
  m.String("server_name", &out->files.server_name);
  m.Bool("insecure_skip_verify", &out->files.insecure_skip_verify);
  m.String("min_version", &out->min_version);
  for (std::string_view k : {"ca", "cert", "key", "max_version"}) m.Unsupported(k);
  if (!out->min_version.empty() && TlsVersion(out->min_version) < 0)
    m.ValueError("min_version", Cat("unknown TLS version: ", out->min_version));
  if (out->files.cert_file.empty() != out->files.key_file.empty())
    m.Error("", "cert_file and key_file must be set together");
  m.Finish();
}

void DumpTlsOptions(const TlsOptions& t, YAML::Emitter& out) {
  out << YAML::BeginMap;
  out << YAML::Key << "ca_file" << YAML::Value << t.files.ca_file;
  out << YAML::Key << "cert_file" << YAML::Value << t.files.cert_file;
  out << YAML::Key << "key_file" << YAML::Value << t.files.key_file;
  out << YAML::Key << "server_name" << YAML::Value << t.files.server_name;
  out << YAML::Key << "insecure_skip_verify" << YAML::Value << t.files.insecure_skip_verify;
  out << YAML::Key << "min_version" << YAML::Value << t.min_version;
  out << YAML::EndMap;
}

absl::StatusOr<TlsSettings> ToTlsSettings(const TlsOptions& t) {
  TlsSettings s;
  s.ca_file = t.files.ca_file;
  s.cert_file = t.files.cert_file;
  s.key_file = t.files.key_file;
  s.skip_verify = t.files.insecure_skip_verify;
  s.server_name = t.files.server_name;
  if (!t.min_version.empty()) {
    s.min_version = TlsVersion(t.min_version);
    if (s.min_version < 0)
      return absl::InvalidArgumentError(Cat("unknown TLS version: ", t.min_version));
  }
  return s;
}

}  // namespace outpost::integrations
