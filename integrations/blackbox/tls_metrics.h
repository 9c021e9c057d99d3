// The TLS gauges the http and tcp probers share (blackbox_exporter
// prober/tls.go and prober.go): probe_ssl_earliest_cert_expiry,
// probe_ssl_last_chain_expiry_timestamp_seconds, probe_ssl_last_chain_info
// and probe_tls_version_info, read from an OpenSSL connection's peer chain.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_TLS_METRICS_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_TLS_METRICS_H_

#include <string>

#include "integrations/common/series_cache.h"

typedef struct ssl_st SSL;
typedef struct X509_name_st X509_NAME;

namespace outpost::integrations::blackbox {

// Go's zero time.Time as Unix seconds (what upstream reports when nothing
// was found, e.g. no verified chain with insecure_skip_verify).
inline constexpr double kGoZeroTimeUnix = -62135596800.0;

struct TlsInfo {
  double earliest_expiry = kGoZeroTimeUnix;    // over the certificates the peer sent
  double last_chain_expiry = kGoZeroTimeUnix;  // of the verified chain
  std::string fingerprint_sha256;              // of the leaf, lowercase hex
  std::string subject;                         // the leaf's, as Go's pkix.Name.String()
  std::string issuer;
  std::string dns_names;  // the leaf's DNS SANs joined by ","
  std::string version;    // "TLS 1.2", "TLS 1.3", "unknown"
};

// Reads `ssl` after its handshake. `verified`: the chain was verified
// (Go has VerifiedChains only then).
TlsInfo ReadTlsInfo(SSL* ssl, bool verified);

// Adds the four TLS gauges.
void AddTlsMetrics(const TlsInfo& info, SeriesCache& out);

// Go's pkix.Name.String() of a certificate name: RFC 2253 order (last
// RDN first) of Go's fields (SERIALNUMBER, CN, OU, O, POSTALCODE, STREET,
// L, ST, C), other attributes as "<oid>=#<hex DER>" at the end.
std::string GoNameString(const X509_NAME* name);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_TLS_METRICS_H_
