// Relabeling with Prometheus' semantics; see model/relabel/relabel.go
// (Config.Validate and relabel()) in prometheus/prometheus.
#include "core/relabel/relabel.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/relabel/expand.h"
#include "core/relabel/text_case.h"
#include "re2/re2.h"

namespace outpost::relabel {
namespace {

constexpr std::string_view kDefaultRegex = "(.*)";
constexpr std::string_view kDefaultSeparator = ";";
constexpr std::string_view kDefaultReplacement = "$1";

constexpr std::array<std::pair<Action, std::string_view>, 11> kActions = {{
    {Action::kReplace, "replace"},
    {Action::kKeep, "keep"},
    {Action::kDrop, "drop"},
    {Action::kKeepEqual, "keepequal"},
    {Action::kDropEqual, "dropequal"},
    {Action::kHashMod, "hashmod"},
    {Action::kLabelMap, "labelmap"},
    {Action::kLabelDrop, "labeldrop"},
    {Action::kLabelKeep, "labelkeep"},
    {Action::kLowercase, "lowercase"},
    {Action::kUppercase, "uppercase"},
}};

re2::RE2::Options RegexOptions() {
  re2::RE2::Options o;
  o.set_log_errors(false);
  return o;
}

// What a replace target_label with `$` references must look like
// (relabelTarget in relabel.go).
const re2::RE2& RelabelTargetRegex() {
  static const re2::RE2* const re = new re2::RE2(
      R"(^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$)", RegexOptions());
  return *re;
}

// Go's %q for the ASCII range: quotes, escapes '"' and '\\', hex for
// control bytes, so error messages read like Prometheus'.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += absl::StrFormat("\\x%02x", c);
    } else {
      out += ch;
    }
  }
  out += '"';
  return out;
}

bool HasVar(std::string_view s) { return s.find('$') != std::string_view::npos; }

absl::Status Invalid(std::string msg) { return absl::InvalidArgumentError(std::move(msg)); }

std::string_view View(const re2::StringPiece& p) {
  return p.data() == nullptr ? std::string_view() : std::string_view(p.data(), p.size());
}

// Full match of the (already anchored) regex, capturing every group.
// Returns false on no match; `groups` then is unspecified.
bool MatchGroups(const re2::RE2& re, std::string_view text,
                 std::vector<std::string_view>& groups) {
  const int n = re.NumberOfCapturingGroups() + 1;
  std::array<re2::StringPiece, 16> small;
  std::vector<re2::StringPiece> big;
  re2::StringPiece* pieces = small.data();
  if (n > static_cast<int>(small.size())) {
    big.resize(n);
    pieces = big.data();
  }
  const re2::StringPiece in(text.data(), text.size());
  if (!re.Match(in, 0, in.size(), re2::RE2::ANCHOR_BOTH, pieces, n)) return false;
  groups.resize(n);
  for (int i = 0; i < n; ++i) groups[i] = View(pieces[i]);
  return true;
}

bool FullMatch(const re2::RE2& re, std::string_view text) {
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), re);
}

// md5 of `val`, last 8 bytes read big-endian, modulo `modulus`, as
// relabel.go's HashMod ("the same result as earlier versions").
uint64_t HashMod(std::string_view val, uint64_t modulus) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> sum{};
  unsigned int len = 0;
  if (EVP_Digest(val.data(), val.size(), sum.data(), &len, EVP_md5(), nullptr) != 1 ||
      len != 16) {
    // Only fails when libcrypto cannot allocate; nothing sensible to hash.
    return 0;
  }
  uint64_t h = 0;
  for (unsigned int i = 8; i < 16; ++i) h = (h << 8) | sum[i];
  return h % modulus;
}

