#include "core/scrape/target.h"

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/config/duration.h"
#include "core/config/url.h"
#include "core/relabel/relabel.h"
#include "yaml-cpp/yaml.h"

namespace outpost::scrape {
namespace {

// Query escaping as Go's url.Values.Encode (QueryEscape: space as '+').
std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool HasPort(std::string_view addr) {
  // Not in a user info ("user:pw@host"): curl sends it as basic auth.
  // (Prometheus' net.SplitHostPort sees too many colons and appends a port.)
  if (const size_t at = addr.rfind('@'); at != std::string_view::npos) addr.remove_prefix(at + 1);
  if (!addr.empty() && addr.front() == '[') {  // [v6]:port
    const size_t close = addr.find(']');
    return close != std::string_view::npos && close + 1 < addr.size() && addr[close + 1] == ':';
  }
  const size_t colon = addr.rfind(':');
  // More than one colon without brackets: a bare IPv6 address.
  return colon != std::string_view::npos && addr.find(':') == colon;
}

}  // namespace

uint64_t Target::Hash() const { return absl::HashOf(labels.Hash(), url); }

Labels MaskDiscovered(Labels discovered) {
  if (discovered.Has("__address__")) {
    discovered.Set("__address__", config::MaskUrlPassword(discovered.Get("__address__")));
  }
  return discovered;
}

std::vector<Labels> GroupTargets(const config::TargetGroup& group) {
  std::vector<Labels> out;
  for (const std::string& t : group.targets) {
    Labels l;
    for (const auto& [k, v] : group.labels) l.Set(k, v);
    l.Set("__address__", t);
    out.push_back(std::move(l));
  }
  return out;
}

absl::StatusOr<std::optional<Target>> PopulateTarget(const Labels& discovered,
                                                     const config::ScrapeConfig& cfg) {
  Labels l = discovered;
  auto set_default = [&l](std::string_view k, std::string_view v) {
    if (!l.Has(k)) l.Set(k, v);
  };
  set_default("job", cfg.job_name);
  set_default("__scrape_interval__", config::FormatPromDuration(cfg.scrape_interval));
  set_default("__scrape_timeout__", config::FormatPromDuration(cfg.scrape_timeout));
  set_default("__metrics_path__", cfg.metrics_path);
  set_default("__scheme__", cfg.scheme);
  for (const auto& [k, v] : cfg.params) {
    if (!v.empty()) set_default(absl::StrCat("__param_", k), v.front());
  }
  Target t;
  t.discovered = MaskDiscovered(l);
  if (!relabel::Process(cfg.relabel_configs, l)) return std::nullopt;
  std::string addr(l.Get("__address__"));
  if (addr.empty()) return absl::InvalidArgumentError("no address");
  const std::string scheme(l.Get("__scheme__"));
  if (!HasPort(addr)) {
    if (scheme == "http") {
      addr += ":80";
    } else if (scheme == "https") {
      addr += ":443";
    } else {
      return absl::InvalidArgumentError(absl::StrCat("invalid scheme: \"", scheme, "\""));
    }
    l.Set("__address__", addr);
  }
  if (addr.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid label value for \"__address__\": \"",
                     config::MaskUrlPassword(addr), "\""));
  }
  absl::StatusOr<absl::Duration> interval =
      config::ParseDuration(l.Get("__scrape_interval__"));
  if (!interval.ok() || *interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("error parsing interval: \"",
                                                   ToAbsl(l.Get("__scrape_interval__")), "\""));
  }
  absl::StatusOr<absl::Duration> timeout =
      config::ParseDuration(l.Get("__scrape_timeout__"));
  if (!timeout.ok() || *timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("error parsing timeout: \"",
                                                   ToAbsl(l.Get("__scrape_timeout__")), "\""));
  }
  if (*timeout > *interval) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scrape timeout cannot be greater than scrape interval (\"",
        ToAbsl(l.Get("__scrape_timeout__")), "\" > \"", ToAbsl(l.Get("__scrape_interval__")),
        "\")"));
  }
  t.interval = *interval;
  t.timeout = *timeout;
  // The URL: params from the config, overridden by __param_ labels.
  std::map<std::string, std::vector<std::string>> params = cfg.params;
  for (const Label& x : l) {
    if (!absl::StartsWith(x.name, "__param_")) continue;
    // Replaces the first value only, as Prometheus' scrape/target.go URL.
    std::vector<std::string>& v = params[x.name.substr(8)];
    if (v.empty()) {
      v.push_back(x.value);
    } else {
      v[0] = x.value;
    }
  }
  std::string path(l.Get("__metrics_path__"));
  t.url = absl::StrCat(scheme, "://", addr, path);
  std::string query;
  for (const auto& [k, vs] : params) {
    for (const std::string& v : vs) {
      absl::StrAppend(&query, query.empty() ? "" : "&", QueryEscape(k), "=", QueryEscape(v));
    }
  }
  if (!query.empty()) absl::StrAppend(&t.url, path.find('?') == std::string::npos ? "?" : "&", query);
  for (const Label& x : l) {
    if (!absl::StartsWith(x.name, "__")) t.labels.Set(x.name, x.value);
  }
  // The URL keeps the password (curl sends it as basic auth); the
  // instance label, written to the WAL and shipped, does not.
  if (!t.labels.Has("instance")) t.labels.Set("instance", config::MaskUrlPassword(addr));
  return std::optional<Target>(std::move(t));
}

absl::StatusOr<std::vector<config::TargetGroup>> ParseTargetGroups(const std::string& path,
                                                                   std::string_view content) {
  // yaml-cpp reads both YAML and JSON (JSON is YAML's flow style).
  std::vector<config::TargetGroup> out;
  try {
    YAML::Node root = YAML::Load(std::string(content));
    if (root.IsNull()) return out;
    if (!root.IsSequence()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": expected a list of target groups"));
    }
    for (size_t i = 0; i < root.size(); ++i) {
      const YAML::Node& g = root[i];
      if (!g.IsMap()) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": group ", i, " is not a map"));
      }
      config::TargetGroup tg;
      tg.source = absl::StrCat(path, ":", i);
      for (const auto& kv : g) {
        const std::string key = kv.first.as<std::string>();
        if (key == "targets") {
          if (!kv.second.IsSequence()) {
            return absl::InvalidArgumentError(
                absl::StrCat(path, ": group ", i, ": targets must be a list"));
          }
          for (const YAML::Node& t : kv.second) {
            if (!t.IsScalar()) {
              return absl::InvalidArgumentError(
                  absl::StrCat(path, ": group ", i, ": a target must be a string"));
            }
            tg.targets.push_back(t.Scalar());
          }
        } else if (key == "labels") {
          if (kv.second.IsNull()) continue;
          if (!kv.second.IsMap()) {
            return absl::InvalidArgumentError(
                absl::StrCat(path, ": group ", i, ": labels must be a map"));
          }
          for (const auto& l : kv.second) {
            tg.labels[l.first.as<std::string>()] = l.second.IsScalar() ? l.second.Scalar() : "";
          }
        } else {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": group ", i, ": unknown key \"", key, "\""));
        }
      }
      for (const std::string& t : tg.targets) {
        if (t.find('/') != std::string::npos) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": \"", t, "\" is not a valid hostname"));
        }
      }
      out.push_back(std::move(tg));
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", e.what()));
  }
  return out;
}

}  // namespace outpost::scrape
