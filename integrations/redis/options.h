// The redis_exporter integration's own config keys, with Grafana Agent's
// names and defaults (grafana/agent static/integrations/redis_exporter/
// redis_exporter.go, DefaultConfig), and the parsing of `redis_addr`.
#ifndef OUTPOST_INTEGRATIONS_REDIS_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_REDIS_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/config.h"
#include "core/config/map_reader.h"
#include "core/config/secret.h"
#include "integrations/common/stream_connection.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::redis {

struct Options : config::IntegrationOptions {
  std::string redis_addr;
  std::string redis_user;
  config::Secret redis_password;
  std::string redis_password_file;
  std::string redis_password_map_file;
  std::string namespace_ = "redis";
  std::string config_command = "CONFIG";
  std::string check_keys;
  std::string check_key_groups;
  int64_t check_key_groups_batch_size = 10000;
  int64_t max_distinct_key_groups = 100;
  std::string check_single_keys;
  std::string check_streams;
  std::string check_single_streams;
  bool export_key_values = true;
  std::string count_keys;
  std::string script_path;
  absl::Duration connection_timeout = absl::Seconds(15);
  std::string tls_client_key_file;
  std::string tls_client_cert_file;
  std::string tls_ca_cert_file;
  bool set_client_name = true;
  bool is_tile38 = false;
  bool is_cluster = false;
  bool export_client_list = false;
  bool export_client_port = false;
  bool redis_metrics_only = false;
  bool ping_on_connect = false;
  bool incl_system_metrics = false;
  bool skip_tls_verification = false;
};

// Reads the keys from `m` over the defaults above. `redis_addr` is
// required and must parse (ParseAddress); key lists must parse
// (ParseKeyList); keys whose feature outpost lacks are rejected by name.
// Errors go to m.errors().
Options ParseOptions(config::MapReader& m);

// Writes every key (defaults included, the password masked) into an open
// YAML map.
void DumpOptions(const Options& o, YAML::Emitter& out);

// Where and how to connect, from `redis_addr`:
//   host:port | redis://[user[:password]@]host[:port][/db] | rediss://...
//   | tcp://host:port | unix:///path/to/socket | /path/to/socket
// The port defaults to 6379. rediss:// means TLS.
struct Endpoint : StreamEndpoint {
  Endpoint() { port = 6379; }
  bool tls = false;
  std::string user;      // from the URL's userinfo, if any
  std::string password;  // from the URL's userinfo, if any
  bool has_password = false;
  int db = 0;  // from the URL path
};
absl::StatusOr<Endpoint> ParseAddress(std::string_view addr);

// `redis_addr` with a URL password replaced by "xxxxx" (Go's
// url.URL.Redacted), for the instance label and for logs.
std::string RedactAddress(std::string_view addr);

// One db/key pair of check_keys, check_single_keys, check_streams,
// check_single_streams and count_keys ("db3=user*,session:1", db 0 when
// absent; keys are URL query-unescaped), as upstream's parseKeyArg
// (exporter/keys.go). InvalidArgument on a malformed list.
struct DbKey {
  std::string db;  // decimal index, e.g. "3"
  std::string key;
};
absl::StatusOr<std::vector<DbKey>> ParseKeyList(std::string_view list);

// check_key_groups: the Lua patterns of one Go CSV record
// ("^(user):,^(session):", "..." quoting with "" for a quote), each
// trimmed, empty ones dropped, as upstream (exporter/key_groups.go).
// InvalidArgument on bad quoting (Go's csv.Reader errors). The patterns
// themselves are checked by the server's Lua at collection time.
absl::StatusOr<std::vector<std::string>> ParseKeyGroups(std::string_view csv);

}  // namespace outpost::integrations::redis

#endif  // OUTPOST_INTEGRATIONS_REDIS_OPTIONS_H_
