#include "core/scrape/text_parser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"

namespace outpost::scrape {
namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsLabelStart(char c) { return IsNameStart(c) && c != ':'; }
bool IsLabelChar(char c) { return IsNameChar(c) && c != ':'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Quotes a piece of input for an error message, cut to a readable length.
std::string Quote(std::string_view s) {
  if (s.size() > 40) s = s.substr(0, 40);
  return absl::StrCat("\"", ToAbsl(s), "\"");
}

// Unescapes a label value (\\, \" and \n; other escapes stay as they are,
// as Prometheus' lvalReplacer does).
void UnescapeInto(std::string_view v, std::string* out) {
  out->clear();
  out->reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char n = v[i + 1];
      if (n == '\\' || n == '"') {
        out->push_back(n);
        ++i;
        continue;
      }
      if (n == 'n') {
        out->push_back('\n');
        ++i;
        continue;
      }
    }
    out->push_back(v[i]);
  }
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(n) >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Parses a label set text (between the braces) that ScanLabels validated
// into `out`; blanks and commas between pairs are skipped.
absl::Status LabelsFromText(std::string_view text, std::vector<Label>* out) {
  size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && (IsBlank(text[i]) || text[i] == ',')) ++i;
  };
  skip();
  while (i < text.size()) {
    const size_t name_start = i;
    while (i < text.size() && IsLabelChar(text[i])) ++i;
    std::string_view name = text.substr(name_start, i - name_start);
    while (i < text.size() && (IsBlank(text[i]) || text[i] == '=')) ++i;
    // At the opening quote (validated by the scanner).
    const size_t value_start = ++i;
    while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
    std::string_view raw = text.substr(value_start, i - value_start);
    ++i;
    Label l;
    l.name = std::string(name);
    UnescapeInto(raw, &l.value);
    if (!ValidUtf8(l.value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid UTF-8 label value for label ", ToAbsl(name)));
    }
    out->push_back(std::move(l));
    skip();
  }
  return absl::OkStatus();
}

}  // namespace

Format FormatFromContentType(std::string_view content_type) {
  std::string_view mt = content_type.substr(0, content_type.find(';'));
  while (!mt.empty() && IsBlank(mt.back())) mt.remove_suffix(1);
  while (!mt.empty() && IsBlank(mt.front())) mt.remove_prefix(1);
  return absl::EqualsIgnoreCase(ToAbsl(mt), "application/openmetrics-text") ? Format::kOpenMetrics
                                                                           : Format::kPrometheusText;
}

bool ParseGoFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return false;
  // Go accepts "inf", "infinity" and "nan" in any case (NaN without sign).
  if (!(body[0] >= '0' && body[0] <= '9') && body[0] != '.') {
    if (absl::EqualsIgnoreCase(ToAbsl(body), "inf") ||
        absl::EqualsIgnoreCase(ToAbsl(body), "infinity")) {
      *out = neg ? -HUGE_VAL : HUGE_VAL;
      return true;
    }
    if (s.size() == 3 && absl::EqualsIgnoreCase(ToAbsl(body), "nan")) {
      *out = std::nan("");
      return true;
    }
    return false;
  }
  std::chars_format fmt = std::chars_format::general;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    // Go requires a 'p' exponent in hex floats.
    if (body.find_first_of("pP") == std::string_view::npos) return false;
    body.remove_prefix(2);
    fmt = std::chars_format::hex;
  }
  double v = 0;
  const char* end = body.data() + body.size();
  std::from_chars_result r = std::from_chars(body.data(), end, v, fmt);
  if (r.ec != std::errc() || r.ptr != end) return false;
  *out = neg ? -v : v;
  return true;
}

TextParser::TextParser(std::string_view body, Format format) : body_(body), format_(format) {}

absl::Status TextParser::Error(std::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_, ": ", ToAbsl(what)));
}

absl::StatusOr<TextParser::Entry> TextParser::Next() {
  if (failed_) return error_;
  auto fail = [this](std::string_view what) -> absl::StatusOr<Entry> {
    failed_ = true;
    error_ = Error(what);
    return error_;
  };
  const bool om = format_ == Format::kOpenMetrics;
  for (;;) {
    if (pos_ >= body_.size()) {
      if (om && !saw_eof_ && last_) {
        ++line_;
        return fail("data does not end with # EOF");
      }
      return Entry::kEnd;
    }
    ++line_;
    if (om && saw_eof_) return fail("unexpected data after # EOF");
    help_.clear();
    has_timestamp_ = false;
    exemplar_text_ = {};
    if (!om) {
      while (pos_ < body_.size() && IsBlank(body_[pos_])) ++pos_;
      if (pos_ >= body_.size()) continue;
    }
    const char c = body_[pos_];
    if (c == '\n') {
      if (om) return fail("unexpected empty line");
      ++pos_;
      continue;
    }
    absl::StatusOr<Entry> e = c == '#' ? Comment() : Sample();
    if (!e.ok()) {
      failed_ = true;
      error_ = e.status();
      return error_;
    }
    // A plain comment of the text format reads as kEnd here: skip it.
    if (*e == Entry::kEnd) continue;
    return e;
  }
}

