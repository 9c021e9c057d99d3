// Go's regexp.Regexp.Expand over RE2: the tcp prober's query_response
// `send` may use the groups its `expect` matched ($1, ${1}, $name,
// ${name}, $$ for a literal $).
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_EXPAND_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_EXPAND_H_

#include <string>
#include <string_view>
#include <vector>

#include "re2/re2.h"

namespace outpost::integrations::blackbox {

// Searches `text` for `re` (unanchored, leftmost first as Go's
// FindSubmatchIndex); on a match fills `groups` (group 0 the whole match,
// a group that did not take part is null) and returns true.
bool FindSubmatch(const RE2& re, std::string_view text, std::vector<re2::StringPiece>* groups);

// `tmpl` with $-references replaced by the matched groups, as Go's
// Expand: a name is the longest run of letters, digits and '_' (so "$1x"
// names group "1x"); an unknown or unmatched group is empty; a malformed
// reference keeps its '$'.
std::string ExpandTemplate(const RE2& re, std::string_view tmpl,
                           const std::vector<re2::StringPiece>& groups);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_EXPAND_H_
