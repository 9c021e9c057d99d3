// A streaming parser of scraped exposition text: the Prometheus text format
// 0.0.4 and OpenMetrics 1.0.0, shaped like Prometheus' own
// (model/textparse: promparse.go, openmetricsparse.go) so the scrape loop
// can work as Prometheus' does.
//
// It walks the body in place and never copies it: Next() moves to the next
// entry (HELP, TYPE, UNIT or a sample line; comments and blank lines are
// skipped) and the accessors return views into the body, valid while the
// body lives. A sample's raw series text (`name{a="b"}`, exactly as in the
// body) is the scrape cache's key: in steady state the loop looks it up
// and never builds Labels. Labels() unescapes and sorts the labels of the
// current sample only when the cache misses.
//
// Differences between the formats, as Prometheus treats them:
//   - text: `# ` comments other than HELP/TYPE are ignored, blank lines and
//     leading blanks are allowed, a trailing comma in a label set is
//     allowed, timestamps are integer milliseconds, the body may end
//     without a newline.
//   - OpenMetrics: only HELP, TYPE, UNIT and the final `# EOF` comments,
//     which must end the body; single spaces; timestamps are float seconds;
//     a sample may carry an exemplar ` # {labels} value [timestamp]`.
// Values are Go ParseFloat syntax (NaN, +Inf, -Inf, Inf, exponents, hex).
//
// Errors: Next() returns InvalidArgument "line N: <what>" for the first
// malformed line and the parser stays at that error. Input is untrusted:
// nothing in it can crash the parser or make it allocate more than a few
// labels' worth of memory per call.
//
// A body may also be parsed as it arrives: TextParser(format), then
// SetInput() with each piece of whole lines; Next() returns kEnd at the
// end of each piece, and the format's end-of-body checks (OpenMetrics'
// `# EOF`) run only on the piece marked last. Line numbers count on across
// pieces.
//
// Example:
//   TextParser p(body, Format::kPrometheusText);
//   for (;;) {
//     absl::StatusOr<TextParser::Entry> e = p.Next();
//     if (!e.ok()) return e.status();
//     if (*e == TextParser::Entry::kEnd) break;
//     if (*e == TextParser::Entry::kSeries) Use(p.series(), p.value());
//   }
//
// Thread-safety: one parser per thread; it holds no shared state.
#ifndef OUTPOST_CORE_SCRAPE_TEXT_PARSER_H_
#define OUTPOST_CORE_SCRAPE_TEXT_PARSER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/labels.h"
#include "core/base/metric.h"

namespace outpost::scrape {

enum class Format { kPrometheusText, kOpenMetrics };

// The format of a scrape response from its Content-Type header, as
// Prometheus' textparse.New: "application/openmetrics-text" is
// OpenMetrics, anything else (including none) the text format.
Format FormatFromContentType(std::string_view content_type);

struct Exemplar {
  Labels labels;
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

class TextParser {
 public:
  enum class Entry { kEnd, kHelp, kType, kUnit, kSeries };

  TextParser(std::string_view body, Format format);
  // A parser with no input yet (SetInput).
  explicit TextParser(Format format) : format_(format) {}

  // The next piece of the body: whole lines (ending with '\n') unless
  // `last`. Views returned for the previous piece become invalid.
  void SetInput(std::string_view piece, bool last) {
    body_ = piece;
    pos_ = 0;
    last_ = last;
  }

  absl::StatusOr<Entry> Next();

  // kHelp, kType, kUnit: the family's name; kSeries: the sample's metric
  // name (with its suffix, e.g. "foo_bucket").
  std::string_view metric() const { return metric_; }
  // kHelp: the unescaped text (text format: \\ and \n; OpenMetrics also \").
  std::string_view help() const { return help_.empty() ? raw_text_ : help_; }
  // kUnit: the unit.
  std::string_view unit() const { return raw_text_; }
  // kType: the type; kUnknown for "untyped"/"unknown".
  MetricType type() const { return type_; }

  // kSeries: the raw `name{labels}` text, the value and the timestamp.
  std::string_view series() const { return series_; }
  double value() const { return value_; }
  std::optional<int64_t> timestamp_ms() const {
    return has_timestamp_ ? std::optional<int64_t>(timestamp_ms_) : std::nullopt;
  }
  // kSeries: the sample's labels with __name__, sorted and unescaped. An
  // error for a repeated label name or a value that is not UTF-8.
  absl::Status Labels(outpost::Labels* out) const;
  // kSeries (OpenMetrics): the exemplar, if the line has one.
  bool has_exemplar() const { return !exemplar_text_.empty(); }
  absl::Status ParseExemplar(Exemplar* out) const;

  // 1-based line of the current entry.
  int line() const { return line_; }

 private:
  absl::Status Error(std::string_view what) const;
  absl::StatusOr<Entry> Comment();
  absl::StatusOr<Entry> Sample();
  // Scans a label set starting at '{'; on success pos_ is past '}'.
  bool ScanLabels(std::string_view* err);

  std::string_view body_;
  Format format_;
  size_t pos_ = 0;
  int line_ = 0;
  bool failed_ = false;
  absl::Status error_;
  bool saw_eof_ = false;
  bool last_ = true;  // body_ ends the body

  std::string_view metric_;
  std::string_view raw_text_;
  std::string help_;  // only when HELP text had escapes
  MetricType type_ = MetricType::kUnknown;
  std::string_view series_;
  std::string_view labels_text_;  // between the braces, may be empty
  std::string_view exemplar_text_;
  double value_ = 0;
  int64_t timestamp_ms_ = 0;
  bool has_timestamp_ = false;
};

// Go's strconv.ParseFloat(s, 64) for exposition values: true on success.
bool ParseGoFloat(std::string_view s, double* out);

}  // namespace outpost::scrape

#endif  // OUTPOST_CORE_SCRAPE_TEXT_PARSER_H_
