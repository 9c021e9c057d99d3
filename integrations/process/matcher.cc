#include "integrations/process/matcher.h"

#include <time.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"

namespace outpost::integrations::process {

struct Matcher::Rule {
  std::unique_ptr<tmpl::GoTemplate> name;
  bool has_comm = false, has_exe = false, has_cmdline = false;
  absl::flat_hash_set<std::string> comms;
  // exe: basename -> full path ("" when the rule is a bare name).
  absl::flat_hash_map<std::string, std::string> exes;
  struct Regex {
    std::unique_ptr<RE2> re;
    std::vector<std::string> names;  // per group (0 = the whole match): "" when unnamed
    std::vector<re2::StringPiece> groups;
  };
  std::vector<Regex> cmdlines;
  // The captures of the last match (config.go cmdlineMatcher.captures).
  std::vector<std::pair<std::string, std::string>> matches;
};

namespace {

std::string_view Base(std::string_view path) {
  // Go's filepath.Base.
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  if (slash != std::string_view::npos && path.size() > 1) path.remove_prefix(slash + 1);
  return path;
}

void SetMatch(std::vector<std::pair<std::string, std::string>>* m, std::string_view k,
              std::string_view v) {
  for (auto& kv : *m) {
    if (kv.first == k) {
      kv.second.assign(v);
      return;
    }
  }
  m->emplace_back(std::string(k), std::string(v));
}

// templateParams for one process.
class Params final : public tmpl::GoTemplate::Fields {
 public:
  Params(const ProcAttributes& p, const Matcher::Rule& r) : p_(p), r_(r) {}

  bool Get(std::string_view name, std::string_view* value) const override {
    const std::vector<std::string>& argv = *p_.cmdline;
    if (name == "Comm") {
      *value = p_.comm;
    } else if (name == "ExeBase") {
      *value = argv.empty() ? p_.comm : Base(argv[0]);
    } else if (name == "ExeFull") {
      *value = argv.empty() ? p_.comm : std::string_view(argv[0]);
    } else if (name == "Username") {
      *value = p_.username;
    } else if (name == "PID") {
      buf_ = std::to_string(p_.pid);
      *value = buf_;
    } else if (name == "StartTime") {
      buf_ = FormatGoTimeUtc(p_.start_sec, p_.start_nsec);
      *value = buf_;
    } else if (name == "Cgroups") {
      buf_ = FormatGoStrings(*p_.cgroups);
      *value = buf_;
    } else if (name == "Matches") {
      // fmt's %v of a map: sorted keys.
      std::vector<std::pair<std::string, std::string>> sorted = r_.matches;
      std::sort(sorted.begin(), sorted.end());
      buf_ = "map[";
      for (size_t i = 0; i < sorted.size(); ++i) {
        absl::StrAppend(&buf_, i ? " " : "", sorted[i].first, ":", sorted[i].second);
      }
      buf_ += "]";
      *value = buf_;
    } else {
      return false;
    }
    return true;
  }

  Lookup GetKey(std::string_view name, std::string_view key,
                std::string_view* value) const override {
    if (name != "Matches") return Lookup::kNotMap;
    for (const auto& kv : r_.matches) {
      if (kv.first == key) {
        *value = kv.second;
        return Lookup::kFound;
      }
    }
    return Lookup::kMissing;
  }

 private:
  const ProcAttributes& p_;
  const Matcher::Rule& r_;
  mutable std::string buf_;  // one formatted field at a time: Execute copies it out
};

}  // namespace

Matcher::~Matcher() = default;

absl::StatusOr<std::unique_ptr<Matcher>> Matcher::Compile(const std::vector<MatcherRule>& rules) {
  std::unique_ptr<Matcher> m(new Matcher());
  for (const MatcherRule& src : rules) {
    auto r = std::make_unique<Rule>();
    r->has_comm = src.has_comm;
    r->has_exe = src.has_exe;
    r->has_cmdline = src.has_cmdline;
    if (!r->has_comm && !r->has_exe && !r->has_cmdline)
      return absl::InvalidArgumentError("no matchers provided");
    for (const std::string& c : src.comm) r->comms.insert(c);
    for (const std::string& e : src.exe) {
      if (e.find('/') != std::string::npos) r->exes[std::string(Base(e))] = e;
      else r->exes[e] = "";
    }
    for (const std::string& c : src.cmdline) {
      Rule::Regex rx;
      rx.re = std::make_unique<RE2>(c, RE2::Quiet);
      if (!rx.re->ok())
        return absl::InvalidArgumentError(absl::StrCat("bad cmdline regex \"", c, "\": ", rx.re->error()));
      const int n = rx.re->NumberOfCapturingGroups() + 1;
      rx.names.assign(static_cast<size_t>(n), "");
      for (const auto& [gname, idx] : rx.re->NamedCapturingGroups()) rx.names[static_cast<size_t>(idx)] = gname;
      rx.groups.resize(static_cast<size_t>(n));
      r->cmdlines.push_back(std::move(rx));
    }
    const std::string text = src.name.empty() ? "{{.ExeBase}}" : src.name;
    std::string error;
    r->name = tmpl::GoTemplate::Parse(text, &error);
    if (r->name == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("bad name template \"", text, "\": ", error));
    m->rules_.push_back(std::move(r));
  }
  return m;
}

bool Matcher::MatchAndName(const ProcAttributes& p, std::string* name) {
  const std::vector<std::string>& argv = *p.cmdline;
  for (const std::unique_ptr<Rule>& rp : rules_) {
    Rule& r = *rp;
    // andMatcher: comm, exe, cmdline in this order, all must accept.
    if (r.has_comm && !r.comms.contains(ToAbsl(p.comm))) continue;
    if (r.has_exe) {
      if (argv.empty()) continue;
      auto it = r.exes.find(ToAbsl(Base(argv[0])));
      if (it == r.exes.end() || (!it->second.empty() && it->second != argv[0])) continue;
    }
    bool ok = true;
    if (r.has_cmdline) {
      joined_.clear();
      for (size_t i = 0; i < argv.size(); ++i) absl::StrAppend(&joined_, i ? " " : "", argv[i]);
      for (Rule::Regex& rx : r.cmdlines) {
        if (!rx.re->Match(joined_, 0, joined_.size(), RE2::UNANCHORED, rx.groups.data(),
                          static_cast<int>(rx.groups.size()))) {
          ok = false;
          break;
        }
        // Every group, named or not ("" keeps the last unnamed one), as
        // upstream's loop over SubexpNames.
        for (size_t i = 0; i < rx.groups.size(); ++i) {
          const re2::StringPiece& g = rx.groups[i];
          SetMatch(&r.matches, rx.names[i], std::string_view(g.data() == nullptr ? "" : g.data(), g.size()));
        }
      }
    }
    if (!ok) continue;
    // Matches holds the cmdline captures only (a rule without cmdline: empty).
    if (!r.has_cmdline) r.matches.clear();
    Params params(p, r);
    // Upstream ignores Execute's error and keeps what was written; here a
    // failed execution leaves whatever the engine wrote.
    (void)r.name->Execute(params, name);
    return true;
  }
  return false;
}

std::string FormatGoTimeUtc(int64_t sec, int64_t nsec) {
  struct tm tm;
  const time_t t = static_cast<time_t>(sec);
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (nsec != 0) {
    std::snprintf(buf, sizeof(buf), ".%09lld", static_cast<long long>(nsec));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  out += " +0000 UTC";
  return out;
}

std::string FormatGoStrings(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) absl::StrAppend(&out, i ? " " : "", v[i]);
  out += "]";
  return out;
}

}  // namespace outpost::integrations::process
