// The label string of a Loki stream, `{a="x", b="y"}`, as Promtail writes it
// (model.LabelSet.String(): sorted names, ", " separators, values quoted with
// Go's strconv.Quote) and as Loki's validation accepts it (pkg/validation/
// validate.go: at least one pair, at most 15 names, name <= 1024 and value
// <= 2048 bytes). Written for the test receiver, independently of outpost's
// encoder: it is the check of that encoder. Test-only code.
#ifndef OUTPOST_TESTS_LOGS_SUPPORT_LOKI_LABELS_H_
#define OUTPOST_TESTS_LOGS_SUPPORT_LOKI_LABELS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outpost::testing {

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// [a-zA-Z_][a-zA-Z0-9_]*
bool IsLokiLabelName(std::string_view name);

// Reads the Go double-quoted string starting at s[*pos] (the opening quote)
// into *out and moves *pos past the closing quote. Accepts what
// strconv.Quote writes: \a \b \f \n \r \t \v \\ \" \xNN \NNN \uNNNN
// \UNNNNNNNN escapes and raw printable UTF-8; refuses raw control bytes and
// invalid UTF-8 (Quote escapes both). Returns "" or what is wrong.
std::string UnquoteGo(std::string_view s, size_t* pos, std::string* out);

// Go's strconv.Quote(s). Printability is approximated: every valid code
// point >= U+00A0 but U+00AD, U+2028 and U+2029 is written raw.
std::string QuoteGo(std::string_view s);

// Parses `{a="x", b="y"}` strictly in Promtail's form and Loki's limits.
// Returns "" and fills *out, or a one-line error naming the byte offset.
std::string ParseLokiLabels(std::string_view s, LabelPairs* out);

// The canonical string of sorted pairs: {a="x", b="y"}.
std::string FormatLokiLabels(const LabelPairs& pairs);

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_LOGS_SUPPORT_LOKI_LABELS_H_
