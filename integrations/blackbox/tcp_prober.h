// The tcp prober (blackbox_exporter prober/tcp.go): connect to host:port
// (optionally from source_ip_address, optionally TLS), then walk the
// query_response steps: read lines until `expect` matches (its groups
// expand into `send`), send `send` + "\n", upgrade with `starttls`.
// Gauges: probe_failed_due_to_regex, chooseProtocol's three, and the TLS
// gauges after a TLS handshake.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_TCP_PROBER_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_TCP_PROBER_H_

#include <string>
#include <string_view>

#include "integrations/blackbox/prober.h"
#include "re2/re2.h"

namespace outpost::integrations::blackbox {

const Prober& TcpProber();

// One query_response expect on one line: false when `expect` does not
// match it (unanchored, leftmost first as Go's FindSubmatchIndex); else
// true with `send_template` expanded by the match's groups into *send, as
// upstream's Regexp.Expand ($1, ${1}, $name, ${name}, $$).
bool ExpectLine(const RE2& expect, std::string_view line, std::string_view send_template,
                std::string* send);

// Go's net.SplitHostPort: "host:port", "[v6]:port"; false (with *error)
// when the port is missing or the brackets are wrong.
bool SplitHostPort(std::string_view hostport, std::string* host, std::string* port,
                   std::string* error);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_TCP_PROBER_H_
