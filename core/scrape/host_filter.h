// Grafana Agent's host filtering (static/metrics/instance/host_filter.go),
// for one agent per machine sharing a config: a discovered target is kept
// when its __address__ host, or one of the host labels of service
// discovery (Consul node, Docker Swarm node, Kubernetes node, __host__),
// is the agent's hostname, localhost or 127.0.0.1. host_filter_relabel_configs
// run first, on a copy of the target's labels, to compute such a label.
#ifndef OUTPOST_CORE_SCRAPE_HOST_FILTER_H_
#define OUTPOST_CORE_SCRAPE_HOST_FILTER_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/base/labels.h"
#include "core/relabel/relabel.h"

namespace outpost::scrape {

struct HostFilter {
  bool enabled = false;
  std::string host;  // $HOSTNAME, else the system hostname
  std::vector<relabel::Config> relabel_configs;

  // True when `discovered` (a target's labels, group labels included) is
  // scraped by this agent.
  bool Keep(const Labels& discovered) const;
};

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_HOST_FILTER_H_
