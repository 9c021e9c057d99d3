#include "integrations/blackbox/dns_rr_text.h"

#include <ldns/ldns.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "integrations/common/text.h"

namespace outpost::integrations::blackbox::dns {
namespace {

constexpr uint16_t kTypeA = 1, kTypeSoa = 6, kTypeTxt = 16, kTypeAaaa = 28, kTypeOpt = 41,
                   kTypeSpf = 99;

struct RdfDeleter {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct RrDeleter {
  void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};

uint16_t U16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t U32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

void AppendDdd(std::string& s, uint8_t b) {
  char buf[5];
  std::snprintf(buf, sizeof(buf), "\\%03u", b);
  s += buf;
}

// Types in TypeToString that miekg has no RR struct for (not in
// TypeToRR): their RRs unpack as RFC3597.
bool HasStruct(uint16_t type) {
  switch (type) {
    case 0: case 20: case 30: case 34: case 103: case 251: case 252: case 253: case 254:
    case 65535:
      return false;
    default:
      return !TypeName(type).empty();
  }
}

// UnpackDomainName's text of an uncompressed wire name.
void AppendName(std::string& s, const uint8_t* p, size_t n) {
  size_t i = 0;
  bool any = false;
  while (i < n && p[i] != 0) {
    const size_t len = p[i++];
    for (size_t j = 0; j < len && i < n; ++j, ++i) {
      const uint8_t b = p[i];
      switch (b) {
        case '.': case ' ': case '\'': case '@': case ';': case '(': case ')': case '"': case '\\':
          s += '\\';
          s += static_cast<char>(b);
          break;
        default:
          if (b < ' ' || b > '~') AppendDdd(s, b);
          else s += static_cast<char>(b);
      }
    }
    s += '.';
    any = true;
  }
  if (!any) s += '.';
}

// sprintTxt of one character-string (length byte first).
void AppendCharString(std::string& s, const uint8_t* p, size_t len) {
  s += '"';
  for (size_t i = 0; i < len; ++i) {
    const uint8_t b = p[i];
    if (b == '"' || b == '\\') {
      s += '\\';
      s += static_cast<char>(b);
    } else if (b < ' ' || b > '~') {
      AppendDdd(s, b);
    } else {
      s += static_cast<char>(b);
    }
  }
  s += '"';
}

// Go's net.IP.String() of a 16-byte address.
void AppendIpv6(std::string& s, const uint8_t* p) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped, kMapped + 12, p)) {
    s += Cat(p[12], ".", p[13], ".", p[14], ".", p[15]);
    return;
  }
  int e0 = -1, e1 = -1;  // the longest run of zero groups, as byte offsets
  for (int i = 0; i < 16; i += 2) {
    int j = i;
    while (j < 16 && p[j] == 0 && p[j + 1] == 0) j += 2;
    if (j > i && j - i > e1 - e0) {
      e0 = i;
      e1 = j;
      i = j;
    }
  }
  if (e1 - e0 <= 2) e0 = e1 = -1;  // "::" never stands for one group
  char buf[8];
  for (int i = 0; i < 16; i += 2) {
    if (i == e0) {
      s += "::";
      i = e1;
      if (i >= 16) break;
    } else if (i > 0) {
      s += ':';
    }
    std::snprintf(buf, sizeof(buf), "%x", U16(p + i));
    s += buf;
  }
}

// The hex fields miekg prints in upper case (ldns: lower): DS, CDS,
// DLV and TA digests, SSHFP fingerprints, EID and NIMLOC, NSEC3 salts.
bool UpperHex(uint16_t type, ldns_rdf_type field) {
  switch (type) {
    case 31: case 32: case 43: case 44: case 59: case 32768: case 32769:
      return field == LDNS_RDF_TYPE_HEX;
    case 50: case 51:
      return field == LDNS_RDF_TYPE_NSEC3_SALT;
    default:
      return false;
  }
}

absl::Status BadRdata(uint16_t type) {
  return absl::InvalidArgumentError(Cat("dns: bad rdata of an RR of type ", type));
}

