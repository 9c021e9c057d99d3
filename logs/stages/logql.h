// The LogQL subset of Promtail's `match` stage selector (loki clients/pkg/
// logentry/logql: a yacc grammar over Go's text/scanner): a stream selector
// `{name="v", n2!="v", n3=~"re", n4!~"re"}` (at least one matcher) followed by
// any number of line filters `|= "s"`, `!= "s"`, `|~ "re"`, `!~ "re"`, all of
// which must hold. Strings are Go double-quoted literals (strconv.Unquote:
// \n, \t, \\, \", \xHH, \ooo, \uHHHH, ...); that parser gives raw `...`
// strings no meaning, so they are an error here too. Go comments (// and
// /* */) are skipped as text/scanner does. Everything else of LogQL (parser
// and label-filter stages `| json`, `| level="x"`, pattern filters `|>`,
// metric queries `rate(...)`) is rejected with an error naming it.
//
// No C++ LogQL library exists (Debian has none; upstream's is Go), so this
// is hand-written. Label regexes are fully anchored as Prometheus'
// labels.Matcher (v0.47: "^(?:re)$", `.` does not match a newline); line
// regexes match anywhere in the line (Go regexp.Match). Both are RE2, which
// is Go's regexp syntax.
//
// Thread-compatible; Matches is const and allocation-free.
#ifndef OUTPOST_LOGS_STAGES_LOGQL_H_
#define OUTPOST_LOGS_STAGES_LOGQL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/labels.h"
#include "re2/re2.h"

namespace outpost::logs::stages {

class LogSelector {
 public:
  enum class Op { kEq, kNeq, kRe, kNre };

  // Parses `text`. Errors: "parse error at line L, col C: <what>" for the
  // syntax (col counts characters from 1, as text/scanner), and "error
  // parsing regexp: <why>: `<re>`" for a regex RE2 does not accept.
  static absl::StatusOr<LogSelector> Parse(std::string_view text);

  // True when every label matcher holds for `labels` (an absent label is
  // "") and every line filter holds for `line`.
  bool Matches(const Labels& labels, std::string_view line) const;

  struct Matcher {
    Op op;
    std::string name;   // label name (matchers) or unused (filters)
    std::string value;  // the unquoted string
    std::unique_ptr<RE2> re;  // kRe/kNre
  };
  const std::vector<Matcher>& matchers() const { return matchers_; }
  const std::vector<Matcher>& filters() const { return filters_; }

 private:
  std::vector<Matcher> matchers_;
  std::vector<Matcher> filters_;
};

}  // namespace outpost::logs::stages

#endif  // OUTPOST_LOGS_STAGES_LOGQL_H_
