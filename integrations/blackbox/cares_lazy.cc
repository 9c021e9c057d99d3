// The c-ares (resolver) library functions outpost calls, forwarding to the
// library opened on first use (core/base/lazy_library.h). Signatures: the
// library's header.
#include "integrations/common/lazy_libraries.h"

// After the C++ headers: ldns.h, for one, defines macros that break
// libstdc++ headers included after it (clang).
// clang-format off
#include <ares.h>
// clang-format on

OUTPOST_DEFINE_LAZY_LIBRARY(outpost::integrations::LibCares, OUTPOST_CARES_SONAME,
                            OUTPOST_CARES_PACKAGE)

using outpost::integrations::LibCares;

extern "C" {

void ares_destroy(ares_channel a0) { OUTPOST_LAZY_CALL(LibCares(), ares_destroy)(a0); }
void ares_freeaddrinfo(struct ares_addrinfo* a0) {
  OUTPOST_LAZY_CALL(LibCares(), ares_freeaddrinfo)(a0);
}
void ares_getaddrinfo(ares_channel a0, const char* a1, const char* a2,
                      const struct ares_addrinfo_hints* a3, ares_addrinfo_callback a4, void* a5) {
  OUTPOST_LAZY_CALL(LibCares(), ares_getaddrinfo)(a0, a1, a2, a3, a4, a5);
}
int ares_getsock(ares_channel a0, ares_socket_t* a1, int a2) {
  return OUTPOST_LAZY_CALL(LibCares(), ares_getsock)(a0, a1, a2);
}
int ares_init_options(ares_channel* a0, struct ares_options* a1, int a2) {
  return OUTPOST_LAZY_CALL(LibCares(), ares_init_options)(a0, a1, a2);
}
int ares_library_init(int a0) { return OUTPOST_LAZY_CALL(LibCares(), ares_library_init)(a0); }
void ares_process_fd(ares_channel a0, ares_socket_t a1, ares_socket_t a2) {
  OUTPOST_LAZY_CALL(LibCares(), ares_process_fd)(a0, a1, a2);
}
const char* ares_strerror(int a0) { return OUTPOST_LAZY_CALL(LibCares(), ares_strerror)(a0); }
struct timeval* ares_timeout(ares_channel a0, struct timeval* a1, struct timeval* a2) {
  return OUTPOST_LAZY_CALL(LibCares(), ares_timeout)(a0, a1, a2);
}

}  // extern "C"
