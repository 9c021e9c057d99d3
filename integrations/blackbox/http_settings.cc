#include "integrations/blackbox/http_settings.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/match.h"
#include "core/config/loader_internal.h"
#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {
namespace {

void ReadRegexps(config::MapReader& m, std::string_view key, std::vector<Regexp>* out) {
  if (!m.Has(key)) return;
  std::vector<std::string> texts;
  m.StringList(key, &texts);
  for (std::string& t : texts) {
    auto re = std::make_shared<RE2>(t, RE2::Quiet);
    if (!re->ok()) {
      m.ValueError(key, Cat("\"Could not compile regular expression\" regexp=\"", t, "\""));
      continue;
    }
    out->push_back(Regexp{std::move(t), std::move(re)});
  }
}

void ReadHeaderMatches(config::MapReader& m, std::string_view key, std::vector<HeaderMatch>* out) {
  for (config::MapReader& h : m.MapList(key)) {
    HeaderMatch hm;
    h.String("header", &hm.header);
    h.Regex("regexp", &hm.regexp.text);
    h.Bool("allow_missing", &hm.allow_missing);
    h.Finish();
    if (hm.header.empty()) {
      h.Error("header", "header name must be set for HTTP header matchers");
      continue;
    }
    if (hm.regexp.text.empty()) {
      h.Error("regexp", "regexp must be set for HTTP header matchers");
      continue;
    }
    hm.regexp.re = std::make_shared<RE2>(hm.regexp.text, RE2::Quiet);
    if (hm.regexp.re->ok()) out->push_back(std::move(hm));
  }
}

void DumpRegexps(YAML::Emitter& out, std::string_view key, const std::vector<Regexp>& v) {
  if (v.empty()) return;
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const Regexp& r : v) out << r.text;
  out << YAML::EndSeq;
}

void DumpHeaderMatches(YAML::Emitter& out, std::string_view key,
                       const std::vector<HeaderMatch>& v) {
  if (v.empty()) return;
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const HeaderMatch& h : v) {
    out << YAML::BeginMap << YAML::Key << "header" << YAML::Value << h.header << YAML::Key
        << "regexp" << YAML::Value << h.regexp.text << YAML::Key << "allow_missing" << YAML::Value
        << h.allow_missing << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

}  // namespace

bool SameHeaderName(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(ToAbsl(a), ToAbsl(b));
}

