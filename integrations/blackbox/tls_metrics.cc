#include "integrations/blackbox/tls_metrics.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <string_view>
#include <vector>

namespace outpost::integrations::blackbox {
namespace {

const MetricFamily kEarliestExpiry{"probe_ssl_earliest_cert_expiry", MetricType::kGauge,
                                   "Returns last SSL chain expiry in unixtime", ""};
const MetricFamily kLastChainExpiry{"probe_ssl_last_chain_expiry_timestamp_seconds",
                                    MetricType::kGauge,
                                    "Returns last SSL chain expiry in timestamp", ""};
const MetricFamily kChainInfo{"probe_ssl_last_chain_info", MetricType::kGauge,
                              "Contains SSL leaf certificate information", ""};
const MetricFamily kTlsVersion{"probe_tls_version_info", MetricType::kGauge,
                               "Returns the TLS version used or NaN when unknown", ""};

double NotAfter(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return kGoZeroTimeUnix;
  return static_cast<double>(timegm(&tm));
}

// The earliest notAfter of a chain (Go's zero time when empty).
double EarliestExpiry(STACK_OF(X509) * chain) {
  double earliest = kGoZeroTimeUnix;
  bool any = false;
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    const double t = NotAfter(sk_X509_value(chain, i));
    if (!any || t < earliest) earliest = t;
    any = true;
  }
  return earliest;
}

std::string Hex(const unsigned char* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 15];
  }
  return s;
}

// Go's asn1 isPrintable (no '*', no '&'): what a re-marshalled string's
// tag is (PrintableString, else UTF8String).
bool GoPrintable(std::string_view s) {
  for (unsigned char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view(" '()+,-./:=?").find(static_cast<char>(c)) !=
                        std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string GoDerHex(std::string_view value) {
  std::vector<unsigned char> der;
  der.push_back(GoPrintable(value) ? 0x13 : 0x0c);
  const size_t n = value.size();
  if (n < 128) {
    der.push_back(static_cast<unsigned char>(n));
  } else {
    std::vector<unsigned char> len;
    for (size_t v = n; v > 0; v >>= 8) len.insert(len.begin(), static_cast<unsigned char>(v & 255));
    der.push_back(static_cast<unsigned char>(0x80 | len.size()));
    der.insert(der.end(), len.begin(), len.end());
  }
  der.insert(der.end(), value.begin(), value.end());
  return Hex(der.data(), der.size());
}

// RFC 2253 escaping as Go's RDNSequence.String.
std::string GoEscape(std::string_view v) {
  std::string out;
  for (size_t k = 0; k < v.size(); ++k) {
    const char c = v[k];
    bool escape = false;
    switch (c) {
      case ',': case '+': case '"': case '\\': case '<': case '>': case ';':
        escape = true;
        break;
      case ' ':
        escape = k == 0 || k == v.size() - 1;
        break;
      case '#':
        escape = k == 0;
        break;
      default:
        break;
    }
    if (escape) out += '\\';
    out += c;
  }
  return out;
}

std::string EntryValue(const X509_NAME_ENTRY* e) {
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
  if (n < 0) return "";
  std::string s(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return s;
}

struct GoField {
  int nid;
  const char* label;
  bool single;  // CommonName and SerialNumber keep the last value only
};
// pkix.Name.ToRDNSequence order.
constexpr GoField kGoFields[] = {
    {NID_countryName, "C", false},           {NID_stateOrProvinceName, "ST", false},
    {NID_localityName, "L", false},          {NID_streetAddress, "STREET", false},
    {NID_postalCode, "POSTALCODE", false},   {NID_organizationName, "O", false},
    {NID_organizationalUnitName, "OU", false}, {NID_commonName, "CN", true},
    {NID_serialNumber, "SERIALNUMBER", true}};

bool IsGoField(int nid) {
  for (const GoField& f : kGoFields) {
    if (f.nid == nid) return true;
  }
  return false;
}

}  // namespace

std::string GoNameString(const X509_NAME* name) {
  std::vector<std::string> rdns;  // in ToRDNSequence order, printed reversed
  const int n = X509_NAME_entry_count(name);
  for (int i = 0; i < n; ++i) {  // other attributes first (Go issue 39924)
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    if (IsGoField(OBJ_obj2nid(obj))) continue;
    char oid[128];
    OBJ_obj2txt(oid, sizeof(oid), obj, 1);
    rdns.push_back(std::string(oid) + "=#" + GoDerHex(EntryValue(e)));
  }
  for (const GoField& f : kGoFields) {
    std::vector<std::string> values;
    for (int i = 0; i < n; ++i) {
      const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
      if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) != f.nid) continue;
      std::string v = EntryValue(e);
      if (f.single) values.clear();
      if (!v.empty()) values.push_back(std::move(v));
    }
    std::string rdn;
    for (const std::string& v : values) {
      if (!rdn.empty()) rdn += '+';
      rdn += std::string(f.label) + "=" + GoEscape(v);
    }
    if (!rdn.empty()) rdns.push_back(std::move(rdn));
  }
  std::string s;
  for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) {
    if (!s.empty()) s += ',';
    s += *it;
  }
  return s;
}

TlsInfo ReadTlsInfo(SSL* ssl, bool verified) {
  TlsInfo info;
  switch (SSL_version(ssl)) {
    case TLS1_VERSION: info.version = "TLS 1.0"; break;
    case TLS1_1_VERSION: info.version = "TLS 1.1"; break;
    case TLS1_2_VERSION: info.version = "TLS 1.2"; break;
    case TLS1_3_VERSION: info.version = "TLS 1.3"; break;
    default: info.version = "unknown"; break;
  }
  info.earliest_expiry = EarliestExpiry(SSL_get_peer_cert_chain(ssl));
  if (verified && SSL_get_verify_result(ssl) == X509_V_OK)
    info.last_chain_expiry = EarliestExpiry(SSL_get0_verified_chain(ssl));
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (leaf == nullptr) return info;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_digest(leaf, EVP_sha256(), md, &md_len) == 1) info.fingerprint_sha256 = Hex(md, md_len);
  info.subject = GoNameString(X509_get_subject_name(leaf));
  info.issuer = GoNameString(X509_get_issuer_name(leaf));
  auto* sans = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; sans != nullptr && i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(sans, i);
    if (g->type != GEN_DNS) continue;
    if (!info.dns_names.empty()) info.dns_names += ',';
    info.dns_names.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(g->d.dNSName)),
                          static_cast<size_t>(ASN1_STRING_length(g->d.dNSName)));
  }
  GENERAL_NAMES_free(sans);
  return info;
}

void AddTlsMetrics(const TlsInfo& info, SeriesCache& out) {
  out.Add(kEarliestExpiry, info.earliest_expiry);
  out.Add(kTlsVersion, {{"version", info.version}}, 1);
  out.Add(kLastChainExpiry, info.last_chain_expiry);
  out.Add(kChainInfo,
          {{"fingerprint_sha256", info.fingerprint_sha256},
           {"subject", info.subject},
           {"issuer", info.issuer},
           {"subjectalternative", info.dns_names}},
          1);
}

}  // namespace outpost::integrations::blackbox
