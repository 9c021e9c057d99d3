// `logfmt`: extracts fields of a logfmt line (or extracted value) into the
// extracted map (Promtail stages/logfmt.go), decoding as go-logfmt v0.6.0's
// Decoder does (decode.go): records are the input's lines; a key is the
// bytes up to `=` or a space, a bare key has the value ""; values are bare
// or double-quoted with JSON escapes. At the first syntax error decoding
// stops; what was extracted before it stays (upstream writes the map as it
// scans). Values are views into the input or one reused buffer (unquoted
// escapes), so a warm stage allocates nothing.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/utf8.h"
#include "logs/stages/go_json.h"
#include "logs/stages/source.h"
#include "logs/stages/stage.h"

namespace outpost::logs::stages {
namespace {

// bufio.Scanner's default limit: a record of 64 KiB or more is an error.
constexpr size_t kMaxRecord = 64 * 1024;

// go-logfmt's unquoteBytes (jsonstring.go) on a quoted value with escapes
// (quotes included): JSON escapes plus \', invalid UTF-8 coerced to U+FFFD,
// control bytes and bad escapes rejected.
bool Unquote(std::string_view q, std::string& out) {
  out.clear();
  std::string_view s = q.substr(1, q.size() - 2);
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c < ' ') return false;
    if (c >= 0x80) {
      size_t len;
      bool valid;
      const uint32_t r = DecodeRune(s, i, &len, &valid);
      AppendRune(valid ? r : 0xfffd, &out);
      i += len;
    } else if (c != '\\') {
      out += static_cast<char>(c);
      ++i;
    } else if (!AppendJsonEscape(s, &i, out, /*single_quote=*/true)) {
      return false;
    }
  }
  return true;
}

// A key is invalid when it holds invalid UTF-8 or U+FFFD (go-logfmt's
// bytes.ContainsRune(key, utf8.RuneError)).
bool KeyHasRuneError(std::string_view k) {
  for (size_t i = 0, len; i < k.size(); i += len) {
    bool valid;
    if (DecodeRune(k, i, &len, &valid) == 0xfffd || !valid) return true;
  }
  return false;
}

class LogfmtStage final : public Stage {
 public:
  // field -> extracted key
  LogfmtStage(std::vector<std::pair<std::string, std::string>> fields,
              std::optional<std::string> source)
      : fields_(std::move(fields)), source_(std::move(source)) {}

  Result Process(Entry& e, Output&) override {
    std::string_view text;
    if (!SourceText(e, source_, &text)) return Result::kContinue;
    // The source's value lives in e.extracted, which is written below.
    if (source_.has_value()) {
      input_.assign(text);
      text = input_;
    }
    while (!text.empty()) {
      const size_t nl = text.find('\n');
      std::string_view rec = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      if (rec.size() >= kMaxRecord) break;
      if (!rec.empty() && rec.back() == '\r') rec.remove_suffix(1);
      if (!Record(rec, e)) break;
    }
    return Result::kContinue;
  }

 private:
  // Decodes one record's key/value pairs; false at a syntax error.
  bool Record(std::string_view line, Entry& e) {
    size_t pos = 0;
    const size_t n = line.size();
    const auto at = [&line](size_t i) { return static_cast<unsigned char>(line[i]); };
    while (true) {
      while (pos < n && at(pos) <= ' ') ++pos;  // garbage
      if (pos >= n) return true;
      const size_t start = pos;
      while (pos < n && at(pos) != '=' && at(pos) > ' ') {
        if (at(pos) == '"') return false;
        ++pos;
      }
      const std::string_view key = line.substr(start, pos - start);
      if (KeyHasRuneError(key)) return false;
      if (pos >= n || at(pos) != '=') {
        Set(e, key, {});
        continue;
      }
      if (key.empty()) return false;  // unexpected '='
      ++pos;  // '='
      if (pos >= n || at(pos) <= ' ') {
        Set(e, key, {});
        continue;
      }
      if (at(pos) != '"') {
        const size_t vs = pos;
        while (pos < n && at(pos) > ' ') {
          if (at(pos) == '=' || at(pos) == '"') return false;
          ++pos;
        }
        Set(e, key, line.substr(vs, pos - vs));
        continue;
      }
      // Quoted value: find the closing quote, skipping escaped bytes.
      const size_t qs = pos;
      bool has_esc = false, esc = false;
      size_t p = pos + 1;
      for (; p < n; ++p) {
        if (esc) {
          esc = false;
        } else if (line[p] == '\\') {
          has_esc = esc = true;
        } else if (line[p] == '"') {
          break;
        }
      }
      if (p >= n) return false;  // unterminated quoted value
      pos = p + 1;
      if (!has_esc) {
        Set(e, key, line.substr(qs + 1, p - qs - 1));
        continue;
      }
      if (!Unquote(line.substr(qs, pos - qs), unquoted_)) return false;  // invalid quoted value
      Set(e, key, unquoted_);
    }
  }

  void Set(Entry& e, std::string_view field, std::string_view value) {
    for (const auto& [f, key] : fields_) {
      if (f == field) {
        e.extracted.SetString(key, value);
        return;
      }
    }
  }

  std::vector<std::pair<std::string, std::string>> fields_;
  std::optional<std::string> source_;
  std::string input_;     // a copy of the source's value
  std::string unquoted_;  // a quoted value with its escapes decoded
};

}  // namespace

std::unique_ptr<Stage> NewLogfmtStage(const config::PipelineStage& spec, const StageContext&,
                                      config::Errors* errors) {
  const size_t before = errors->errors.size();
  config::MapReader m = BodyReader(spec, errors);
  std::map<std::string, std::string> mapping;
  m.StringMap("mapping", &mapping);
  std::optional<std::string> source = ReadSource(spec, m, errors);
  if (errors->errors.size() != before) return nullptr;
  if (mapping.empty()) {
    // Promtail validateLogfmtConfig.
    StageError(spec, m.Raw("mapping"), "mapping", "logfmt mapping is required", errors);
    return nullptr;
  }
  // Upstream inverts the mapping (field -> key): of keys naming the same
  // field one wins; here the last in key order.
  std::map<std::string, std::string> inverse;
  for (const auto& [key, field] : mapping) inverse[field.empty() ? key : field] = key;
  std::vector<std::pair<std::string, std::string>> fields(inverse.begin(), inverse.end());
  return std::make_unique<LogfmtStage>(std::move(fields), std::move(source));
}

}  // namespace outpost::logs::stages
