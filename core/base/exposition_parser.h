// Parser for the Prometheus text exposition format 0.0.4 (what
// node_exporter's textfile collector and a Prometheus scrape read), with
// the rules and error messages of prometheus/common expfmt/text_parse.go
// (TextParser), for classic (unquoted) metric and label names.
//
//   # HELP name docstring         (\\ and \n escapes; one HELP per family)
//   # TYPE name counter|gauge|histogram|summary|untyped  (before any sample)
//   # any other comment           (ignored), blank lines (ignored)
//   name{label="value",...} value [timestamp_ms]
//
// Values are Go ParseFloat syntax (1, -2.5e3, NaN, +Inf, -Inf, Infinity...);
// timestamps are int64 milliseconds. Every line, including the last, must
// end in "\n". A sample named foo_sum/foo_count (and foo_bucket) belongs
// to family foo when foo was declared a summary (histogram) before it;
// `quantile` (`le`) must then be a float. A label with an empty value is
// the same as an absent label (outpost::Labels drops it).
//
// Errors: InvalidArgument "text format parsing error in line N: <what>"
// for the first problem found, e.g. `second HELP line for metric name
// "foo"`, `second TYPE line for metric name "foo", or TYPE reported after
// samples`, `invalid metric name`, `duplicate label names for metric "foo"`,
// `expected float as value, got "x"`, `unexpected end of input stream`.
// Bounded: lines, labels per sample and samples are capped by
// ExpositionParseOptions (ResourceExhausted with the line number when
// exceeded). Input is untrusted; nothing in it can crash the parser.
//
// Thread-safety: a pure function.
#ifndef OUTPOST_CORE_BASE_EXPOSITION_PARSER_H_
#define OUTPOST_CORE_BASE_EXPOSITION_PARSER_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/exposition_writer.h"

namespace outpost {

struct ExpositionParseOptions {
  size_t max_line_bytes = 1 << 20;
  size_t max_labels_per_sample = 256;
  size_t max_samples = 1'000'000;
};

// Parses `text`. Families come in the order they first appear and only
// when they have at least one sample (as expfmt drops empty families);
// samples keep their input order. A family's type is kUnknown (untyped)
// unless a TYPE line set it.
absl::StatusOr<std::vector<ExpositionFamily>> ParseExposition(
    std::string_view text, const ExpositionParseOptions& options = {});

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_EXPOSITION_PARSER_H_
