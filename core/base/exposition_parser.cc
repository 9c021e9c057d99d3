// Text format 0.0.4 parser. Rules and messages follow prometheus/common
// expfmt/text_parse.go (TextParser); the structure is our own: one pass
// over lines, one small cursor per line.
#include "core/base/exposition_parser.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace outpost {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLabelStart(char c) { return IsAlpha(c) || c == '_'; }
bool IsLabelChar(char c) { return IsLabelStart(c) || IsDigit(c); }
bool IsMetricStart(char c) { return IsLabelStart(c) || c == ':'; }
bool IsMetricChar(char c) { return IsLabelChar(c) || c == ':'; }

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t min;
    uint32_t r;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, min = 0x80, r = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, min = 0x800, r = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, min = 0x10000, r = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      r = (r << 6) | (b & 0x3F);
    }
    if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

// Go's %q, close enough for error messages: quotes, escapes, hex for
// control bytes. Bytes >= 0x80 are copied.
std::string Quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

// Go's %q of a byte: a character literal such as '=' or '\n'.
std::string QuoteChar(char c) {
  if (c == '\'') return "'\\''";
  std::string q = Quote(std::string_view(&c, 1));
  q.front() = '\'';
  q.back() = '\'';
  if (q == "'\\\"'") q = "'\"'";
  return q;
}

// strconv.ParseFloat as expfmt calls it: no 'p', 'P' or '_'; optional sign;
// decimal or Inf/Infinity/NaN in any case (NaN unsigned); overflow fails.
std::optional<double> ParseFloat(std::string_view s) {
  if (s.empty() || s.find_first_of("pP_(") != std::string_view::npos) return std::nullopt;
  bool negative = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
    if (body.empty() || body[0] == '+' || body[0] == '-' || body[0] == 'n' ||
        body[0] == 'N') {
      return std::nullopt;
    }
  }
  double v = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (end != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Go returns an error on overflow and rounds underflow to zero.
    const std::string copy(body);
    v = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(v)) return std::nullopt;
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

