// The memcached_exporter integration's own config keys, with Grafana
// Agent's names and defaults (grafana/agent v0.44
// static/integrations/memcached_exporter/memcached_exporter.go,
// DefaultConfig: memcached_address "localhost:11211", timeout 1s).
#ifndef OUTPOST_INTEGRATIONS_MEMCACHED_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_MEMCACHED_OPTIONS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/config.h"
#include "core/config/http_config.h"
#include "core/config/map_reader.h"
#include "integrations/common/stream_connection.h"
#include "integrations/common/tls_options.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::memcached {


struct Options : config::IntegrationOptions {
  std::string memcached_address = "localhost:11211";
  absl::Duration timeout = absl::Seconds(1);
  std::optional<TlsOptions> tls_config;  // set: TLS
};

// Reads the keys from `m` over the defaults above; the address must parse
// (ParseAddress), min_version must be one Go knows. Errors go to
// m.errors().
Options ParseOptions(config::MapReader& m);

// Writes every key (defaults included) into an open YAML map.
void DumpOptions(const Options& o, YAML::Emitter& out);

// `memcached_address` as grobie/gomemcache's ServerList.SetServers reads
// it: a path when it contains '/', else host:port ("[::1]:11211"; the port
// is required, as Go's net.ResolveTCPAddr).
absl::StatusOr<StreamEndpoint> ParseAddress(std::string_view addr);


}  // namespace outpost::integrations::memcached

#endif  // OUTPOST_INTEGRATIONS_MEMCACHED_OPTIONS_H_