// relabel() of relabel.go for one rule. Returns false to drop the series.
bool Apply(const Config& c, Labels& labels) {
  if (c.compiled == nullptr) {
    // A caller bug (see relabel.h), not a runtime condition.
    std::fprintf(stderr, "relabel: Process() on a Config that was not Compile()d\n");
    std::abort();
  }
  const re2::RE2& re = *c.compiled;
  std::string val;
  for (size_t i = 0; i < c.source_labels.size(); ++i) {
    if (i) val += c.separator;
    val += labels.Get(c.source_labels[i]);
  }

  switch (c.action) {
    case Action::kDrop:
      return !FullMatch(re, val);
    case Action::kKeep:
      return FullMatch(re, val);
    case Action::kDropEqual:
      return labels.Get(c.target_label) != val;
    case Action::kKeepEqual:
      return labels.Get(c.target_label) == val;
    case Action::kReplace: {
      // Fast path of upstream: add or delete a fixed label pair.
      if (val.empty() && c.regex == kDefaultRegex && !HasVar(c.target_label) &&
          !HasVar(c.replacement)) {
        labels.Set(c.target_label, c.replacement);
        return true;
      }
      std::vector<std::string_view> groups;
      if (!MatchGroups(re, val, groups)) return true;  // no match, no change
      std::string target;
      ExpandTemplate(re, c.target_label, groups, target);
      if (!IsValidLabelName(target)) return true;
      std::string res;
      ExpandTemplate(re, c.replacement, groups, res);
      labels.Set(target, res);  // empty deletes
      return true;
    }
    case Action::kLowercase:
      labels.Set(c.target_label, ToLower(val));
      return true;
    case Action::kUppercase:
      labels.Set(c.target_label, ToUpper(val));
      return true;
    case Action::kHashMod:
      labels.Set(c.target_label, absl::StrCat(HashMod(val, c.modulus)));
      return true;
    case Action::kLabelMap: {
      // Iterates a snapshot: labels added here are not mapped again.
      const std::vector<Label> snapshot = labels.items();
      std::vector<std::string_view> groups;
      for (const Label& l : snapshot) {
        if (!MatchGroups(re, l.name, groups)) continue;
        // The regex is anchored, so ReplaceAllString is one expansion.
        std::string name;
        ExpandTemplate(re, c.replacement, groups, name);
        labels.Set(name, l.value);
      }
      return true;
    }
    case Action::kLabelDrop:
    case Action::kLabelKeep: {
      const bool keep_matching = c.action == Action::kLabelKeep;
      const std::vector<Label> snapshot = labels.items();
      for (const Label& l : snapshot) {
        if (FullMatch(re, l.name) != keep_matching) labels.Del(l.name);
      }
      return true;
    }
  }
  return true;
}

}  // namespace

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string_view ActionName(Action a) {
  for (const auto& [action, name] : kActions) {
    if (action == a) return name;
  }
  return "unknown";
}

std::optional<Action> ParseAction(std::string_view s) {
  // Prometheus lower-cases the YAML word (strings.ToLower); ASCII suffices
  // for the names it can match.
  std::string lower(s);
  for (char& ch : lower) ch = absl::ascii_tolower(static_cast<unsigned char>(ch));
  for (const auto& [action, name] : kActions) {
    if (name == lower) return action;
  }
  return std::nullopt;
}

absl::Status Compile(Config& c) {
  for (const std::string& name : c.source_labels) {
    if (!IsValidLabelName(name)) {
      return Invalid(absl::StrFormat("%s is not a valid label name in 'source_labels'",
                                     Quote(name)));
    }
  }
  auto re = std::make_shared<re2::RE2>(absl::StrCat("^(?:", c.regex, ")$"), RegexOptions());
  if (!re->ok()) {
    return Invalid(absl::StrFormat("invalid regex %s: %s", Quote(c.regex), re->error()));
  }

  // The checks of relabel.Config.Validate, in its order and wording.
  const Action a = c.action;
  const std::string_view an = ActionName(a);
  const bool is_case = a == Action::kLowercase || a == Action::kUppercase;
  const bool is_equal = a == Action::kKeepEqual || a == Action::kDropEqual;
  const auto bad_target = [&] {
    return Invalid(absl::StrFormat("%s is invalid 'target_label' for %s action",
                                   Quote(c.target_label), an));
  };
  if (a == Action::kHashMod && c.modulus == 0) {
    return Invalid("relabel configuration for hashmod requires non-zero modulus");
  }
  if ((a == Action::kReplace || a == Action::kHashMod || is_case || is_equal) &&
      c.target_label.empty()) {
    return Invalid(absl::StrFormat(
        "relabel configuration for %s action requires 'target_label' value", an));
  }
  if (a == Action::kReplace) {
    const bool ok = HasVar(c.target_label)
                        ? re2::RE2::FullMatch(c.target_label, RelabelTargetRegex())
                        : IsValidLabelName(c.target_label);
    if (!ok) return bad_target();
  }
  if ((is_case || is_equal) && !IsValidLabelName(c.target_label)) return bad_target();
  if ((is_case || is_equal) && c.replacement != kDefaultReplacement) {
    return Invalid(absl::StrFormat("'replacement' can not be set for %s action", an));
  }
  if (a == Action::kLabelMap && !re2::RE2::FullMatch(c.replacement, RelabelTargetRegex())) {
    return Invalid(absl::StrFormat("%s is invalid 'replacement' for %s action",
                                   Quote(c.replacement), an));
  }
  if (a == Action::kHashMod && !IsValidLabelName(c.target_label)) return bad_target();
  if (is_equal && (c.regex != kDefaultRegex || c.modulus != 0 ||
                   c.separator != kDefaultSeparator || c.replacement != kDefaultReplacement)) {
    return Invalid(absl::StrFormat(
        "%s action requires only 'source_labels' and `target_label`, and no other fields", an));
  }
  if ((a == Action::kLabelDrop || a == Action::kLabelKeep) &&
      (!c.source_labels.empty() || !c.target_label.empty() || c.modulus != 0 ||
       c.separator != kDefaultSeparator || c.replacement != kDefaultReplacement)) {
    return Invalid(
        absl::StrFormat("%s action requires only 'regex', and no other fields", an));
  }
  c.compiled = std::move(re);
  return absl::OkStatus();
}

bool Process(std::span<const Config> cfgs, Labels& labels) {
  for (const Config& c : cfgs) {
    if (!Apply(c, labels)) return false;
  }
  return true;
}

}  // namespace outpost::relabel
