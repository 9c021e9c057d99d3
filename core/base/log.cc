#include "core/base/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/base/json.h"

namespace outpost::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<Format> g_format{Format::kLogfmt};
std::mutex g_mu;
std::function<void(std::string_view)>* g_sink = nullptr;  // guarded by g_mu

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

// logfmt quotes a value when it is empty or has a space, quote, '=' or a
// control character (go-logfmt's needsQuotedValueRune).
bool NeedsQuote(std::string_view v) {
  if (v.empty()) return true;
  for (unsigned char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == 0x7f) return true;
  }
  return false;
}

void AppendLogfmt(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += ' ';
  out += key;
  out += '=';
  if (NeedsQuote(value)) {
    out += '"';
    AppendJsonEscaped(out, value);
    out += '"';
  } else {
    out += value;
  }
}

void AppendJson(std::string& out, std::string_view key, std::string_view value) {
  out += out.size() > 1 ? ",\"" : "\"";
  AppendJsonEscaped(out, key);
  out += "\":\"";
  AppendJsonEscaped(out, value);
  out += '"';
}

}  // namespace

bool ParseLevel(std::string_view s, Level* out) {
  if (s == "debug") *out = Level::kDebug;
  else if (s == "info") *out = Level::kInfo;
  else if (s == "warn") *out = Level::kWarn;
  else if (s == "error") *out = Level::kError;
  else return false;
  return true;
}

bool ParseFormat(std::string_view s, Format* out) {
  if (s == "logfmt") *out = Format::kLogfmt;
  else if (s == "json") *out = Format::kJson;
  else return false;
  return true;
}

void SetLevel(Level l) { g_level.store(l); }
void SetFormat(Format f) { g_format.store(f); }

void SetSinkForTesting(std::function<void(std::string_view)> sink) {
  std::lock_guard<std::mutex> lock(g_mu);
  delete g_sink;
  g_sink = sink ? new std::function<void(std::string_view)>(std::move(sink)) : nullptr;
}

std::string FormatLine(Format format, std::string_view ts, Level level, std::string_view msg,
                       std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(128);
  if (format == Format::kJson) {
    out += '{';
    AppendJson(out, "ts", ts);
    AppendJson(out, "level", LevelName(level));
    AppendJson(out, "msg", msg);
    for (const Field& f : fields) AppendJson(out, f.first, f.second);
    out += '}';
  } else {
    AppendLogfmt(out, "ts", ts);
    AppendLogfmt(out, "level", LevelName(level));
    AppendLogfmt(out, "msg", msg);
    for (const Field& f : fields) AppendLogfmt(out, f.first, f.second);
  }
  return out;
}

void Log(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  const std::string ts =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line = FormatLine(g_format.load(), ts, level, msg, fields);
  line += '\n';
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_sink != nullptr) {
    (*g_sink)(std::string_view(line).substr(0, line.size() - 1));
    return;
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace outpost::log