// The rdata text of A, AAAA, TXT and SPF, from the wire (miekg's
// unpack takes exactly 4 or 16 bytes, and whole character-strings).
absl::Status AppendSimpleRdata(std::string& s, uint16_t type, const uint8_t* rd, size_t rdlen) {
  switch (type) {
    case kTypeA:
      if (rdlen != 4) return BadRdata(type);
      s += Cat(rd[0], ".", rd[1], ".", rd[2], ".", rd[3]);
      return absl::OkStatus();
    case kTypeAaaa:
      if (rdlen != 16) return BadRdata(type);
      AppendIpv6(s, rd);
      return absl::OkStatus();
    case kTypeTxt:
    case kTypeSpf:
      for (size_t i = 0; i < rdlen;) {
        const size_t len = rd[i];
        if (i + 1 + len > rdlen) return BadRdata(type);
        if (i > 0) s += ' ';
        AppendCharString(s, rd + i + 1, len);
        i += 1 + len;
      }
      return absl::OkStatus();
    default:
      break;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RrText> ReadRr(const uint8_t* wire, size_t n, size_t* pos) {
  const size_t rr_start = *pos;
  ldns_rdf* owner_raw = nullptr;
  if (ldns_wire2dname(&owner_raw, wire, n, pos) != LDNS_STATUS_OK)
    return absl::InvalidArgumentError("dns: bad RR owner name");
  std::unique_ptr<ldns_rdf, RdfDeleter> owner(owner_raw);
  if (n - *pos < 10) return absl::InvalidArgumentError("dns: overflow unpacking RR header");
  RrText rr;
  rr.type = U16(wire + *pos);
  const uint16_t klass = U16(wire + *pos + 2);
  rr.ttl = U32(wire + *pos + 4);
  const size_t rdlen = U16(wire + *pos + 8);
  *pos += 10;
  if (rdlen > n - *pos) return absl::InvalidArgumentError("dns: bad rdlength");
  const size_t start = *pos, end = *pos + rdlen;
  *pos = end;

  std::string& s = rr.text;
  const bool known = HasStruct(rr.type);
  if (known && rr.type == kTypeOpt) s += ';';
  AppendName(s, ldns_rdf_data(owner.get()), ldns_rdf_size(owner.get()));
  s += Cat("\t", rr.ttl, "\t");
  if (!known) {  // rfc3597Header and RFC3597.String()
    s += Cat("CLASS", klass, "\tTYPE", rr.type, "\t\\# ", rdlen, " ");
    static constexpr char kHex[] = "0123456789abcdef";
    for (size_t i = start; i < end; ++i) {
      s += kHex[wire[i] >> 4];
      s += kHex[wire[i] & 0xf];
    }
    return rr;
  }
  const std::string_view cname = ClassName(klass);
  if (!cname.empty() && cname != "ANY") s += cname;  // "ANY" is also a type name
  else s += Cat("CLASS", klass);
  s += Cat("\t", TypeName(rr.type), "\t");
  if (rdlen == 0) return rr;  // noRdata: the zero RR, printed as its header

  switch (rr.type) {
    case kTypeA:
    case kTypeAaaa:
    case kTypeTxt:
    case kTypeSpf:
      if (absl::Status st = AppendSimpleRdata(s, rr.type, wire + start, rdlen); !st.ok())
        return st;
      return rr;
    default:
      break;
  }
  // Everything else through ldns, field by field.
  size_t p = rr_start;
  ldns_rr* parsed_raw = nullptr;
  if (ldns_wire2rr(&parsed_raw, wire, n, &p, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK || p != end) {
    if (parsed_raw != nullptr) ldns_rr_free(parsed_raw);
    return BadRdata(rr.type);
  }
  std::unique_ptr<ldns_rr, RrDeleter> parsed(parsed_raw);
  const size_t count = ldns_rr_rd_count(parsed.get());
  for (size_t i = 0; i < count; ++i) {
    const ldns_rdf* f = ldns_rr_rdf(parsed.get(), i);
    if (i > 0) s += ' ';
    if (f == nullptr) continue;
    const uint8_t* d = ldns_rdf_data(f);
    const size_t len = ldns_rdf_size(f);
    switch (ldns_rdf_get_type(f)) {
      case LDNS_RDF_TYPE_DNAME:
        AppendName(s, d, len);
        break;
      case LDNS_RDF_TYPE_STR:
        if (len >= 1 && d[0] + 1u <= len) AppendCharString(s, d + 1, d[0]);
        break;
      default: {
        char* text = ldns_rdf2str(f);
        if (text == nullptr) return BadRdata(rr.type);
        std::string t(text);
        std::free(text);
        if (UpperHex(rr.type, ldns_rdf_get_type(f))) {
          for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        s += t;
      }
    }
  }
  if (rr.type == kTypeSoa && count >= 3 && ldns_rdf_size(ldns_rr_rdf(parsed.get(), 2)) == 4)
    rr.soa_serial = ldns_rdf2native_int32(ldns_rr_rdf(parsed.get(), 2));
  return rr;
}

}  // namespace outpost::integrations::blackbox::dns
