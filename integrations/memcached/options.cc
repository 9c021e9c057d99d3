#include "integrations/memcached/options.h"

#include <cstdint>
#include <utility>

#include "core/base/absl_compat.h"
#include "core/config/duration.h"
#include "integrations/common/text.h"

namespace outpost::integrations::memcached {

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


void DumpOptions(const Options& o, YAML::Emitter& out) {
  out << YAML::Key << "memcached_address" << YAML::Value << o.memcached_address;
  out << YAML::Key << "timeout" << YAML::Value << config::FormatPromDuration(o.timeout);
  if (o.tls_config.has_value()) {
    out << YAML::Key << "tls_config" << YAML::Value;
    DumpTlsOptions(*o.tls_config, out);
  }
}

}  // namespace outpost::integrations::memcached
