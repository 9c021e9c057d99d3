// Process logging: one line per event, logfmt or JSON, like Grafana Agent's
// go-kit logger:
//   ts=2026-11-21T04:00:00.000Z level=info msg="config loaded" file=agent.yaml
// Thread-safe; writes whole lines to stderr (or a test sink).
#ifndef OUTPOST_CORE_BASE_LOG_H_
#define OUTPOST_CORE_BASE_LOG_H_

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace outpost::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kLogfmt, kJson };

// Parses "debug", "info", "warn", "error" / "logfmt", "json".
bool ParseLevel(std::string_view s, Level* out);
bool ParseFormat(std::string_view s, Format* out);

void SetLevel(Level l);
void SetFormat(Format f);
// Replaces stderr as the destination (tests); nullptr restores stderr.
void SetSinkForTesting(std::function<void(std::string_view line)> sink);

using Field = std::pair<std::string_view, std::string_view>;

void Log(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
inline void Debug(std::string_view msg, std::initializer_list<Field> f = {}) { Log(Level::kDebug, msg, f); }
inline void Info(std::string_view msg, std::initializer_list<Field> f = {}) { Log(Level::kInfo, msg, f); }
inline void Warn(std::string_view msg, std::initializer_list<Field> f = {}) { Log(Level::kWarn, msg, f); }
inline void Error(std::string_view msg, std::initializer_list<Field> f = {}) { Log(Level::kError, msg, f); }

// Formats one line without writing it (for tests and for reuse).
std::string FormatLine(Format format, std::string_view ts, Level level, std::string_view msg,
                       std::initializer_list<Field> fields);

}  // namespace outpost::log

#endif  // OUTPOST_CORE_BASE_LOG_H_
