// integrations.apache_http: Apache httpd metrics from mod_status' `?auto`
// page, with Lusitaniae/apache_exporter v0.12.0's metric names, types,
// HELP, labels and values (status.h), collected in-process over one
// keep-alive HTTP connection (libcurl; one easy handle kept across
// collections), plus apache_http_build_info as Grafana Agent adds it.
//
// Config keys and defaults are Grafana Agent's (options.h); the instance
// label is scrape_uri's host[:port]. As upstream's collect():
// - a request that gets no answer (refused, timeout, TLS error) or a body
//   over 16 MiB: apache_up 0;
// - an answer: apache_up 1; a status other than 200, or a body cut short
//   (timeout, reset), ends the collection there (apache_up and the failures
//   counter only);
// - any failure adds apache_exporter_scrape_failures_total (the counter is
//   reported only in a failing collection).
// Collect() returns OK in every case (the agent's own scrape of the
// exporter succeeds); the up/down change is logged once.
#ifndef OUTPOST_INTEGRATIONS_APACHE_APACHE_H_
#define OUTPOST_INTEGRATIONS_APACHE_APACHE_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "core/base/integration.h"
#include "core/config/integration_spec.h"
#include "integrations/apache/options.h"

namespace outpost::integrations::apache {

// The largest status page read; a longer one fails the collection.
inline constexpr uint64_t kMaxBodyBytes = 16 << 20;

// The IntegrationSpec of `apache_http` (a process-wide immutable object; a
// list of blocks is allowed, one instance each).
const config::IntegrationSpec& Spec();

// Builds the integration from parsed options (what Spec().Create does).
// Errors: a scrape_uri that is not an absolute http(s) URL. Does not
// connect.
absl::StatusOr<std::unique_ptr<Integration>> NewApacheIntegration(const Options& opts);

}  // namespace outpost::integrations::apache

#endif  // OUTPOST_INTEGRATIONS_APACHE_APACHE_H_
