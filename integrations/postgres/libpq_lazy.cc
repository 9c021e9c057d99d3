// The libpq (PostgreSQL's client library) functions outpost calls, forwarding
// to the library opened on first use (core/base/lazy_library.h). Signatures:
// the library's header.
#include "integrations/common/lazy_libraries.h"

// After the C++ headers: ldns.h, for one, defines macros that break
// libstdc++ headers included after it (clang).
// clang-format off
#include <libpq-fe.h>
// clang-format on

OUTPOST_DEFINE_LAZY_LIBRARY(outpost::integrations::LibPq, OUTPOST_LIBPQ_SONAME,
                            OUTPOST_LIBPQ_PACKAGE)

using outpost::integrations::LibPq;

extern "C" {

void PQclear(PGresult* a0) { OUTPOST_LAZY_CALL(LibPq(), PQclear)(a0); }
PGconn* PQconnectdbParams(const char* const* a0, const char* const* a1, int a2) {
  return OUTPOST_LAZY_CALL(LibPq(), PQconnectdbParams)(a0, a1, a2);
}
void PQconninfoFree(PQconninfoOption* a0) { OUTPOST_LAZY_CALL(LibPq(), PQconninfoFree)(a0); }
PQconninfoOption* PQconninfoParse(const char* a0, char** a1) {
  return OUTPOST_LAZY_CALL(LibPq(), PQconninfoParse)(a0, a1);
}
char* PQerrorMessage(const PGconn* a0) { return OUTPOST_LAZY_CALL(LibPq(), PQerrorMessage)(a0); }
PGresult* PQexec(PGconn* a0, const char* a1) { return OUTPOST_LAZY_CALL(LibPq(), PQexec)(a0, a1); }
void PQfinish(PGconn* a0) { OUTPOST_LAZY_CALL(LibPq(), PQfinish)(a0); }
char* PQfname(const PGresult* a0, int a1) { return OUTPOST_LAZY_CALL(LibPq(), PQfname)(a0, a1); }
void PQfreemem(void* a0) { OUTPOST_LAZY_CALL(LibPq(), PQfreemem)(a0); }
Oid PQftype(const PGresult* a0, int a1) { return OUTPOST_LAZY_CALL(LibPq(), PQftype)(a0, a1); }
int PQgetisnull(const PGresult* a0, int a1, int a2) {
  return OUTPOST_LAZY_CALL(LibPq(), PQgetisnull)(a0, a1, a2);
}
int PQgetlength(const PGresult* a0, int a1, int a2) {
  return OUTPOST_LAZY_CALL(LibPq(), PQgetlength)(a0, a1, a2);
}
char* PQgetvalue(const PGresult* a0, int a1, int a2) {
  return OUTPOST_LAZY_CALL(LibPq(), PQgetvalue)(a0, a1, a2);
}
int PQnfields(const PGresult* a0) { return OUTPOST_LAZY_CALL(LibPq(), PQnfields)(a0); }
int PQntuples(const PGresult* a0) { return OUTPOST_LAZY_CALL(LibPq(), PQntuples)(a0); }
char* PQresultErrorMessage(const PGresult* a0) {
  return OUTPOST_LAZY_CALL(LibPq(), PQresultErrorMessage)(a0);
}
ExecStatusType PQresultStatus(const PGresult* a0) {
  return OUTPOST_LAZY_CALL(LibPq(), PQresultStatus)(a0);
}
ConnStatusType PQstatus(const PGconn* a0) { return OUTPOST_LAZY_CALL(LibPq(), PQstatus)(a0); }

}  // extern "C"
