// The http prober's module block (blackbox_exporter config/config.go
// HTTPProbe with DefaultHTTPProbe, prometheus/common's HTTPClientConfig
// inline): parsed strictly, regexes compiled with RE2.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_HTTP_SETTINGS_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_HTTP_SETTINGS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/http_config.h"
#include "core/config/map_reader.h"
#include "integrations/blackbox/prober.h"
#include "re2/re2.h"

namespace outpost::integrations::blackbox {

struct Regexp {
  std::string text;
  std::shared_ptr<const RE2> re;
};

struct HeaderMatch {
  std::string header;
  Regexp regexp;
  bool allow_missing = false;
};

struct HttpSettings final : ProberSettings {
  std::vector<int> valid_status_codes;  // empty: 2xx
  std::vector<std::string> valid_http_versions;
  std::string ip_protocol;  // preferred_ip_protocol
  bool ip_protocol_fallback = true;
  bool skip_resolve_phase_with_proxy = false;
  bool fail_if_ssl = false;
  bool fail_if_not_ssl = false;
  std::string method;  // empty: GET
  std::map<std::string, std::string> headers;
  std::vector<Regexp> fail_if_body_matches_regexp;
  std::vector<Regexp> fail_if_body_not_matches_regexp;
  std::vector<HeaderMatch> fail_if_header_matches;
  std::vector<HeaderMatch> fail_if_header_not_matches;
  std::string body;
  config::HttpClientConfig client;  // http_client_config (inline keys)
  std::string compression;
  uint64_t body_size_limit = 0;  // 0: none

  void Dump(YAML::Emitter& out) const override;
};

std::unique_ptr<ProberSettings> ParseHttp(config::MapReader& m);

// Upstream's isCompressionAcceptEncodingValid: with a compression and an
// Accept-Encoding both set, the header must accept that compression.
bool CompressionAccepted(std::string_view compression, std::string_view accept_encoding);

// Header names compare as Go's textproto.CanonicalMIMEHeaderKey does
// (case-insensitively).
bool SameHeaderName(std::string_view a, std::string_view b);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_HTTP_SETTINGS_H_