bool CompressionAccepted(std::string_view compression, std::string_view accept_encoding) {
  if (compression.empty() || accept_encoding.empty()) return true;
  struct Quality {
    std::string_view encoding;
    float q;
  };
  std::vector<Quality> encodings;
  std::string_view rest = accept_encoding;
  for (;;) {
    const size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    Quality e{Trim(part), 1.0f};
    if (const size_t semi = part.rfind(';'); semi != std::string_view::npos) {
      e.encoding = Trim(part.substr(0, semi));
      std::string_view q = Trim(part.substr(semi + 1));
      if (q.substr(0, 2) == "q=") q.remove_prefix(2);
      double v = 0;
      e.q = ParseDouble(q, &v) ? static_cast<float>(std::round(v * 1000) / 1000) : 0.0f;
    }
    encodings.push_back(e);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  std::stable_sort(encodings.begin(), encodings.end(),
                   [](const Quality& a, const Quality& b) { return a.q > b.q; });
  for (const Quality& e : encodings) {
    if (e.encoding == compression || e.encoding == "*") return e.q > 0;
  }
  return false;
}

std::unique_ptr<ProberSettings> ParseHttp(config::MapReader& m) {
  auto s = std::make_unique<HttpSettings>();
  std::vector<std::string> codes;
  m.StringList("valid_status_codes", &codes);
  for (const std::string& c : codes) {
    int64_t v = 0;
    if (!ParseInt(c, &v) || v < 0 || v > 999) {
      m.ValueError("valid_status_codes", Cat("not a status code: ", c));
      continue;
    }
    s->valid_status_codes.push_back(static_cast<int>(v));
  }
  m.StringList("valid_http_versions", &s->valid_http_versions);
  m.String("preferred_ip_protocol", &s->ip_protocol);
  m.Bool("ip_protocol_fallback", &s->ip_protocol_fallback);
  m.Bool("skip_resolve_phase_with_proxy", &s->skip_resolve_phase_with_proxy);
  m.Bool("fail_if_ssl", &s->fail_if_ssl);
  m.Bool("fail_if_not_ssl", &s->fail_if_not_ssl);
  m.String("method", &s->method);
  m.StringMap("headers", &s->headers);
  ReadRegexps(m, "fail_if_body_matches_regexp", &s->fail_if_body_matches_regexp);
  ReadRegexps(m, "fail_if_body_not_matches_regexp", &s->fail_if_body_not_matches_regexp);
  ReadHeaderMatches(m, "fail_if_header_matches", &s->fail_if_header_matches);
  ReadHeaderMatches(m, "fail_if_header_not_matches", &s->fail_if_header_not_matches);
  m.String("body", &s->body);
  m.String("compression", &s->compression);
  m.Bytes("body_size_limit", &s->body_size_limit);
  config::internal::ReadHttpClient(m, &s->client);
  if (m.Has("no_follow_redirects")) {
    // Deprecated upstream in favour of follow_redirects, which it overrides.
    bool no_follow = false;
    m.Bool("no_follow_redirects", &no_follow);
    m.Warn("no_follow_redirects", "deprecated, use follow_redirects instead");
    s->client.follow_redirects = !no_follow;
  }
  for (const auto& [k, v] : s->headers) {
    if (SameHeaderName(k, "Accept-Encoding") && !CompressionAccepted(s->compression, v)) {
      m.Error("headers", Cat("invalid configuration \"", k, ": ", v, "\", \"compression: ",
                             s->compression, "\""));
    }
  }
  static constexpr std::string_view kCompressions[] = {"", "br", "deflate", "gzip", "identity"};
  std::string lower(s->compression);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (std::find(std::begin(kCompressions), std::end(kCompressions), lower) ==
      std::end(kCompressions)) {
    m.ValueError("compression", Cat("unsupported compression algorithm \"", s->compression, "\""));
  }
  return s;
}

void HttpSettings::Dump(YAML::Emitter& out) const {
  if (!valid_status_codes.empty()) {
    out << YAML::Key << "valid_status_codes" << YAML::Value << YAML::Flow << valid_status_codes;
  }
  if (!valid_http_versions.empty())
    out << YAML::Key << "valid_http_versions" << YAML::Value << valid_http_versions;
  if (!ip_protocol.empty()) out << YAML::Key << "preferred_ip_protocol" << YAML::Value << ip_protocol;
  out << YAML::Key << "ip_protocol_fallback" << YAML::Value << ip_protocol_fallback;
  if (skip_resolve_phase_with_proxy)
    out << YAML::Key << "skip_resolve_phase_with_proxy" << YAML::Value << true;
  if (fail_if_ssl) out << YAML::Key << "fail_if_ssl" << YAML::Value << true;
  if (fail_if_not_ssl) out << YAML::Key << "fail_if_not_ssl" << YAML::Value << true;
  if (!method.empty()) out << YAML::Key << "method" << YAML::Value << method;
  if (!headers.empty()) {
    out << YAML::Key << "headers" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : headers) {
      // Credentials in a header are masked as the auth keys' are.
      const bool secret = SameHeaderName(k, "Authorization") || SameHeaderName(k, "Cookie");
      out << YAML::Key << k << YAML::Value << (secret ? std::string("<secret>") : v);
    }
    out << YAML::EndMap;
  }
  DumpRegexps(out, "fail_if_body_matches_regexp", fail_if_body_matches_regexp);
  DumpRegexps(out, "fail_if_body_not_matches_regexp", fail_if_body_not_matches_regexp);
  DumpHeaderMatches(out, "fail_if_header_matches", fail_if_header_matches);
  DumpHeaderMatches(out, "fail_if_header_not_matches", fail_if_header_not_matches);
  if (!body.empty()) out << YAML::Key << "body" << YAML::Value << body;
  if (!compression.empty()) out << YAML::Key << "compression" << YAML::Value << compression;
  if (body_size_limit > 0) out << YAML::Key << "body_size_limit" << YAML::Value << body_size_limit;
  config::internal::EmitHttpClient(out, client);
}

}  // namespace outpost::integrations::blackbox
