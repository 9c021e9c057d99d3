// The sd-journal (libsystemd) functions outpost calls, forwarding to the
// library opened on first use (core/base/lazy_library.h). Signatures: the
// library's header.
#include "logs/sd_journal_lazy.h"

#include <systemd/sd-journal.h>

OUTPOST_DEFINE_LAZY_LIBRARY(outpost::logs::LibSystemd, OUTPOST_LIBSYSTEMD_SONAME,
                            OUTPOST_LIBSYSTEMD_PACKAGE)

using outpost::logs::LibSystemd;

extern "C" {

int sd_journal_add_match(sd_journal* a0, const void* a1, size_t a2) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_add_match)(a0, a1, a2);
}
void sd_journal_close(sd_journal* a0) { OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_close)(a0); }
int sd_journal_enumerate_data(sd_journal* a0, const void** a1, size_t* a2) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_enumerate_data)(a0, a1, a2);
}
int sd_journal_get_cursor(sd_journal* a0, char** a1) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_get_cursor)(a0, a1);
}
int sd_journal_get_fd(sd_journal* a0) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_get_fd)(a0);
}
int sd_journal_get_realtime_usec(sd_journal* a0, uint64_t* a1) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_get_realtime_usec)(a0, a1);
}
int sd_journal_has_persistent_files(sd_journal* a0) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_has_persistent_files)(a0);
}
int sd_journal_has_runtime_files(sd_journal* a0) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_has_runtime_files)(a0);
}
int sd_journal_next(sd_journal* a0) { return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_next)(a0); }
int sd_journal_open(sd_journal** a0, int a1) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_open)(a0, a1);
}
int sd_journal_open_directory(sd_journal** a0, const char* a1, int a2) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_open_directory)(a0, a1, a2);
}
int sd_journal_process(sd_journal* a0) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_process)(a0);
}
void sd_journal_restart_data(sd_journal* a0) {
  OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_restart_data)(a0);
}
int sd_journal_seek_cursor(sd_journal* a0, const char* a1) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_seek_cursor)(a0, a1);
}
int sd_journal_seek_realtime_usec(sd_journal* a0, uint64_t a1) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_seek_realtime_usec)(a0, a1);
}
int sd_journal_test_cursor(sd_journal* a0, const char* a1) {
  return OUTPOST_LAZY_CALL(LibSystemd(), sd_journal_test_cursor)(a0, a1);
}

}  // extern "C"
