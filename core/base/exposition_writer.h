// The Prometheus text exposition format 0.0.4: the in-memory snapshot that
// the parser produces and the writer renders (what /integrations/<name>/
// metrics serves from an integration's last collection).
//
// Output shape (deterministic, so it diffs well in golden tests):
//   # HELP <name> <help, with \\ and \n escaped>     (only when help is set)
//   # TYPE <name> <counter|gauge|histogram|summary|untyped>
//   <sample name>{<label>="<escaped value>",...} <value>[ <timestamp ms>]
// Families are sorted by name; within a family samples are sorted by their
// labels without `le`/`quantile`, then as a client library writes a
// histogram or summary (buckets by ascending `le`, or quantiles by
// ascending `quantile`, then _sum, then _count). Values use the shortest
// text that reads back to the same double (std::to_chars), and "NaN",
// "+Inf", "-Inf".
//
// Types the 0.0.4 format lacks are written as the nearest one it has:
// gaugehistogram as "histogram", info and stateset as "gauge".
//
// Thread-safety: pure functions over values the caller owns.
#ifndef OUTPOST_CORE_BASE_EXPOSITION_WRITER_H_
#define OUTPOST_CORE_BASE_EXPOSITION_WRITER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/base/labels.h"
#include "core/base/metric.h"

namespace outpost {

struct ExpositionSample {
  // Full sample name: the family name plus "_bucket", "_sum", "_count" for
  // histogram and summary parts. The writer uses the family name when empty.
  std::string name;
  // Without __name__; includes `le` and `quantile` for buckets/quantiles.
  Labels labels;
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

struct ExpositionFamily {
  MetricFamily meta;  // name, type, help (unit is not part of 0.0.4)
  std::vector<ExpositionSample> samples;
};

// Renders `families` (any order) as text format 0.0.4; see the file comment
// for the exact shape. Families without samples are still written (HELP
// and TYPE lines only).
std::string WriteExposition(std::span<const ExpositionFamily> families);

// Appends one value as the format writes it: shortest round-trip decimal,
// or NaN / +Inf / -Inf.
void AppendExpositionValue(double v, std::string& out);

// Escapes HELP text: backslash and line feed.
std::string EscapeHelp(std::string_view help);

// The TYPE word written for `t` (see the file comment).
std::string_view ExpositionTypeName(MetricType t);

}  // namespace outpost

#endif  // OUTPOST_CORE_BASE_EXPOSITION_WRITER_H_
