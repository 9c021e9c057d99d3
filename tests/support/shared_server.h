// One throwaway server (MariadbServer, PostgresServer, ...) for all
// real-server tests of a test binary: started on first use, stopped at
// exit, so a suite starts it once.
#ifndef OUTPOST_TESTS_SUPPORT_SHARED_SERVER_H_
#define OUTPOST_TESTS_SUPPORT_SHARED_SERVER_H_

#include <cstdlib>

#include "gtest/gtest.h"

namespace outpost::testing {

// The running server, or nullptr after a failed start (the calling test has
// then failed, naming `what` and the server's error).
template <typename Server>
Server* SharedServerOf(const char* what) {
  static auto* server = new Server();
  static bool started = server->Start();
  static const bool cleanup = [] {
    std::atexit([] { delete server; });
    return true;
  }();
  (void)cleanup;
  if (!started) {
    ADD_FAILURE() << "cannot start " << what << ": " << server->error();
    return nullptr;
  }
  return server;
}

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_SHARED_SERVER_H_
