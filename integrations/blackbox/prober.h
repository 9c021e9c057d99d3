// What the blackbox probers share: the interface each prober (http, tcp,
// icmp, dns; blackbox_exporter's prober/*.go) implements, and the
// resolution step every one of them starts with.
//
// A probe writes its probe_* gauges into a SeriesCache over the target's
// Appender. Upstream gives every probe a fresh registry and registers each
// gauge before it may be set, so a registered gauge that is never set is
// still exported as 0; a prober here therefore adds 0 explicitly for every
// gauge upstream registers on that path. probe_success and
// probe_duration_seconds are the integration's (prober/handler.go).
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_PROBER_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_PROBER_H_

#include <memory>
#include <string>
#include <string_view>

#include <sys/socket.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/map_reader.h"
#include "integrations/common/series_cache.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::blackbox {

// One prober's settings: a module's `http:`, `tcp:`, `icmp:` or `dns:`
// block, with upstream's defaults (config/config.go).
class ProberSettings {
 public:
  virtual ~ProberSettings() = default;
  // Emits the block's keys, defaults included and secrets masked, into an
  // open YAML map (check-config, /-/config).
  virtual void Dump(YAML::Emitter& out) const = 0;
};

// One run of a prober against one target.
struct Probe {
  std::string_view target;  // blackbox_targets[].address, as given
  absl::Time deadline;      // the probe's timeout ends here
  SeriesCache& out;         // where the probe_* gauges go
  std::string reason;       // why the probe failed, for the debug log
};

struct Prober {
  std::string_view name;  // the module's `prober:` value
  // Reads the prober's block (m is that block, or an empty map when the
  // module has none); errors go to m.Error. Never null.
  std::unique_ptr<ProberSettings> (*parse)(config::MapReader& m);
  // Runs one probe; returns probe_success.
  bool (*run)(const ProberSettings& settings, Probe& probe);
};

// A resolved address.
struct IpAddress {
  sockaddr_storage addr{};  // port 0
  socklen_t len = 0;
  int family = 0;           // AF_INET or AF_INET6
  std::string text;         // "127.0.0.1", "::1"
};

// blackbox_exporter's chooseProtocol (prober/utils.go): resolves `host`
// (a name or an IP literal, no port, no brackets) preferring
// `ip_protocol` ("ip4", or "ip6" which "" also means) and, when
// `fallback`, taking the other family if the preferred one has no address.
// Always adds probe_dns_lookup_time_seconds, probe_ip_protocol (4/6, 0 when
// unresolved) and probe_ip_addr_hash (FNV-32a of the 4- or 16-byte
// address, 0 when unresolved) to `out`. Gives up at `deadline`.
absl::StatusOr<IpAddress> ChooseProtocol(std::string_view host, std::string_view ip_protocol,
                                         bool fallback, absl::Time deadline, SeriesCache& out);

// FNV-32a of the address bytes, as upstream's ipHash.
double IpHash(const IpAddress& ip);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_PROBER_H_