absl::StatusOr<TextParser::Entry> TextParser::Comment() {
  const bool om = format_ == Format::kOpenMetrics;
  const size_t eol = std::min(body_.find('\n', pos_), body_.size());
  std::string_view line = body_.substr(pos_, eol - pos_);
  pos_ = eol < body_.size() ? eol + 1 : eol;
  // line starts with '#'.
  size_t i = 1;
  if (om) {
    if (line == "# EOF") {
      saw_eof_ = true;
      return Entry::kEnd;
    }
    if (line.size() < 2 || line[1] != ' ') return Error("invalid comment: expected \"# \"");
    i = 2;
  } else {
    if (i >= line.size() || !IsBlank(line[i])) return Entry::kEnd;  // "#foo": a comment
    while (i < line.size() && IsBlank(line[i])) ++i;
  }
  Entry kind;
  std::string_view rest = line.substr(i);
  auto keyword = [&](std::string_view k) {
    return rest.size() > k.size() && rest.substr(0, k.size()) == k &&
           IsBlank(rest[k.size()]);
  };
  if (keyword("HELP")) {
    kind = Entry::kHelp;
  } else if (keyword("TYPE")) {
    kind = Entry::kType;
  } else if (om && keyword("UNIT")) {
    kind = Entry::kUnit;
  } else {
    if (om) return Error(absl::StrCat("invalid comment ", Quote(line)));
    return Entry::kEnd;  // any other comment
  }
  i += 5;
  if (!om) {
    while (i < line.size() && IsBlank(line[i])) ++i;
  }
  const size_t name_start = i;
  if (i >= line.size() || !IsNameStart(line[i])) {
    return Error(absl::StrCat("invalid metric name in comment ", Quote(line)));
  }
  while (i < line.size() && IsNameChar(line[i])) ++i;
  metric_ = line.substr(name_start, i - name_start);
  std::string_view text;
  if (i < line.size()) {
    if (!IsBlank(line[i])) return Error(absl::StrCat("invalid metric name in comment ", Quote(line)));
    ++i;
    if (!om) {
      while (i < line.size() && IsBlank(line[i])) ++i;
    }
    text = line.substr(i);
  }
  switch (kind) {
    case Entry::kHelp:
      raw_text_ = text;
      if (text.find('\\') != std::string_view::npos) {
        // Text format: \\ and \n; OpenMetrics also \".
        help_.reserve(text.size());
        for (size_t k = 0; k < text.size(); ++k) {
          if (text[k] == '\\' && k + 1 < text.size() &&
              (text[k + 1] == '\\' || text[k + 1] == 'n' || (om && text[k + 1] == '"'))) {
            help_.push_back(text[k + 1] == 'n' ? '\n' : text[k + 1]);
            ++k;
          } else {
            help_.push_back(text[k]);
          }
        }
      }
      return kind;
    case Entry::kUnit:
      raw_text_ = text;
      return kind;
    default:
      break;
  }
  if (!om) {
    while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  }
  static constexpr std::pair<std::string_view, MetricType> kTypes[] = {
      {"counter", MetricType::kCounter},     {"gauge", MetricType::kGauge},
      {"histogram", MetricType::kHistogram}, {"summary", MetricType::kSummary},
      {"untyped", MetricType::kUnknown},     {"gaugehistogram", MetricType::kGaugeHistogram},
      {"info", MetricType::kInfo},           {"stateset", MetricType::kStateset},
      {"unknown", MetricType::kUnknown},
  };
  // The text format knows the first five, OpenMetrics all but "untyped".
  for (size_t k = 0; k < std::size(kTypes); ++k) {
    const bool allowed = om ? k != 4 : k < 5;
    if (allowed && text == kTypes[k].first) {
      type_ = kTypes[k].second;
      return kind;
    }
  }
  return Error(absl::StrCat("invalid metric type ", Quote(text)));
}

