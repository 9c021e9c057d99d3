// process_names compiled: the first rule whose matchers all accept a process
// names its group (ncabatoff/process-exporter@v0.7.10 config/config.go
// FirstMatcher, matchNamer, templateParams).
//
// Thread-safety: none (the templates reuse buffers).
#ifndef OUTPOST_INTEGRATIONS_PROCESS_MATCHER_H_
#define OUTPOST_INTEGRATIONS_PROCESS_MATCHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "core/template/go_template.h"
#include "integrations/process/options.h"
#include "re2/re2.h"

namespace outpost::integrations::process {

// What a rule sees of a process (common.ProcAttributes).
struct ProcAttributes {
  std::string_view comm;
  const std::vector<std::string>* cmdline = nullptr;
  const std::vector<std::string>* cgroups = nullptr;
  std::string_view username;
  int64_t pid = 0;
  // Start time: Unix seconds and nanoseconds (UTC), for .StartTime.
  int64_t start_sec = 0;
  int64_t start_nsec = 0;
};

class Matcher {
 public:
  // InvalidArgument for a rule without matchers, a bad regex or template.
  static absl::StatusOr<std::unique_ptr<Matcher>> Compile(const std::vector<MatcherRule>& rules);
  ~Matcher();

  // True and the group name in *name when a rule matches.
  bool MatchAndName(const ProcAttributes& p, std::string* name);

  struct Rule;

 private:
  Matcher() = default;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::string joined_;
};

// Go's time.Time.String() of a UTC time: "2006-01-02 15:04:05.999999999
// +0000 UTC" (fraction without trailing zeros, absent when zero).
std::string FormatGoTimeUtc(int64_t sec, int64_t nsec);

// Go's fmt %v of a []string: "[a b]".
std::string FormatGoStrings(const std::vector<std::string>& v);

}  // namespace outpost::integrations::process

#endif  // OUTPOST_INTEGRATIONS_PROCESS_MATCHER_H_
