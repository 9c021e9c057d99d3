// One throwaway PostgreSQL server for all real-server tests of this binary
// (started on first use, stopped at exit), so the suite stays fast.
#ifndef OUTPOST_TESTS_INTEGRATIONS_POSTGRES_SHARED_SERVER_H_
#define OUTPOST_TESTS_INTEGRATIONS_POSTGRES_SHARED_SERVER_H_

#include <cstdlib>

#include "gtest/gtest.h"
#include "tests/support/shared_server.h"
#include "tests/support/postgres_server.h"

namespace outpost::integrations::postgres {

// The running server, or nullptr after a failed start (the test has then
// failed with the reason).
inline outpost::testing::PostgresServer* SharedServer() {
  return outpost::testing::SharedServerOf<outpost::testing::PostgresServer>("PostgreSQL");
}

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_TESTS_INTEGRATIONS_POSTGRES_SHARED_SERVER_H_
