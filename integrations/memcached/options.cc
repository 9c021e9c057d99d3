#include "integrations/memcached/options.h"

#include <openssl/ssl.h>

#include <cstdint>
#include <utility>

#include "core/base/absl_compat.h"
#include "core/config/duration.h"
#include "integrations/common/text.h"

namespace outpost::integrations::memcached {
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

absl::StatusOr<StreamEndpoint> ParseAddress(std::string_view addr) {
  StreamEndpoint ep;
  if (addr.find('/') != std::string_view::npos) {
    ep.unix_socket = true;
    ep.path = std::string(addr);
    return ep;
  }
  const size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos)
    return absl::InvalidArgumentError(Cat("address ", addr, ": missing port in address"));
  std::string_view host = addr.substr(0, colon), port = addr.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 2 || host.back() != ']')
      return absl::InvalidArgumentError(Cat("address ", addr, ": missing ']' in address"));
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return absl::InvalidArgumentError(Cat("address ", addr, ": too many colons in address"));
  }
  uint64_t p = 0;
  if (!ParseUint(port, &p) || p > 65535)
    return absl::InvalidArgumentError(Cat("address ", addr, ": invalid port"));
  ep.host = host.empty() ? "localhost" : std::string(host);
  ep.port = static_cast<int>(p);
  return ep;
}

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

Options ParseOptions(config::MapReader& m) {
  Options o;
  m.String("memcached_address", &o.memcached_address);
  m.Duration("timeout", &o.timeout);
  if (m.Has("tls_config")) {
    config::MapReader t = m.Map("tls_config");
    TlsOptions tls;
    ReadTlsOptions(t, &tls);
    o.tls_config = std::move(tls);
  }
  if (absl::StatusOr<StreamEndpoint> ep = ParseAddress(o.memcached_address); !ep.ok())
    m.ValueError("memcached_address", ToStd(ep.status().message()));
  return o;
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

void DumpOptions(const Options& o, YAML::Emitter& out) {
  out << YAML::Key << "memcached_address" << YAML::Value << o.memcached_address;
  out << YAML::Key << "timeout" << YAML::Value << config::FormatPromDuration(o.timeout);
  if (o.tls_config.has_value()) {
    out << YAML::Key << "tls_config" << YAML::Value;
    DumpTlsOptions(*o.tls_config, out);
  }
}

}  // namespace outpost::integrations::memcached
