#include "core/config/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/config/digest.h"
#include "core/config/loader_internal.h"
#include "core/config/str_util.h"

namespace outpost::config {

using internal::Cat;
using internal::Sv;
namespace {

// Server keys removed from the file in Grafana Agent v0.24 in favour of
// flags (static/release-notes.md, static/server/flags.go). The listen
// address and port are still honoured, the gRPC ones ignored (outpost has
// no gRPC server), each with a warning; the others stay errors.
struct MovedKey {
  std::string_view key;
  std::string_view flag;
};
constexpr MovedKey kMovedServerKeys[] = {
    {"http_listen_network", "-server.http.address"},
    {"grpc_listen_network", "-server.grpc.address"},
    {"register_instrumentation", "-server.register-instrumentation"},
};
constexpr std::string_view kRemovedIn = "Grafana Agent v0.24";

// Before v0.24 the weaveworks/common server listened on
// http_listen_address (default "", all interfaces) : http_listen_port
// (default 80) (grafana/agent#852 made 127.0.0.1:12345 the default).
void ReadLegacyListen(MapReader& m, ServerConfig* out) {
  std::string host;
  int port = 80;
  const bool has_host = m.Has("http_listen_address");
  const bool has_port = m.Has("http_listen_port");
  m.String("http_listen_address", &host);
  m.Int("http_listen_port", &port);
  if (port < 0 || port > 65535) {
    m.ValueError("http_listen_port", Cat("invalid port ", port, " (expected 0 to 65535)"));
    return;
  }
  if (has_host || has_port) {
    out->legacy_http_address =
        host.find(':') != std::string::npos ? Cat("[", host, "]:", port) : Cat(host, ":", port);
  }
  const std::string shown = Cat(host.empty() ? "0.0.0.0" : host, ":", port);
  for (std::string_view key : {"http_listen_address", "http_listen_port"}) {
    if (!m.Has(key)) continue;
    m.Warn(key, Cat("deprecated: moved to the -server.http.address flag in ", kRemovedIn,
                    "; outpost listens on ", shown, " unless -server.http.address is given"));
  }
  for (std::string_view key : {"grpc_listen_address", "grpc_listen_port"}) {
    if (!m.Has(key)) continue;
    std::string ignored;
    m.String(key, &ignored);
    m.Warn(key, Cat("deprecated: moved to the -server.grpc.address flag in ", kRemovedIn,
                    "; ignored: outpost has no gRPC server"));
  }
}

void ReadServer(MapReader& m, ServerConfig* out) {
  m.String("log_level", &out->log_level);
  if (out->log_level != "debug" && out->log_level != "info" && out->log_level != "warn" &&
      out->log_level != "error") {
    m.ValueError("log_level", Cat("invalid log level \"", out->log_level,
                                           "\" (expected debug, info, warn or error)"));
  }
  m.String("log_format", &out->log_format);
  if (out->log_format != "logfmt" && out->log_format != "json") {
    m.ValueError("log_format", Cat("invalid log format \"", out->log_format,
                                            "\" (expected logfmt or json)"));
  }
  ReadLegacyListen(m, out);
  for (const MovedKey& k : kMovedServerKeys) {
    m.Unsupported(k.key, Cat("moved to the ", k.flag, " flag in ", kRemovedIn));
  }
  m.Unsupported("http_tls_config");
  m.Unsupported("grpc_tls_config");
  m.Finish();
}

// "no wal_directory configured" (static/metrics/agent.go ApplyDefaults and
// static/integrations/manager.go): only when something would write a WAL.
void CheckWalDirectory(MapReader& metrics, const Config& cfg) {
  if (!cfg.metrics.wal_directory.empty()) return;
  bool needs_wal = !cfg.metrics.configs.empty();
  for (const IntegrationConfig& ic : cfg.integrations.integrations) {
    needs_wal = needs_wal || (ic.common.enabled && ic.common.scrape_integration);
  }
  if (!needs_wal) return;
  metrics.Error("wal_directory", "no wal_directory configured");
}

// The key to read of a top-level block Grafana Agent renamed
// (static/config/config.go: prometheus -> metrics, loki -> logs): the old
// one, with a deprecation warning, when only it is given; both given is an
// error.
std::string RenamedKey(MapReader& top, std::string_view old_key, std::string_view new_key) {
  if (!top.Has(old_key)) return std::string(new_key);
  if (top.Has(new_key)) {
    top.Error(old_key, Cat("at most one of ", old_key, " and ", new_key, " should be specified"));
    top.Consume(old_key);
    return std::string(new_key);
  }
  top.Warn(old_key, Cat("`", old_key, "` has been deprecated in favor of `", new_key, "`"));
  return std::string(old_key);
}

void ReadTop(const YAML::Node& root, const IntegrationRegistry& registry,
             const PipelineChecker& check_pipeline, Errors* errors,
             Config* cfg) {
  MapReader top(root, "", errors);
  if (top.Has("server")) {
    MapReader server = top.Map("server");
    ReadServer(server, &cfg->server);
  }
  MapReader metrics = top.Map(RenamedKey(top, "prometheus", "metrics"));
  internal::ReadMetrics(metrics, &cfg->metrics);
  metrics.Finish();
  if (top.Has("integrations")) {
    MapReader integrations = top.Map("integrations");
    internal::ReadIntegrations(integrations, cfg->metrics, registry, &cfg->integrations);
    integrations.Finish();
  }
  const std::string logs_key = RenamedKey(top, "loki", "logs");
  if (top.Has(logs_key) && !top.node()[logs_key].IsNull()) {
    MapReader logs = top.Map(logs_key);
    internal::ReadLogs(logs, check_pipeline, &cfg->logs);
    logs.Finish();
  } else {
    top.Consume(logs_key);
  }
  for (std::string_view key : {"traces", "tempo", "agent_management"}) {
    top.Unsupported(key);
  }
  top.Finish();
  CheckWalDirectory(metrics, *cfg);
}

// Position of an error line for sorting: "FILE:LINE:COL: ..." after the
// known file prefix. Lines without a position sort first.
std::pair<int, int> LineCol(std::string_view file, std::string_view line) {
  if (!file.empty()) {
    if (line.substr(0, file.size()) != file) return {0, 0};
    line.remove_prefix(file.size() + 1);
  }
  std::vector<std::string> parts = absl::StrSplit(Sv(line), absl::MaxSplits(':', 2));
  int l = 0, c = 0;
  if (parts.size() < 3 || !absl::SimpleAtoi(parts[0], &l) || !absl::SimpleAtoi(parts[1], &c)) {
    return {0, 0};
  }
  return {l, c};
}

// The first character of `text` that YAML does not allow in a stream
// (Go's yaml.v2 reader: invalid UTF-8, or not YAML 1.1 c-printable: only
// tab, LF, CR, 0x20-0x7E, U+0085, U+00A0-U+D7FF, U+E000-U+FFFD and
// U+10000-U+10FFFF), as its 0-based line and column (in bytes) and what is
// wrong with it; nullopt when there is none.
struct BadChar {
  int line = 0;
  int column = 0;
  std::string what;
};
std::optional<BadChar> FindBadChar(std::string_view text) {
  BadChar b;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\n') {
        ++b.line;
        b.column = 0;
        ++i;
        continue;
      }
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
        b.what = absl::StrFormat("control character 0x%02x is not allowed", c);
        return b;
      }
      ++i;
      ++b.column;
      continue;
    }
    // UTF-8: the length from the lead byte, then continuation bytes, then
    // no overlong forms or surrogates (RFC 3629).
    const size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    uint32_t cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0f : c & 0x1f;
    bool ok = len != 0 && i + len <= text.size() && !(len == 3 && c > 0xef);
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      ok = (cc & 0xc0) == 0x80;
      cp = (cp << 6) | (cc & 0x3f);
    }
    ok = ok && !(len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) &&
         !(len == 4 && (cp < 0x10000 || cp > 0x10ffff));
    if (!ok) {
      b.what = absl::StrFormat("invalid UTF-8 (byte 0x%02x)", c);
      return b;
    }
    if ((cp >= 0x80 && cp <= 0x9f && cp != 0x85) || cp == 0xfffe || cp == 0xffff) {
      b.what = absl::StrFormat("character U+%04X is not allowed", cp);
      return b;
    }
    i += len;
    b.column += static_cast<int>(len);
  }
  return std::nullopt;
}

