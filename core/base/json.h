// Minimal JSON string escaping for the few JSON documents outpost writes
// (json log lines, the targets API). Control characters become \uXXXX.
#ifndef OUTPOST_CORE_BASE_JSON_H_
#define OUTPOST_CORE_BASE_JSON_H_

#include <string>
#include <string_view>

namespace outpost {

// Appends `v` escaped for use inside a JSON string (no quotes added).
void AppendJsonEscaped(std::string& out, std::string_view v);
// Appends `v` as a quoted JSON string.
inline void AppendJsonString(std::string& out, std::string_view v) {
  out += '"';
  AppendJsonEscaped(out, v);
  out += '"';
}

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_JSON_H_
