#include "integrations/blackbox/dns_message.h"

#include <ldns/ldns.h>

#include <array>
#include <utility>

#include "integrations/blackbox/dns_rr_text.h"
#include "integrations/common/text.h"

namespace outpost::integrations::blackbox::dns {
namespace {

// miekg/dns v1.1.50 TypeToString (ztypes.go), the names query_type takes.
constexpr std::pair<std::string_view, uint16_t> kTypes[] = {
    {"None", 0},         {"A", 1},           {"NS", 2},         {"MD", 3},
    {"MF", 4},           {"CNAME", 5},       {"SOA", 6},        {"MB", 7},
    {"MG", 8},           {"MR", 9},          {"NULL", 10},      {"PTR", 12},
    {"HINFO", 13},       {"MINFO", 14},      {"MX", 15},        {"TXT", 16},
    {"RP", 17},          {"AFSDB", 18},      {"X25", 19},       {"ISDN", 20},
    {"RT", 21},          {"NSAP-PTR", 23},   {"SIG", 24},       {"KEY", 25},
    {"PX", 26},          {"GPOS", 27},       {"AAAA", 28},      {"LOC", 29},
    {"NXT", 30},         {"EID", 31},        {"NIMLOC", 32},    {"SRV", 33},
    {"ATMA", 34},        {"NAPTR", 35},      {"KX", 36},        {"CERT", 37},
    {"DNAME", 39},       {"OPT", 41},        {"APL", 42},       {"DS", 43},
    {"SSHFP", 44},       {"RRSIG", 46},      {"NSEC", 47},      {"DNSKEY", 48},
    {"DHCID", 49},       {"NSEC3", 50},      {"NSEC3PARAM", 51}, {"TLSA", 52},
    {"SMIMEA", 53},      {"HIP", 55},        {"NINFO", 56},     {"RKEY", 57},
    {"TALINK", 58},      {"CDS", 59},        {"CDNSKEY", 60},   {"OPENPGPKEY", 61},
    {"CSYNC", 62},       {"ZONEMD", 63},     {"SVCB", 64},      {"HTTPS", 65},
    {"SPF", 99},         {"UINFO", 100},     {"UID", 101},      {"GID", 102},
    {"UNSPEC", 103},     {"NID", 104},       {"L32", 105},      {"L64", 106},
    {"LP", 107},         {"EUI48", 108},     {"EUI64", 109},    {"TKEY", 249},
    {"TSIG", 250},       {"IXFR", 251},      {"AXFR", 252},     {"MAILB", 253},
    {"MAILA", 254},      {"ANY", 255},       {"URI", 256},      {"CAA", 257},
    {"AVC", 258},        {"TA", 32768},      {"DLV", 32769},    {"Reserved", 65535},
};

// ClassToString (msg.go).
constexpr std::pair<std::string_view, uint16_t> kClasses[] = {
    {"IN", 1}, {"CS", 2}, {"CH", 3}, {"HS", 4}, {"NONE", 254}, {"ANY", 255}};

// RcodeToString (msg.go) plus the "NOTIMPL" alias of reverse.go.
constexpr std::pair<std::string_view, int> kRcodes[] = {
    {"NOERROR", 0},   {"FORMERR", 1},  {"SERVFAIL", 2},  {"NXDOMAIN", 3},  {"NOTIMP", 4},
    {"NOTIMPL", 4},   {"REFUSED", 5},  {"YXDOMAIN", 6},  {"YXRRSET", 7},   {"NXRRSET", 8},
    {"NOTAUTH", 9},   {"NOTZONE", 10}, {"BADSIG", 16},   {"BADKEY", 17},   {"BADTIME", 18},
    {"BADMODE", 19},  {"BADNAME", 20}, {"BADALG", 21},   {"BADTRUNC", 22}, {"BADCOOKIE", 23},
};

template <typename T, size_t N>
std::optional<T> Find(const std::pair<std::string_view, T> (&table)[N], std::string_view name) {
  for (const auto& e : table) {
    if (e.first == name) return e.second;
  }
  return std::nullopt;
}

constexpr uint16_t kTypeOpt = 41;
constexpr uint16_t kTypeTsig = 250;

uint16_t U16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// One question: miekg's unpackQuestion, which accepts a question cut
// after its name or its type.
absl::Status SkipQuestion(const uint8_t* wire, size_t n, size_t* pos) {
  ldns_rdf* name = nullptr;
  if (ldns_wire2dname(&name, wire, n, pos) != LDNS_STATUS_OK)
    return absl::InvalidArgumentError("dns: bad question name");
  ldns_rdf_deep_free(name);
  if (*pos == n) return absl::OkStatus();
  if (n - *pos < 2) return absl::InvalidArgumentError("dns: overflow unpacking uint16");
  *pos += 2;
  // A cut class reads as the end of the message (unpackUint16 leaves the
  // offset at the end, and unpackQuestion then reports no error).
  *pos = n - *pos < 2 ? n : *pos + 2;
  return absl::OkStatus();
}

// miekg's unpackRRslice: up to `count` RRs; a message that ends at an RR
// boundary ends the section (the count lied), anything else malformed is
// an error.
absl::Status ReadSection(const uint8_t* wire, size_t n, size_t* pos, int count,
                         std::vector<RrText>* out) {
  for (int i = 0; i < count && *pos < n; ++i) {
    absl::StatusOr<RrText> rr = ReadRr(wire, n, pos);
    if (!rr.ok()) return rr.status();
    out->push_back(*std::move(rr));
  }
  return absl::OkStatus();
}

std::vector<std::string> Texts(std::vector<RrText>& rrs) {
  std::vector<std::string> v;
  v.reserve(rrs.size());
  for (RrText& rr : rrs) v.push_back(std::move(rr.text));
  return v;
}

}  // namespace

std::optional<uint16_t> TypeByName(std::string_view name) { return Find(kTypes, name); }
std::optional<uint16_t> ClassByName(std::string_view name) { return Find(kClasses, name); }
std::optional<int> RcodeByName(std::string_view name) { return Find(kRcodes, name); }

std::string_view TypeName(uint16_t type) {
  for (const auto& e : kTypes) {
    if (e.second == type) return e.first;
  }
  return {};
}

std::string_view ClassName(uint16_t klass) {
  for (const auto& e : kClasses) {
    if (e.second == klass) return e.first;
  }
  return {};
}

absl::StatusOr<std::string> BuildQuery(uint16_t id, std::string_view name, uint16_t qtype,
                                       uint16_t qclass, bool recursion_desired) {
  // dns.Fqdn: a name not ending in an unescaped '.' gets one.
  std::string fqdn(name);
  size_t backslashes = 0;
  for (size_t i = fqdn.size(); i >= 2 && fqdn[i - 2] == '\\'; --i) ++backslashes;
  if (fqdn.empty() || fqdn.back() != '.' || backslashes % 2 == 1) fqdn += '.';
  ldns_rdf* dname = ldns_dname_new_frm_str(fqdn.c_str());
  if (dname == nullptr) return absl::InvalidArgumentError(Cat("dns: bad query name ", name));
  std::string q(12, '\0');
  q[0] = static_cast<char>(id >> 8);
  q[1] = static_cast<char>(id & 0xff);
  q[2] = recursion_desired ? 0x01 : 0x00;  // QR=0, opcode QUERY, RD
  q[5] = 1;                                // QDCOUNT
  q.append(reinterpret_cast<const char*>(ldns_rdf_data(dname)), ldns_rdf_size(dname));
  ldns_rdf_deep_free(dname);
  for (uint16_t v : {qtype, qclass}) {
    q += static_cast<char>(v >> 8);
    q += static_cast<char>(v & 0xff);
  }
  return q;
}

// miekg's Msg.Unpack (msg.go) and the TSIG check of Conn.ReadMsg.
absl::StatusOr<Reply> ParseReply(std::string_view data) {
  const auto* wire = reinterpret_cast<const uint8_t*>(data.data());
  const size_t n = data.size();
  if (n < 12) return absl::InvalidArgumentError("dns: short read");
  Reply r;
  r.id = U16(wire);
  r.rcode = wire[3] & 0x0f;
  const int qd = U16(wire + 4), an = U16(wire + 6), ns = U16(wire + 8), ar = U16(wire + 10);
  size_t pos = 12;
  // A bare header is a whole message (servers answer REFUSED so).
  if (pos == n) return r;
  for (int i = 0; i < qd; ++i) {
    if (absl::Status st = SkipQuestion(wire, n, &pos); !st.ok()) return st;
  }
  std::array<std::vector<RrText>, 3> sections;
  const int counts[3] = {an, ns, ar};
  for (int s = 0; s < 3; ++s) {
    if (absl::Status st = ReadSection(wire, n, &pos, counts[s], &sections[s]); !st.ok())
      return st;
  }
  for (const RrText& rr : sections[0]) {
    if (rr.soa_serial.has_value()) r.soa_serial = rr.soa_serial;
  }
  const std::vector<RrText>& extra = sections[2];
  for (auto it = extra.rbegin(); it != extra.rend(); ++it) {
    if (it->type == kTypeOpt) {  // IsEdns0: the last OPT
      r.rcode |= static_cast<int>((it->ttl >> 24) & 0xff) << 4;
      break;
    }
  }
  if (!extra.empty() && extra.back().type == kTypeTsig)
    return absl::PermissionDeniedError("dns: no secrets defined");  // TsigVerify, no key
  r.answer = Texts(sections[0]);
  r.authority = Texts(sections[1]);
  r.additional = Texts(sections[2]);
  return r;
}

}  // namespace outpost::integrations::blackbox::dns