bool Before(const YAML::Mark& a, const BadChar& b) {
  return a.line < b.line || (a.line == b.line && a.column <= b.column);
}

// The key path of the map entry or list item of `node` (recursively) in
// which `at` lies: the last one starting before it (up to a key that is
// not text).
std::string PathAt(const YAML::Node& node, const BadChar& at, const std::string& path) {
  if (node.IsMap()) {
    std::optional<std::pair<std::string, YAML::Node>> last;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!Before(it->first.Mark(), at)) break;
      last.emplace(it->first.IsScalar() ? it->first.Scalar() : "?", it->second);
    }
    // A key that is itself the garbage is not echoed.
    if (!last || FindBadChar(last->first)) return path;
    return PathAt(last->second, at, path.empty() ? last->first : Cat(path, ".", last->first));
  }
  if (node.IsSequence()) {
    for (size_t i = node.size(); i-- > 0;) {
      if (Before(node[i].Mark(), at)) return PathAt(node[i], at, Cat(path, "[", i, "]"));
    }
  }
  return path;
}

void SortByPosition(const std::string& file, std::vector<std::string>* lines) {
  std::stable_sort(lines->begin(), lines->end(), [&](const std::string& a, const std::string& b) {
    return LineCol(file, a) < LineCol(file, b);
  });
}

}  // namespace

