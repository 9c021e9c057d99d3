// The apache_http integration's config keys, with Grafana Agent's names and
// defaults (grafana/agent static/integrations/apache_http/apache_http.go,
// DefaultConfig), and the instance key derived from scrape_uri.
#ifndef OUTPOST_INTEGRATIONS_APACHE_OPTIONS_H_
#define OUTPOST_INTEGRATIONS_APACHE_OPTIONS_H_

#include <string>
#include <string_view>

#include "core/config/config.h"
#include "core/config/map_reader.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::apache {

struct Options : config::IntegrationOptions {
  // mod_status' machine-readable page. The agent's default has no '/'
  // before '?auto' (the standalone exporter's has one).
  std::string scrape_uri = "http://localhost/server-status?auto";
  std::string host_override;  // the Host header, when set
  bool insecure = false;      // no TLS certificate verification
};

// Reads the keys from `m` over the defaults above. scrape_uri must be an
// absolute http(s) URL (the agent only checks url.ParseRequestURI, which
// takes a bare path that then fails at every scrape). Errors go to
// m.errors().
Options ParseOptions(config::MapReader& m);

// Writes every key (defaults included, a URL password masked) into an open
// YAML map.
void DumpOptions(const Options& o, YAML::Emitter& out);

// The instance key: Go's url.Parse(scrape_uri).Host, the authority without
// user info ("localhost", "127.0.0.1:8080", "[::1]:80").
std::string UriHost(std::string_view uri);

}  // namespace outpost::integrations::apache

#endif  // OUTPOST_INTEGRATIONS_APACHE_OPTIONS_H_
