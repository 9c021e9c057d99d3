// The SNMP transport of the snmp integration: one net-snmp session per
// target (the single-session API, snmp_sess_*), opened on first use and
// kept until an error, that runs a module's `get` and `walk` OIDs as
// snmp_exporter v0.26 does (collector/collector.go ScrapeTarget, gosnmp
// v1.37 walk.go):
//   - `get` OIDs in GET requests of at most max_repetitions OIDs (one for
//     SNMPv1); SNMPv1's noSuchName skips the batch, any other error status
//     fails the scrape; noSuchObject/noSuchInstance values are dropped;
//   - each `walk` OID with GETBULK (v2c, v3; max_repetitions, non-repeaters
//     0) or GETNEXT (v1), until a value leaves the subtree, endOfMibView or
//     an error status; when the very first value is outside the subtree, a
//     GET of the OID itself (gosnmp's fallback for a leaf OID); an OID equal
//     to the one asked for is an error ("OID not increasing").
// Each request waits `timeout` for its answer and is sent again up to
// `retries` times (a constant timeout: snmp_exporter leaves gosnmp's
// ExponentialTimeout off); nothing waits past the scrape's deadline.
//
// SNMPv3: the engine ID is discovered with an unauthenticated probe on the
// first scrape (counted as a packet, as gosnmp does), then the USM user is
// localised. net-snmp keeps USM users in one process-wide table keyed by
// (engine ID, user name): two auths with the same user name for the same
// device must have the same passwords. An SNMPv3 report (wrong password,
// unknown user, ...) fails the request at once.
//
// net-snmp is not built reentrant (Debian: NETSNMP_REENTRANT unset): its
// USM table, engine-time cache and request ids are process-wide. Every
// library call of this file runs under one process-wide mutex; the waits
// for answers (poll) run outside it, so targets are walked concurrently.
// Opening a session resolves a host name (getaddrinfo) under that mutex:
// targets given by IP address never wait for DNS. A Client itself is
// driven by one thread at a time.
#ifndef OUTPOST_INTEGRATIONS_SNMP_CLIENT_H_
#define OUTPOST_INTEGRATIONS_SNMP_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "integrations/snmp/auth.h"
#include "integrations/snmp/pdu.h"

namespace outpost::integrations::snmp {

// snmp_exporter's WalkParams as the transport reads them (defaults:
// v0.26 config.go DefaultWalkParams).
struct WalkParams {
  uint32_t max_repetitions = 25;
  int retries = 3;
  absl::Duration timeout = absl::Seconds(5);
  // Accept a walk answer whose OID equals the one asked for (gosnmp's
  // AppOpts "c"); off: such an answer fails the walk.
  bool allow_nonincreasing_oids = false;
};

// What the last Scrape sent: the snmp_scrape_packets_* values.
struct ScrapeCounts {
  uint64_t packets_sent = 0;
  uint64_t packets_retried = 0;
};

// Initialises net-snmp once per process (later calls do nothing): no
// configuration or persistent files read, no MIBs loaded (numeric OIDs
// only), its log messages dropped.
void InitNetSnmp();

class Client {
 public:
  // `target` is snmp_exporter's: "[transport://]host[:port]" (udp by
  // default, also udp6, tcp, tcp6; port 161 by default; "[::1]:1161" for
  // an IPv6 address). Errors: a bad port, a transport or protocol net-snmp
  // lacks. Computes the v3 keys; does no I/O.
  static absl::StatusOr<std::unique_ptr<Client>> Create(std::string_view target, const Auth& auth,
                                                        std::string_view snmp_context);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs the GETs of `get` then the walks of `walk`, appending the values
  // to *out in the order received. On error the session is closed (the
  // next Scrape opens a new one) and *out holds what came before it.
  absl::Status Scrape(const std::vector<Oid>& get, const std::vector<Oid>& walk,
                      const WalkParams& params, absl::Time deadline, std::vector<Pdu>* out);

  const ScrapeCounts& counts() const { return counts_; }
  const std::string& target() const { return target_; }

  struct Session;  // the net-snmp state (client.cc)

 private:
  Client() = default;

  std::string target_;
  std::unique_ptr<Session> session_;
  ScrapeCounts counts_;
};

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_CLIENT_H_
