// One throwaway MariaDB server for all real-server tests of this binary
// (started on first use, stopped at exit), so the suite stays fast.
#ifndef OUTPOST_TESTS_INTEGRATIONS_MYSQLD_SHARED_SERVER_H_
#define OUTPOST_TESTS_INTEGRATIONS_MYSQLD_SHARED_SERVER_H_

#include "gtest/gtest.h"
#include "tests/support/mariadb_server.h"

namespace outpost::integrations::mysqld {

// The running server, or nullptr after a failed start (the test has then
// failed with the reason).
inline outpost::testing::MariadbServer* SharedServer() {
  static auto* server = new outpost::testing::MariadbServer();
  static bool started = server->Start();
  static const bool cleanup = [] {
    std::atexit([] { delete server; });
    return true;
  }();
  (void)cleanup;
  if (!started) {
    ADD_FAILURE() << "cannot start MariaDB: " << server->error();
    return nullptr;
  }
  return server;
}

}  // namespace outpost::integrations::mysqld

#endif  // OUTPOST_TESTS_INTEGRATIONS_MYSQLD_SHARED_SERVER_H_
