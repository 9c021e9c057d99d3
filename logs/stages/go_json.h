// JSON text as Promtail's Go code writes it (json-iterator's default config,
// which follows encoding/json): strings with HTML escaping and invalid UTF-8
// replaced, float64 numbers in Go's shortest forms. Used by the json stage
// (re-marshalled objects, number values) and the pack stage.
#ifndef OUTPOST_LOGS_STAGES_GO_JSON_H_
#define OUTPOST_LOGS_STAGES_GO_JSON_H_

#include <string>
#include <string_view>

namespace outpost::logs::stages {

// Appends strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that
// read back to v, never in exponent form ("1e+21" is written out in full).
// NaN and infinities as Go spells them.
void AppendGoFloatF(std::string& out, double v);

// Appends v as encoding/json writes a float64: 'f' form, but exponent form
// ("1e+21", "1e-7") below 1e-6 and from 1e21 on. v must be finite.
void AppendGoJsonFloat(std::string& out, double v);

// Appends s as a quoted JSON string as encoding/json writes it: \" \\ \n \r
// \t, other control bytes as \u00XX, <, >, & as \u003c \u003e \u0026,
// U+2028/U+2029 escaped, each invalid UTF-8 byte as \ufffd (and U+FFFD
// itself with escape_replacement: text whose invalid bytes were replaced
// by U+FFFD before).
void AppendGoJsonString(std::string& out, std::string_view s, bool escape_replacement = false);

// Decodes the escape sequence at s[*i] (a backslash) as Go's JSON decoders
// do: \" \\ \/ \b \f \n \r \t, \uXXXX (a surrogate pair joined, a lone
// surrogate as U+FFFD), and \' with `single_quote` (go-logfmt). Appends
// the decoded text, moves *i past the sequence; false when invalid.
bool AppendJsonEscape(std::string_view s, size_t* i, std::string& out, bool single_quote);

}  // namespace outpost::logs::stages

#endif  // OUTPOST_LOGS_STAGES_GO_JSON_H_