bool TextParser::ScanLabels(std::string_view* err) {
  const bool om = format_ == Format::kOpenMetrics;
  // At '{'.
  size_t i = pos_ + 1;
  const size_t start = i;
  auto blanks = [&] {
    if (!om) {
      while (i < body_.size() && IsBlank(body_[i])) ++i;
    }
  };
  blanks();
  bool first = true;
  for (;;) {
    if (i >= body_.size() || body_[i] == '\n') {
      *err = "unexpected end of label set";
      return false;
    }
    if (body_[i] == '}') {
      if (om && !first && body_[i - 1] == ',') {
        *err = "unexpected \"}\" after \",\" in label set";
        return false;
      }
      labels_text_ = body_.substr(start, i - start);
      pos_ = i + 1;
      return true;
    }
    if (!IsLabelStart(body_[i])) {
      *err = "invalid label name";
      return false;
    }
    while (i < body_.size() && IsLabelChar(body_[i])) ++i;
    blanks();
    if (i >= body_.size() || body_[i] != '=') {
      *err = "expected \"=\" after label name";
      return false;
    }
    ++i;
    blanks();
    if (i >= body_.size() || body_[i] != '"') {
      *err = "expected quoted label value";
      return false;
    }
    ++i;
    while (i < body_.size() && body_[i] != '"' && body_[i] != '\n') {
      if (body_[i] == '\\') {
        ++i;
        if (i >= body_.size() || body_[i] == '\n') break;
      }
      ++i;
    }
    if (i >= body_.size() || body_[i] != '"') {
      *err = "unterminated label value";
      return false;
    }
    ++i;
    blanks();
    first = false;
    if (i < body_.size() && body_[i] == ',') {
      ++i;
      blanks();
    } else if (i < body_.size() && body_[i] != '}') {
      *err = "expected \",\" or \"}\" after label value";
      return false;
    }
  }
}

absl::StatusOr<TextParser::Entry> TextParser::Sample() {
  const bool om = format_ == Format::kOpenMetrics;
  const size_t start = pos_;
  if (!IsNameStart(body_[pos_])) {
    const size_t eol = std::min(body_.find('\n', pos_), body_.size());
    return Error(absl::StrCat("invalid metric name in ", Quote(body_.substr(pos_, eol - pos_))));
  }
  while (pos_ < body_.size() && IsNameChar(body_[pos_])) ++pos_;
  metric_ = body_.substr(start, pos_ - start);
  labels_text_ = {};
  if (!om) {
    // The text format allows blanks between the name and the label set.
    size_t b = pos_;
    while (b < body_.size() && IsBlank(body_[b])) ++b;
    if (b < body_.size() && body_[b] == '{') pos_ = b;
  }
  if (pos_ < body_.size() && body_[pos_] == '{') {
    std::string_view err;
    if (!ScanLabels(&err)) return Error(absl::StrCat(ToAbsl(err), " of metric ", ToAbsl(metric_)));
  }
  series_ = body_.substr(start, pos_ - start);
  // The rest of the line: value [timestamp] [# exemplar].
  const size_t eol = std::min(body_.find('\n', pos_), body_.size());
  std::string_view rest = body_.substr(pos_, eol - pos_);
  pos_ = eol < body_.size() ? eol + 1 : eol;
  if (rest.empty() || !IsBlank(rest[0]) || (om && rest[0] != ' ')) {
    return Error(absl::StrCat("expected a value after metric ", ToAbsl(metric_)));
  }
  size_t i = om ? 1 : rest.find_first_not_of(" \t");
  if (i == std::string_view::npos) {
    return Error(absl::StrCat("expected a value after metric ", ToAbsl(metric_)));
  }
  auto token = [&]() {
    const size_t b = i;
    while (i < rest.size() && !IsBlank(rest[i])) ++i;
    return rest.substr(b, i - b);
  };
  std::string_view v = token();
  if (!ParseGoFloat(v, &value_)) {
    return Error(absl::StrCat("invalid value ", Quote(v), " of metric ", ToAbsl(metric_)));
  }
  if (!om) {
    while (i < rest.size() && IsBlank(rest[i])) ++i;
    if (i < rest.size()) {
      std::string_view ts = token();
      const char* end = ts.data() + ts.size();
      auto r = std::from_chars(ts.data(), end, timestamp_ms_);
      if (r.ec != std::errc() || r.ptr != end) {
        return Error(absl::StrCat("invalid timestamp ", Quote(ts), " of metric ", ToAbsl(metric_)));
      }
      has_timestamp_ = true;
      while (i < rest.size() && IsBlank(rest[i])) ++i;
      if (i < rest.size()) {
        return Error(absl::StrCat("unexpected text after the timestamp of metric ",
                                  ToAbsl(metric_)));
      }
    }
    return Entry::kSeries;
  }
  // OpenMetrics: " timestamp" and/or " # {exemplar} value [ts]".
  if (i < rest.size()) {
    if (rest.substr(i, 3) != " # " && rest[i] == ' ') {
      ++i;
      std::string_view ts = token();
      double secs = 0;
      if (!ParseGoFloat(ts, &secs) || !std::isfinite(secs) || std::fabs(secs) > 9.2e15) {
        return Error(absl::StrCat("invalid timestamp ", Quote(ts), " of metric ", ToAbsl(metric_)));
      }
      timestamp_ms_ = static_cast<int64_t>(secs * 1000);
      has_timestamp_ = true;
    }
    if (i < rest.size()) {
      if (rest.substr(i, 4) != " # {") {
        return Error(absl::StrCat("unexpected text after the value of metric ", ToAbsl(metric_)));
      }
      exemplar_text_ = rest.substr(i + 3);
      Exemplar probe;
      if (absl::Status st = ParseExemplar(&probe); !st.ok()) return Error(ToStd(st.message()));
    }
  }
  return Entry::kSeries;
}

