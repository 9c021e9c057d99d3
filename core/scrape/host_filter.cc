#include "core/scrape/host_filter.h"

namespace outpost::scrape {
namespace {

// Labels checked after __address__ (Grafana Agent's HostFilterLabelMatchers).
constexpr std::string_view kHostLabels[] = {
    "__meta_consul_node",
    "__meta_dockerswarm_node_id",
    "__meta_dockerswarm_node_hostname",
    "__meta_dockerswarm_node_address",
    "__meta_kubernetes_pod_node_name",
    "__meta_kubernetes_node_name",
    "__host__",
};

// Go's net.SplitHostPort host part, or the value itself when it has no
// port.
std::string_view HostPart(std::string_view v) {
  if (!v.empty() && v.front() == '[') {
    const size_t close = v.find(']');
    if (close != std::string_view::npos && close + 1 < v.size() && v[close + 1] == ':') {
      return v.substr(1, close - 1);
    }
    return v;
  }
  const size_t colon = v.find(':');
  if (colon != std::string_view::npos && v.find(':', colon + 1) == std::string_view::npos) {
    return v.substr(0, colon);
  }
  return v;
}

bool Matches(std::string_view value, std::string_view host) {
  const std::string_view h = HostPart(value);
  return h == "localhost" || h == "127.0.0.1" || h == host;
}

}  // namespace

bool HostFilter::Keep(const Labels& discovered) const {
  if (!enabled) return true;
  Labels l = discovered;
  // A target the rules drop has no address left and is kept, as upstream
  // (the scrape manager then reports it).
  if (!relabel::Process(relabel_configs, l)) return true;
  const std::string_view address = l.Get("__address__");
  if (address.empty() || Matches(address, host)) return true;
  for (std::string_view name : kHostLabels) {
    const std::string_view v = l.Get(name);
    if (!v.empty() && Matches(v, host)) return true;
  }
  return false;
}

}  // namespace outpost::scrape
