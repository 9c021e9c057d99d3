// The ldns (DNS message) library functions outpost calls, forwarding to the
// library opened on first use (core/base/lazy_library.h). Signatures: the
// library's header.
#include "integrations/common/lazy_libraries.h"

// After the C++ headers: ldns.h, for one, defines macros that break
// libstdc++ headers included after it (clang).
// clang-format off
#include <ldns/ldns.h>
// clang-format on

OUTPOST_DEFINE_LAZY_LIBRARY(outpost::integrations::LibLdns, OUTPOST_LDNS_SONAME,
                            OUTPOST_LDNS_PACKAGE)

using outpost::integrations::LibLdns;

extern "C" {

ldns_rdf* ldns_dname_new_frm_str(const char* a0) {
  return OUTPOST_LAZY_CALL(LibLdns(), ldns_dname_new_frm_str)(a0);
}
uint32_t ldns_rdf2native_int32(const ldns_rdf* a0) {
  return OUTPOST_LAZY_CALL(LibLdns(), ldns_rdf2native_int32)(a0);
}
char* ldns_rdf2str(const ldns_rdf* a0) { return OUTPOST_LAZY_CALL(LibLdns(), ldns_rdf2str)(a0); }
uint8_t* ldns_rdf_data(const ldns_rdf* a0) {
  return OUTPOST_LAZY_CALL(LibLdns(), ldns_rdf_data)(a0);
}
void ldns_rdf_deep_free(ldns_rdf* a0) { OUTPOST_LAZY_CALL(LibLdns(), ldns_rdf_deep_free)(a0); }
ldns_rdf_type ldns_rdf_get_type(const ldns_rdf* a0) {
  return OUTPOST_LAZY_CALL(LibLdns(), ldns_rdf_get_type)(a0);
}
size_t ldns_rdf_size(const ldns_rdf* a0) { return OUTPOST_LAZY_CALL(LibLdns(), ldns_rdf_size)(a0); }
void ldns_rr_free(ldns_rr* a0) { OUTPOST_LAZY_CALL(LibLdns(), ldns_rr_free)(a0); }
size_t ldns_rr_rd_count(const ldns_rr* a0) {
  return OUTPOST_LAZY_CALL(LibLdns(), ldns_rr_rd_count)(a0);
}
ldns_rdf* ldns_rr_rdf(const ldns_rr* a0, size_t a1) {
  return OUTPOST_LAZY_CALL(LibLdns(), ldns_rr_rdf)(a0, a1);
}
ldns_status ldns_wire2dname(ldns_rdf** a0, const uint8_t* a1, size_t a2, size_t* a3) {
  return OUTPOST_LAZY_CALL(LibLdns(), ldns_wire2dname)(a0, a1, a2, a3);
}
ldns_status ldns_wire2rr(ldns_rr** a0, const uint8_t* a1, size_t a2, size_t* a3,
                         ldns_pkt_section a4) {
  return OUTPOST_LAZY_CALL(LibLdns(), ldns_wire2rr)(a0, a1, a2, a3, a4);
}

}  // extern "C"