absl::Status TextParser::Labels(outpost::Labels* out) const {
  std::vector<Label> labels;
  labels.reserve(8);
  labels.push_back(Label{std::string(kMetricName), std::string(metric_)});
  if (absl::Status st = LabelsFromText(labels_text_, &labels); !st.ok()) return st;
  std::sort(labels.begin(), labels.end(),
            [](const Label& a, const Label& b) { return a.name < b.name; });
  for (size_t i = 1; i < labels.size(); ++i) {
    if (labels[i].name == labels[i - 1].name) {
      return absl::InvalidArgumentError(
          absl::StrCat("label name \"", ToAbsl(labels[i].name), "\" is not unique"));
    }
  }
  *out = outpost::Labels::FromUnsorted(std::move(labels));
  return absl::OkStatus();
}

absl::Status TextParser::ParseExemplar(Exemplar* out) const {
  // exemplar_text_: {labels} value [timestamp]
  std::string_view t = exemplar_text_;
  const size_t close = [&] {
    // The closing brace outside quotes.
    bool quoted = false;
    for (size_t i = 0; i < t.size(); ++i) {
      if (quoted && t[i] == '\\') {
        ++i;
      } else if (t[i] == '"') {
        quoted = !quoted;
      } else if (!quoted && t[i] == '}') {
        return i;
      }
    }
    return std::string_view::npos;
  }();
  if (t.empty() || t[0] != '{' || close == std::string_view::npos) {
    return absl::InvalidArgumentError("invalid exemplar label set");
  }
  // Re-validate the label set with the scanner's rules.
  TextParser sub(t.substr(0, close + 1), Format::kOpenMetrics);
  std::string_view err;
  if (!sub.ScanLabels(&err)) {
    return absl::InvalidArgumentError(absl::StrCat("exemplar: ", ToAbsl(err)));
  }
  std::vector<Label> labels;
  if (absl::Status st = LabelsFromText(sub.labels_text_, &labels); !st.ok()) return st;
  size_t runes = 0;
  for (const Label& l : labels) {
    for (char c : l.name + l.value) runes += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  // OpenMetrics: at most 128 UTF-8 characters of exemplar labels.
  if (runes > 128) {
    return absl::InvalidArgumentError("exemplar labels are longer than 128 characters");
  }
  out->labels = outpost::Labels::FromUnsorted(std::move(labels));
  std::string_view rest = t.substr(close + 1);
  if (rest.empty() || rest[0] != ' ') return absl::InvalidArgumentError("exemplar without a value");
  rest.remove_prefix(1);
  const size_t sp = rest.find(' ');
  if (!ParseGoFloat(rest.substr(0, sp), &out->value)) {
    return absl::InvalidArgumentError("invalid exemplar value");
  }
  out->timestamp_ms.reset();
  if (sp != std::string_view::npos) {
    double secs = 0;
    if (!ParseGoFloat(rest.substr(sp + 1), &secs) || !std::isfinite(secs) ||
        std::fabs(secs) > 9.2e15) {
      return absl::InvalidArgumentError("invalid exemplar timestamp");
    }
    out->timestamp_ms = static_cast<int64_t>(secs * 1000);
  }
  return absl::OkStatus();
}

}  // namespace outpost::scrape
