// File globs of Promtail's `__path__` / `__path_exclude__` labels, with the
// semantics of bmatcuk/doublestar v1.3.4 (the version Promtail pins; see
// ../shared/reference/logs.md §2). Our own code, read from its README:
//
//   *        any run of characters except '/'
//   ?        one character (UTF-8 code point) except '/'
//   [abc]    one of a, b, c; [a-z] a range; [!x] or [^x] anything but x
//   {a,b}    alternatives (nested allowed; an alternative may hold '/')
//   **       as a whole path component: zero or more directories
//            (`/var/log/**/*.log`); as the last component: every file
//            below; inside a component (`a**b`) it is a plain `*`
//   \c       the character c itself
//
// Matching is on path components, so nothing but a `**` component spans a
// '/'. Dot files are not special (`*` matches `.hidden`), as in doublestar.
//
// Thread-safe (no state). Work is bounded: a pattern expands to at most
// kMaxGlobAlternatives brace alternatives (more is a ValidateGlob error),
// matching is polynomial in the lengths (no exponential backtracking), and
// GlobFiles visits at most kMaxGlobDirs directories, kMaxGlobEntries
// directory entries and returns at most kMaxGlobFiles files.
#ifndef OUTPOST_LOGS_GLOB_H_
#define OUTPOST_LOGS_GLOB_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace outpost::logs {

inline constexpr size_t kMaxGlobAlternatives = 1024;
inline constexpr size_t kMaxGlobDirs = size_t{1} << 16;
inline constexpr size_t kMaxGlobEntries = size_t{1} << 20;
inline constexpr size_t kMaxGlobFiles = size_t{1} << 16;

// OK, or InvalidArgument naming the fault and its byte offset: an unclosed
// '[' or '{', an empty character class, a trailing '\', a range without its
// end, too many alternatives.
absl::Status ValidateGlob(std::string_view pattern);

// True when `path` matches all of `pattern` (false for an invalid pattern).
bool GlobMatch(std::string_view pattern, std::string_view path);

// The regular files (symlinks to regular files included; directories never)
// matching `pattern`, as absolute paths, sorted and deduplicated. A relative
// pattern is resolved against `cwd` and cleaned ("." and ".." removed), as
// Promtail's filepath.Abs. A pattern without meta characters is one stat();
// otherwise only the directories the pattern can reach are read. A
// directory is walked once per pattern position however many paths
// (symlinks) lead to it, so a symlink loop ends. Unreadable directories
// are skipped silently; an invalid pattern gives nothing. `truncated`
// (optional) is set when a kMaxGlob* bound cut the walk short.
std::vector<std::string> GlobFiles(std::string_view pattern, std::string_view cwd,
                                   bool* truncated = nullptr);

}  // namespace outpost::logs

#endif  // OUTPOST_LOGS_GLOB_H_