std::string ConfigHash(std::string_view raw) { return Sha256Hex(raw); }

LoadResult LoadFull(const LoadOptions& opts) {
  LoadResult result;
  Errors& errors = result.errors;
  errors.file = opts.path;
  std::string raw;
  std::error_code ec;
  if (opts.text.has_value()) {
    raw = *opts.text;
  } else if (std::filesystem::is_directory(opts.path, ec)) {
    errors.errors.push_back(Cat(opts.path, ": cannot read config file: ", std::strerror(EISDIR)));
    return result;
  } else {
    std::ifstream in(opts.path, std::ios::binary);
    if (!in) {
      errors.errors.push_back(
          Cat(opts.path, ": cannot read config file: ", std::strerror(errno)));
      return result;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) {
      errors.errors.push_back(Cat(opts.path, ": cannot read config file"));
      return result;
    }
    raw = ss.str();
  }
  result.hash = ConfigHash(raw);
  if (opts.registry == nullptr) {
    errors.errors.push_back("config: no integration registry given");
    return result;
  }
  std::string text = raw;
  if (opts.expand_env) {
    absl::StatusOr<std::string> expanded =
        Envsubst(raw, opts.getenv ? opts.getenv : ProcessEnv());
    if (!expanded.ok()) {
      // The message starts with "LINE:COL: ".
      errors.errors.push_back(
          Cat(opts.path.empty() ? "" : Cat(opts.path, ":"),
                       expanded.status().message(),
                       " (unable to substitute config with environment variables)"));
      return result;
    }
    text = *std::move(expanded);
  }
  YAML::Node root;
  const std::optional<BadChar> bad = FindBadChar(text);
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // Do not echo the source text: it may hold secrets.
    if (!bad) AddError(&errors, e.mark, "", Cat("yaml: ", e.msg));
  }
  if (bad) {
    // The key it is under when the parser got that far.
    YAML::Mark mark = YAML::Mark::null_mark();
    mark.line = bad->line;
    mark.column = bad->column;
    AddError(&errors, mark, PathAt(root, *bad, ""), bad->what);
  }
  if (!errors.ok()) return result;
  Config cfg;
  cfg.source_file = opts.path;
  try {
    ReadTop(root, *opts.registry, opts.check_pipeline, &errors, &cfg);
  } catch (const YAML::Exception& e) {
    AddError(&errors, e.mark, "", Cat("yaml: ", e.msg));
  }
  SortByPosition(errors.file, &errors.errors);
  SortByPosition(errors.file, &errors.warnings);
  if (errors.ok()) result.config = std::move(cfg);
  return result;
}

absl::StatusOr<Config> Load(const LoadOptions& opts) {
  LoadResult r = LoadFull(opts);
  if (r.config.has_value()) return *std::move(r.config);
  std::string first = r.errors.errors.empty() ? "invalid config" : r.errors.errors.front();
  if (first.find(": cannot read config file") != std::string::npos && !opts.text.has_value()) {
    return absl::NotFoundError(first);
  }
  return absl::InvalidArgumentError(first);
}

}  // namespace outpost::config
