// The net-snmp library functions outpost calls, forwarding to the library
// opened on first use (core/base/lazy_library.h). Signatures: the library's
// header.
#include "integrations/common/lazy_libraries.h"

// After the C++ headers: ldns.h, for one, defines macros that break
// libstdc++ headers included after it (clang).
// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
// clang-format on

OUTPOST_DEFINE_LAZY_LIBRARY(outpost::integrations::LibNetSnmp, OUTPOST_NETSNMP_SONAME,
                            OUTPOST_NETSNMP_PACKAGE)

using outpost::integrations::LibNetSnmp;

extern "C" {

int create_user_from_session(netsnmp_session* a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), create_user_from_session)(a0);
}
int generate_Ku(const oid* a0, u_int a1, const u_char* a2, size_t a3, u_char* a4, size_t* a5) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), generate_Ku)(a0, a1, a2, a3, a4, a5);
}
void init_snmp(const char* a0) { OUTPOST_LAZY_CALL(LibNetSnmp(), init_snmp)(a0); }
int netsnmp_ds_set_boolean(int a0, int a1, int a2) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), netsnmp_ds_set_boolean)(a0, a1, a2);
}
int netsnmp_ds_set_string(int a0, int a1, const char* a2) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), netsnmp_ds_set_string)(a0, a1, a2);
}
void netsnmp_large_fd_set_cleanup(netsnmp_large_fd_set* a0) {
  OUTPOST_LAZY_CALL(LibNetSnmp(), netsnmp_large_fd_set_cleanup)(a0);
}
void netsnmp_large_fd_set_init(netsnmp_large_fd_set* a0, int a1) {
  OUTPOST_LAZY_CALL(LibNetSnmp(), netsnmp_large_fd_set_init)(a0, a1);
}
void netsnmp_large_fd_setfd(int a0, netsnmp_large_fd_set* a1) {
  OUTPOST_LAZY_CALL(LibNetSnmp(), netsnmp_large_fd_setfd)(a0, a1);
}
netsnmp_log_handler* netsnmp_register_loghandler(int a0, int a1) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), netsnmp_register_loghandler)(a0, a1);
}
void netsnmp_set_mib_directory(const char* a0) {
  OUTPOST_LAZY_CALL(LibNetSnmp(), netsnmp_set_mib_directory)(a0);
}
netsnmp_variable_list* snmp_add_null_var(netsnmp_pdu* a0, const oid* a1, size_t a2) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_add_null_var)(a0, a1, a2);
}
const char* snmp_api_errstring(int a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_api_errstring)(a0);
}
netsnmp_pdu* snmp_clone_pdu(netsnmp_pdu* a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_clone_pdu)(a0);
}
oid* snmp_duplicate_objid(const oid* a0, size_t a1) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_duplicate_objid)(a0, a1);
}
void snmp_free_pdu(netsnmp_pdu* a0) { OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_free_pdu)(a0); }
netsnmp_pdu* snmp_pdu_create(int a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_pdu_create)(a0);
}
int snmp_sess_async_send(void* a0, netsnmp_pdu* a1, netsnmp_callback a2, void* a3) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_sess_async_send)(a0, a1, a2, a3);
}
int snmp_sess_close(void* a0) { return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_sess_close)(a0); }
void snmp_sess_error(void* a0, int* a1, int* a2, char** a3) {
  OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_sess_error)(a0, a1, a2, a3);
}
void snmp_sess_init(netsnmp_session* a0) { OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_sess_init)(a0); }
void* snmp_sess_open(netsnmp_session* a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_sess_open)(a0);
}
int snmp_sess_read2(void* a0, netsnmp_large_fd_set* a1) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_sess_read2)(a0, a1);
}
netsnmp_session* snmp_sess_session(void* a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_sess_session)(a0);
}
struct netsnmp_transport_s* snmp_sess_transport(void* a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmp_sess_transport)(a0);
}
int snmpv3_get_report_type(netsnmp_pdu* a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), snmpv3_get_report_type)(a0);
}
struct usmUser* usm_add_user(struct usmUser* a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), usm_add_user)(a0);
}
struct usmUser* usm_free_user(struct usmUser* a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), usm_free_user)(a0);
}
struct usmUser* usm_get_user(const u_char* a0, size_t a1, const char* a2) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), usm_get_user)(a0, a1, a2);
}
struct usmUser* usm_remove_user(struct usmUser* a0) {
  return OUTPOST_LAZY_CALL(LibNetSnmp(), usm_remove_user)(a0);
}

}  // extern "C"
