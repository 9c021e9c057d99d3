// libFuzzer target: the scrape parser (core/scrape/text_parser.h) on
// arbitrary bodies. The first byte picks the format (even: text, odd:
// OpenMetrics) and how many lines make one piece (its upper bits); every
// entry is visited and its labels and exemplar parsed. The body is parsed
// whole and again in pieces of whole lines (as a scrape parses it while it
// arrives): both must see the same entries and the same error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/scrape/text_parser.h"

namespace {

using outpost::scrape::Format;
using outpost::scrape::TextParser;

// What the parser saw, one entry a line.
std::string Trace(const std::vector<std::string_view>& pieces, Format f) {
  TextParser p(f);
  size_t next = 0;
  std::string out;
  p.SetInput(pieces.empty() ? "" : pieces[0], pieces.size() <= 1);
  next = 1;
  for (int i = 0; i < 100000; ++i) {
    absl::StatusOr<TextParser::Entry> e = p.Next();
    if (!e.ok()) return absl::StrCat(out, "error ", e.status().message());
    if (*e == TextParser::Entry::kEnd) {
      if (next >= pieces.size()) return out;
      p.SetInput(pieces[next], next + 1 == pieces.size());
      ++next;
      continue;
    }
    if (*e != TextParser::Entry::kSeries) {
      out += std::to_string(static_cast<int>(*e)) + " " + std::string(p.metric()) + " " +
             std::string(p.help()) + "\n";
      continue;
    }
    outpost::Labels l;
    const absl::Status st = p.Labels(&l);
    out += std::string(p.series()) + " ";
    absl::StrAppend(&out, p.line(), " ", st.message(), " ", l.ToString(), " ", p.value(), " ",
                    p.timestamp_ms().value_or(-1));
    if (p.has_exemplar()) {
      outpost::scrape::Exemplar ex;
      absl::StrAppend(&out, " ", p.ParseExemplar(&ex).message(), ex.labels.ToString());
    }
    out += "\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Format f = (data[0] & 1) ? Format::kOpenMetrics : Format::kPrometheusText;
  const size_t lines_per_piece = 1 + (data[0] >> 1) % 4;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string_view> pieces;
  size_t start = 0, lines = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' && ++lines % lines_per_piece == 0) {
      pieces.push_back(body.substr(start, i + 1 - start));
      start = i + 1;
    }
  }
  if (start < body.size()) pieces.push_back(body.substr(start));
  if (Trace({body}, f) != Trace(pieces, f)) std::abort();
  return 0;
}
