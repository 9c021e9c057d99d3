// One DNS query/reply exchange with a server, as miekg/dns v1.1.50's
// Client.Exchange does it for blackbox_exporter's dns prober: a connected
// UDP socket (reading at most 512 bytes a datagram, skipping replies whose
// ID differs), or TCP / TLS over TCP with 2-byte length framing (a reply
// with another ID is an error). Everything ends at the deadline.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_DNS_EXCHANGE_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_DNS_EXCHANGE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "integrations/blackbox/dns_message.h"
#include "integrations/blackbox/prober.h"
#include "integrations/common/stream_connection.h"

namespace outpost::integrations::blackbox::dns {

struct ExchangeRequest {
  IpAddress server;  // with `port` below
  int port = 53;
  bool tcp = false;
  std::shared_ptr<TlsContext> tls;  // DNS over TLS (tcp only; no `source`)
  const IpAddress* source = nullptr;  // local address to bind, or null
  std::string query;                  // BuildQuery's message
  uint16_t id = 0;                    // the query's ID
  absl::Time deadline;
};

struct ExchangeResult {
  absl::StatusOr<Reply> reply = absl::UnknownError("not sent");
  // From just before the query is written to the reply's arrival (miekg's
  // rtt, which leaves the connection set-up out); zero if never written.
  absl::Duration rtt;
};

ExchangeResult Exchange(const ExchangeRequest& req);

}  // namespace outpost::integrations::blackbox::dns

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_DNS_EXCHANGE_H_
