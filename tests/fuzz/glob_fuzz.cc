// Fuzzes the glob matcher: input is "<pattern>\n<path>". No crash, bounded
// time (libFuzzer's -timeout), a match only for a valid pattern, and a path
// with its meta characters escaped always matches itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "logs/glob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace outpost::logs;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const std::string_view pattern = in.substr(0, nl);
  const std::string_view path = nl == std::string_view::npos ? in : in.substr(nl + 1);
  const bool valid = ValidateGlob(pattern).ok();
  if (GlobMatch(pattern, path) && !valid) __builtin_trap();
  std::string escaped;
  for (char c : path) {
    if (std::string_view("*?[]{},\\").find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  if (!ValidateGlob(escaped).ok() || !GlobMatch(escaped, path)) __builtin_trap();
  return 0;
}
