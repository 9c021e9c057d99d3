// dns_sd_configs (Prometheus discovery/dns, 2.42): every refresh, look up
// each name (SRV, A or AAAA) through the system resolver (glibc's
// libresolv: /etc/resolv.conf's servers and search path, TCP retry on
// truncation). Targets:
//   SRV:    __address__ = <target>:<port> (the target's final dot removed),
//           __meta_dns_srv_record_target = <target with its dot>,
//           __meta_dns_srv_record_port = <port>
//   A/AAAA: __address__ = <ip>:<config port> ([v6]:port)
// each with __meta_dns_name = the configured name. NXDOMAIN or "no such
// record" means no targets; a failed lookup (timeout, SERVFAIL) keeps that
// name's previous targets, as upstream keeps the last group of its source.
//
// Thread-safety: one DnsSd per dns_sd_configs entry, Fetch from one thread
// (its RefreshSd).
#ifndef OUTPOST_CORE_SCRAPE_DNS_SD_H_
#define OUTPOST_CORE_SCRAPE_DNS_SD_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/labels.h"
#include "core/config/config.h"
#include "core/scrape/scrape_metrics.h"

namespace outpost::scrape {

class DnsSd {
 public:
  // `metrics` may be null (tests). `nameserver` ("ipv4:port", tests only)
  // replaces resolv.conf's servers.
  DnsSd(config::DnsSdConfig cfg, ScrapeMetrics* metrics, std::string nameserver = "");
  ~DnsSd();
  DnsSd(const DnsSd&) = delete;
  DnsSd& operator=(const DnsSd&) = delete;

  // The targets of every name; an error only when no name could be looked
  // up at all and none has earlier targets.
  absl::StatusOr<std::vector<Labels>> Fetch();

 private:
  // One name's targets, or the lookup's error.
  absl::StatusOr<std::vector<Labels>> Lookup(const std::string& name);

  const config::DnsSdConfig cfg_;
  ScrapeMetrics* const metrics_;
  const std::string nameserver_;
  std::map<std::string, std::vector<Labels>> last_;  // by name: last good
};

// Parses a DNS answer (wire format) for `name` into targets as above;
// `qtype` is ns_t_srv, ns_t_a or ns_t_aaaa. Exposed for tests and the
// fuzz target: the bytes come from the network.
absl::StatusOr<std::vector<Labels>> ParseDnsAnswer(const unsigned char* msg, int len,
                                                   const std::string& name, int port);

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_DNS_SD_H_
