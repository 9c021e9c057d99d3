// libFuzzer target: the scrape parser (core/scrape/text_parser.h) on
// arbitrary bodies. The first byte picks the format (even: text, odd:
// OpenMetrics); every entry is visited and its labels and exemplar parsed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/scrape/text_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using outpost::scrape::Format;
  using outpost::scrape::TextParser;
  const Format f = (data[0] & 1) ? Format::kOpenMetrics : Format::kPrometheusText;
  TextParser p(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), f);
  for (int i = 0; i < 100000; ++i) {
    absl::StatusOr<TextParser::Entry> e = p.Next();
    if (!e.ok() || *e == TextParser::Entry::kEnd) break;
    if (*e != TextParser::Entry::kSeries) {
      (void)p.help();
      continue;
    }
    outpost::Labels l;
    (void)p.Labels(&l);
    if (p.has_exemplar()) {
      outpost::scrape::Exemplar ex;
      (void)p.ParseExemplar(&ex);
    }
  }
  return 0;
}
