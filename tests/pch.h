// The precompiled header of every test binary (tests/CMakeLists.txt:
// outpost_tests_pch, reused by each target): gtest, gmock and the standard
// and abseil headers most tests include. Parsing them is about half of a
// test file's compile time; built once, they cost one parse per build.
// Only headers from outside the project: editing the project's own headers
// must not rebuild it.
#ifndef OUTPOST_TESTS_PCH_H_
#define OUTPOST_TESTS_PCH_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#endif  // OUTPOST_TESTS_PCH_H_