// strconv.ParseInt(s, 10, 64).
std::optional<int64_t> ParseInt64(std::string_view s) {
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s[0] == '-') return std::nullopt;
  }
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool HasSuffix(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class Parser {
 public:
  Parser(std::string_view text, const ExpositionParseOptions& options)
      : text_(text), options_(options) {}

  absl::StatusOr<std::vector<ExpositionFamily>> Run() {
    size_t start = 0;
    while (start < text_.size()) {
      ++line_no_;
      const size_t nl = text_.find('\n', start);
      terminated_ = nl != std::string_view::npos;
      const size_t end = terminated_ ? nl : text_.size();
      line_ = text_.substr(start, end - start);
      pos_ = 0;
      eof_ = false;
      if (line_.size() > options_.max_line_bytes) {
        return absl::ResourceExhaustedError(
            Prefix() + "line longer than " + std::to_string(options_.max_line_bytes) +
            " bytes");
      }
      if (absl::Status s = ParseLine(); !s.ok()) return s;
      start = end + 1;
    }
    std::vector<ExpositionFamily> out;
    for (State& f : families_) {
      if (!f.family.samples.empty()) out.push_back(std::move(f.family));
    }
    return out;
  }

 private:
  struct State {
    ExpositionFamily family;
    bool has_help = false;
    bool has_type = false;
  };

  std::string Prefix() const {
    return "text format parsing error in line " + std::to_string(line_no_) + ": ";
  }

  // A parse error at the current line. Once the cursor ran off an
  // unterminated last line, the input simply ended early, as expfmt says.
  absl::Status Error(const std::string& msg) const {
    return absl::InvalidArgumentError(Prefix() +
                                      (eof_ ? "unexpected end of input stream" : msg));
  }

  // The current byte; the line's end reads as '\n'.
  char Cur() {
    if (pos_ < line_.size()) return line_[pos_];
    if (!terminated_) eof_ = true;
    return '\n';
  }
  void Advance() { ++pos_; }
  void SkipBlanks() {
    while (IsBlank(Cur())) Advance();
  }
  std::string_view TokenUntilWhitespace() {
    const size_t start = pos_;
    while (Cur() != '\n' && !IsBlank(Cur())) Advance();
    return line_.substr(start, pos_ - start);
  }
  std::string_view Name(bool (*start_ok)(char), bool (*char_ok)(char)) {
    const size_t start = pos_;
    if (!start_ok(Cur())) return {};
    while (char_ok(Cur())) Advance();
    return line_.substr(start, pos_ - start);
  }

  absl::Status ParseLine() {
    while (pos_ < line_.size() && IsBlank(line_[pos_])) Advance();
    if (pos_ == line_.size()) return absl::OkStatus();  // blank line
    absl::Status s;
    if (Cur() == '#') {
      Advance();
      s = ParseComment();
    } else {
      s = ParseSample();
    }
    if (s.ok() && eof_) return Error("");
    return s;
  }

  absl::Status ParseComment() {
    SkipBlanks();
    if (Cur() == '\n') return absl::OkStatus();
    const std::string_view keyword = TokenUntilWhitespace();
    if (Cur() == '\n') return absl::OkStatus();
    if (keyword != "HELP" && keyword != "TYPE") {
      pos_ = line_.size();  // a plain comment
      Cur();
      return absl::OkStatus();
    }
    SkipBlanks();
    const std::string_view name = Name(IsMetricStart, IsMetricChar);
    if (Cur() == '\n') return absl::OkStatus();
    if (!IsBlank(Cur())) return Error("invalid metric name in comment");
    State& f = FamilyFor(name);
    SkipBlanks();
    if (Cur() == '\n') return absl::OkStatus();
    return keyword == "HELP" ? ReadHelp(f) : ReadType(f);
  }

  absl::Status ReadHelp(State& f) {
    if (f.has_help) {
      return Error("second HELP line for metric name " + Quote(f.family.meta.name));
    }
    std::string help;
    for (;;) {
      char c = Cur();
      if (c == '\n') break;
      Advance();
      if (c == '\\') {
        c = Cur();
        if (c == '\\' || c == '"') {
          help += c;
        } else if (c == 'n' && pos_ < line_.size()) {
          help += '\n';
        } else {
          return Error(std::string("invalid escape sequence '\\") + c + "'");
        }
        Advance();
      } else {
        help += c;
      }
    }
    if (eof_) return Error("");
    f.family.meta.help = std::move(help);
    f.has_help = true;
    return absl::OkStatus();
  }

  absl::Status ReadType(State& f) {
    if (f.has_type) {
      return Error("second TYPE line for metric name " + Quote(f.family.meta.name) +
                   ", or TYPE reported after samples");
    }
    const std::string_view word = line_.substr(pos_);
    pos_ = line_.size();
    if (Cur(); eof_) return Error("");
    std::string upper(word);
    for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    MetricType t;
    if (upper == "COUNTER") {
      t = MetricType::kCounter;
    } else if (upper == "GAUGE") {
      t = MetricType::kGauge;
    } else if (upper == "SUMMARY") {
      t = MetricType::kSummary;
    } else if (upper == "UNTYPED") {
      t = MetricType::kUnknown;
    } else if (upper == "HISTOGRAM") {
      t = MetricType::kHistogram;
    } else if (upper == "GAUGE_HISTOGRAM") {
      t = MetricType::kGaugeHistogram;
    } else {
      return Error("unknown metric type " + Quote(word));
    }
    f.family.meta.type = t;
    f.has_type = true;
    return absl::OkStatus();
  }

  // expfmt's setOrCreateCurrentMF: foo_sum / foo_count (/ foo_bucket) join
  // an existing summary (histogram) family foo.
  State& FamilyFor(std::string_view name) {
    if (auto it = by_name_.find(AbslView(name)); it != by_name_.end()) {
      return families_[it->second];
    }
    for (std::string_view suffix : {"_count", "_sum", "_bucket"}) {
      if (!HasSuffix(name, suffix)) continue;
      auto it = by_name_.find(AbslView(name.substr(0, name.size() - suffix.size())));
      if (it == by_name_.end()) continue;
      const MetricType t = families_[it->second].family.meta.type;
      if (t == MetricType::kHistogram || (t == MetricType::kSummary && suffix != "_bucket")) {
        return families_[it->second];
      }
    }
    by_name_.emplace(std::string(name), families_.size());
    State& f = families_.emplace_back();
    f.family.meta.name = std::string(name);
    return f;
  }

  absl::Status ParseSample() {
    const std::string_view name = Name(IsMetricStart, IsMetricChar);
    if (name.empty()) return Error("invalid metric name");
    State& f = FamilyFor(name);
    f.has_type = true;  // a later TYPE line is an error
    const MetricType type = f.family.meta.type;
    const std::string& family = f.family.meta.name;
    SkipBlanks();

    std::vector<Label> labels;
    if (Cur() == '{') {
      Advance();
      for (;;) {
        SkipBlanks();
        if (Cur() == '}') break;
        const std::string_view lname = Name(IsLabelStart, IsLabelChar);
        if (lname.empty()) return Error("invalid label name for metric " + Quote(family));
        SkipBlanks();
        if (Cur() != '=') {
          return Error("expected '=' after label name, found " + QuoteChar(Cur()));
        }
        Advance();
        if (lname == kMetricName) return Error("label name \"__name__\" is reserved");
        for (const Label& l : labels) {
          if (l.name == lname) {
            return Error("duplicate label names for metric " + Quote(family));
          }
        }
        if (labels.size() >= options_.max_labels_per_sample) {
          return absl::ResourceExhaustedError(
              Prefix() + "more than " + std::to_string(options_.max_labels_per_sample) +
              " labels for metric " + Quote(family));
        }
        SkipBlanks();
        if (Cur() != '"') {
          return Error("expected '\"' at start of label value, found " + QuoteChar(Cur()));
        }
        Advance();
        std::string value;
        if (absl::Status s = ReadLabelValue(value); !s.ok()) return s;
        if (!ValidUtf8(value)) return Error("invalid label value " + Quote(value));
        if (type == MetricType::kSummary && lname == "quantile" && !ParseFloat(value)) {
          return Error("expected float as value for 'quantile' label, got " + Quote(value));
        }
        if (type == MetricType::kHistogram && lname == "le" && !ParseFloat(value)) {
          return Error("expected float as value for 'le' label, got " + Quote(value));
        }
        labels.push_back(Label{std::string(lname), std::move(value)});
        SkipBlanks();
        if (Cur() == ',') {
          Advance();
          continue;
        }
        if (Cur() != '}') {
          return Error("unexpected end of label value " + Quote(labels.back().value));
        }
        break;
      }
      Advance();  // '}'
      SkipBlanks();
    }

    const std::string_view value_text = TokenUntilWhitespace();
    const std::optional<double> value = ParseFloat(value_text);
    if (!value) return Error("expected float as value, got " + Quote(value_text));
    ExpositionSample sample{std::string(name), Labels::FromUnsorted(std::move(labels)), *value,
                            std::nullopt};
    if (Cur() != '\n') {
      SkipBlanks();
      const std::string_view ts_text = TokenUntilWhitespace();
      sample.timestamp_ms = ParseInt64(ts_text);
      if (!sample.timestamp_ms) {
        return Error("expected integer as timestamp, got " + Quote(ts_text));
      }
      const std::string_view rest = line_.substr(pos_);
      pos_ = line_.size();
      Cur();
      if (!rest.empty()) return Error("spurious string after timestamp: " + Quote(rest));
    }
    if (++samples_ > options_.max_samples) {
      return absl::ResourceExhaustedError(Prefix() + "more than " +
                                          std::to_string(options_.max_samples) + " samples");
    }
    f.family.samples.push_back(std::move(sample));
    return absl::OkStatus();
  }

  // After the opening quote; consumes the closing one.
  absl::Status ReadLabelValue(std::string& value) {
    for (;;) {
      char c = Cur();
      if (c == '\n') {
        return Error("label value " + Quote(value) + " contains unescaped new-line");
      }
      Advance();
      if (c == '"') return absl::OkStatus();
      if (c != '\\') {
        value += c;
        continue;
      }
      c = Cur();
      if (c == '"' || c == '\\') {
        value += c;
      } else if (c == 'n' && pos_ < line_.size()) {
        value += '\n';
      } else {
        return Error(std::string("invalid escape sequence '\\") + c + "'");
      }
      Advance();
    }
  }

  const std::string_view text_;
  const ExpositionParseOptions options_;
  std::vector<State> families_;
  absl::flat_hash_map<std::string, size_t> by_name_;
  size_t samples_ = 0;

  // The line being parsed (without its '\n').
  std::string_view line_;
  size_t pos_ = 0;
  size_t line_no_ = 0;
  bool terminated_ = false;  // line ends in '\n'
  bool eof_ = false;         // the cursor ran past an unterminated line
};

}  // namespace

absl::StatusOr<std::vector<ExpositionFamily>> ParseExposition(
    std::string_view text, const ExpositionParseOptions& options) {
  return Parser(text, options).Run();
}

}  // namespace outpost
