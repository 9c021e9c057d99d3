// Unicode-aware case mapping for the lowercase/uppercase relabel actions
// (Go's strings.ToLower / strings.ToUpper, one code point at a time).
// Invalid UTF-8 bytes are copied unchanged. Thread-safe.
#ifndef OUTPOST_CORE_RELABEL_TEXT_CASE_H_
#define OUTPOST_CORE_RELABEL_TEXT_CASE_H_

#include <string>
#include <string_view>

namespace outpost::relabel {

std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
// The same, appended to *out (no allocation once *out has the capacity).
void AppendLower(std::string_view s, std::string* out);
void AppendUpper(std::string_view s, std::string* out);

}  // namespace outpost::relabel

#endif  // OUTPOST_CORE_RELABEL_TEXT_CASE_H_
