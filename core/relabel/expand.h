// Go-style regex template expansion, as Prometheus' relabeling uses it
// (regexp.Regexp.ExpandString in Go's regexp/regexp.go).
//
// RE2::Rewrite only knows `\1`; relabel configs are written for Go, so this
// re-implements Go's rules in a small function of our own:
//   $1, ${1}     the text of capture group 1 (group 0 is the whole match)
//   $name, ${name}  the text of the group named `name` ((?P<name>...))
//   $$           a literal '$'
// A name is the longest run of letters, digits and '_' ($1x means ${1x}, a
// name, not ${1}x). A purely numeric name without leading zeros is a group
// index. A reference to a missing or unmatched group expands to "". A '$'
// that does not start a valid reference ("$-", "${", "${1") is kept as is.
//
// Stateless and thread-safe.
#ifndef OUTPOST_CORE_RELABEL_EXPAND_H_
#define OUTPOST_CORE_RELABEL_EXPAND_H_

#include <span>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace outpost::relabel {

// Appends the expansion of `tmpl` to `out`. `groups[i]` is the text of
// capture group i of the match (an empty view when the group did not take
// part); `re` resolves group names. Never fails.
void ExpandTemplate(const re2::RE2& re, std::string_view tmpl,
                    std::span<const std::string_view> groups, std::string& out);

}  // namespace outpost::relabel

#endif  // OUTPOST_CORE_RELABEL_EXPAND_H_
