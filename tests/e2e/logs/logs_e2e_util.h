// Helpers shared by the logs end-to-end tests (logs_test.cc,
// journal_test.cc): numbered lines, and the tally of which arrived at the
// test's Loki receiver (missing, duplicated).
#ifndef OUTPOST_TESTS_E2E_LOGS_LOGS_E2E_UTIL_H_
#define OUTPOST_TESTS_E2E_LOGS_LOGS_E2E_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/logs/support/loki_receiver.h"

namespace outpost::testing {

inline std::vector<std::string> Args(const std::string& config) {
  return {"-config.file=" + config, "-server.http.address=127.0.0.1:0"};
}

inline std::string LineText(int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "line %09lld", static_cast<long long>(n));
  return std::string(buf) + std::string(40, 'x');
}

// Lines 0..n-1: how many are missing and how many extra copies arrived.
struct Tally {
  int64_t missing = 0, duplicates = 0, unknown = 0;
  std::string ranges;  // the first runs of duplicated lines, for the message
};
inline Tally Count(const LokiReceiver& r, int64_t n) {
  std::vector<int> seen(n, 0);
  Tally t;
  for (const std::string& line : r.lines_of()) {
    long long i = -1;
    if (std::sscanf(line.c_str(), "line %lld", &i) != 1 || i < 0 || i >= n) {
      ++t.unknown;
      continue;
    }
    ++seen[i];
  }
  int64_t run_start = -1;
  for (int64_t i = 0; i < n; ++i) {
    const int s = seen[i];
    if (s == 0) ++t.missing;
    if (s > 1) t.duplicates += s - 1;
    if (s > 1 && run_start < 0) run_start = i;
    if ((s <= 1 || i == n - 1) && run_start >= 0) {
      if (t.ranges.size() < 20) t.ranges += " [" + std::to_string(run_start) + "," + std::to_string(i) + ")";
      run_start = -1;
    }
  }
  return t;
}

inline bool WaitAll(const LokiReceiver& r, int64_t n, absl::Duration limit) {
  const absl::Time end = absl::Now() + limit;
  while (absl::Now() < end) {
    if (Count(r, n).missing == 0) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return false;
}

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_E2E_LOGS_LOGS_E2E_UTIL_H_
