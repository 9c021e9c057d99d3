// The JMESPath subset the json stage supports (Promtail compiles its
// expressions with go-jmespath): identifiers `a`, quoted identifiers
// `"a-b"`, sub-expressions `a.b.c` and indexes `[n]` (negative counts from
// the end), combined as in `a[0].b` or `[1]`. The rest of JMESPath
// (wildcards, projections, flatten, slices, filters, functions, pipes,
// multiselects, literals, comparisons) is rejected when compiling.
#ifndef OUTPOST_LOGS_STAGES_JMESPATH_H_
#define OUTPOST_LOGS_STAGES_JMESPATH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace outpost::logs::stages::jmespath {

// One step of a path: a field of an object, or an element of an array.
struct Step {
  bool is_index = false;
  std::string field;
  int64_t index = 0;
};

enum class Status {
  kOk,
  kSyntax,       // not a JMESPath expression
  kUnsupported,  // JMESPath, but outside the subset
};

// Compiles `expr` into `steps`; otherwise sets *what to the reason
// ("unexpected character '-' at offset 4", "wildcard `*`").
Status Compile(std::string_view expr, std::vector<Step>* steps, std::string* what);

}  // namespace outpost::logs::stages::jmespath

#endif  // OUTPOST_LOGS_STAGES_JMESPATH_H_
