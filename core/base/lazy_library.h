// A shared library the binary opens when an integration first needs it
// (dlopen) instead of at start-up (issue 23: footprint). Every library on
// the binary's DT_NEEDED list costs resident pages in every outpost process
// (its headers, relocated data, constructors) even when no configured
// integration uses it: libpq, net-snmp, ldns, c-ares and libsystemd cost
// 1.3 MiB this way (tests/bench/rss_floor.c linked with and without them).
//
// The library's functions outpost calls are defined in a "*_lazy.cc" file
// beside their user, with the signatures of the library's own header (the
// compiler checks them), each forwarding to the library's symbol:
//
//   OUTPOST_DEFINE_LAZY_LIBRARY(outpost::integrations::LibPq, "libpq.so.5", "libpq5")
//   extern "C" void PQclear(PGresult* a0) { OUTPOST_LAZY_CALL(LibPq(), PQclear)(a0); }
//
// The code that uses the library is unchanged. Its entry point (creating
// the integration or the journal target) calls Load() first, so that a
// missing library is a clear error there rather than an abort later.
#ifndef OUTPOST_CORE_BASE_LAZY_LIBRARY_H_
#define OUTPOST_CORE_BASE_LAZY_LIBRARY_H_

#include <mutex>

#include "absl/status/status.h"

namespace outpost {

class LazyLibrary {
 public:
  // soname: what dlopen loads ("libpq.so.5"); package: the Debian package
  // that ships it (for the error message).
  LazyLibrary(const char* soname, const char* package) : soname_(soname), package_(package) {}
  LazyLibrary(const LazyLibrary&) = delete;
  LazyLibrary& operator=(const LazyLibrary&) = delete;

  // Opens the library once; later calls return the first call's result.
  // Thread-safe.
  absl::Status Load();
  // The address of `name` in the library. A library that cannot be loaded
  // or lacks the symbol ends the process with a message naming both: the
  // callers checked Load() before, so it means a broken installation.
  void* Symbol(const char* name);

 private:
  const char* const soname_;
  const char* const package_;
  std::once_flag once_;
  void* handle_ = nullptr;
  absl::Status status_;
};

}  // namespace outpost

// Defines the accessor `fn` (declared as `LazyLibrary& fn();`) of one
// library, constructed on first use.
#define OUTPOST_DEFINE_LAZY_LIBRARY(fn, soname, package)    \
  ::outpost::LazyLibrary& fn() {                            \
    static ::outpost::LazyLibrary lib((soname), (package)); \
    return lib;                                             \
  }

// The library function `name` resolved once (per call site) in `lib`
// (a LazyLibrary&), with the type its header declares.
#define OUTPOST_LAZY_CALL(lib, name)                                                 \
  ([]() {                                                                            \
    static const auto fn = reinterpret_cast<decltype(&::name)>((lib).Symbol(#name)); \
    return fn;                                                                       \
  }())

#endif  // OUTPOST_CORE_BASE_LAZY_LIBRARY_H_
