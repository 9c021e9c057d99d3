// A tls_config block of the integrations that open their own TLS
// connections (memcached_exporter, the blackbox tcp and dns probers):
// prometheus/common's TLSConfig as far as outpost reads it, and the
// OpenSSL settings it makes.
#ifndef OUTPOST_INTEGRATIONS_COMMON_TLS_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_COMMON_TLS_OPTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/config/http_config.h"
#include "core/config/map_reader.h"
#include "integrations/common/stream_connection.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations {

// The files, server_name, insecure_skip_verify and min_version
// ("TLS10".."TLS13"); ca, cert, key and max_version are rejected as not
// supported yet.
struct TlsOptions {
  config::TlsConfig files;  // ca_file, cert_file, key_file, server_name, insecure_skip_verify
  std::string min_version;  // empty: TLS 1.2 (Go's client default)
};

// Reads a tls_config block into *out (and Finish()es it).
void ReadTlsOptions(config::MapReader& m, TlsOptions* out);
// Writes a tls_config block as a YAML map (the emitter is at its value).
void DumpTlsOptions(const TlsOptions& t, YAML::Emitter& out);

// The OpenSSL settings of a tls_config block.
absl::StatusOr<TlsSettings> ToTlsSettings(const TlsOptions& t);

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_TLS_OPTIONS_H_
