// The one apache2 of this test binary (tests/support/apache_server.h),
// started on first use.
#ifndef OUTPOST_TESTS_INTEGRATIONS_APACHE_SHARED_SERVER_H_
#define OUTPOST_TESTS_INTEGRATIONS_APACHE_SHARED_SERVER_H_

#include "tests/support/apache_server.h"
#include "tests/support/shared_server.h"

namespace outpost::integrations::apache {

inline outpost::testing::ApacheServer* SharedApache() {
  return outpost::testing::SharedServerOf<outpost::testing::ApacheServer>("apache2");
}

}  // namespace outpost::integrations::apache

#endif  // OUTPOST_TESTS_INTEGRATIONS_APACHE_SHARED_SERVER_H_
