// Pieces of Prometheus' HTTPClientConfig (prometheus/common
// config/http_config.go) shared by remote_write, scrape_configs and the Loki
// clients of logs:.
#include <fstream>

#include "absl/strings/match.h"
#include "core/config/loader_internal.h"
#include "core/config/str_util.h"
#include "core/config/url.h"

namespace outpost::config::internal {

void CheckHttpUrl(MapReader& m, std::string_view key, std::string_view url,
                  std::string_view not_http) {
  if (!IsAbsoluteHttpUrl(url)) {
    // The URL may hold credentials: not echoed.
    m.ValueError(key, not_http);
  } else if (std::string problem = UrlSyntaxProblem(url); !problem.empty()) {
    m.ValueError(key, Cat("invalid URL: ", problem));
  }
}

// Corpus file 21 names Kubernetes service account files, which exist only
// inside a pod: its targets are down outside one, but it starts.
void CheckFile(MapReader& m, std::string_view key, const std::string& path) {
  if (path.empty()) return;
  std::ifstream f(path);
  if (!f) {
    m.Warn(key, Cat("cannot read file \"", path, "\" now; it is read at each request, which "
                    "fails until the file can be read"));
  }
}

void ReadTls(MapReader& m, TlsConfig* out) {
  m.String("ca_file", &out->ca_file);
  m.String("cert_file", &out->cert_file);
  m.String("key_file", &out->key_file);
  m.String("server_name", &out->server_name);
  m.Bool("insecure_skip_verify", &out->insecure_skip_verify);
  for (std::string_view k : {"ca", "cert", "key", "min_version", "max_version"}) m.Unsupported(k);
  CheckFile(m, "ca_file", out->ca_file);
  CheckFile(m, "cert_file", out->cert_file);
  CheckFile(m, "key_file", out->key_file);
  if (out->cert_file.empty() != out->key_file.empty()) {
    m.Error("", "cert_file and key_file must be set together");
  }
  m.Finish();
}

void ReadBasicAuth(MapReader& m, std::optional<BasicAuth>* out) {
  if (!m.Has("basic_auth")) return;
  MapReader b = m.Map("basic_auth");
  BasicAuth auth;
  b.String("username", &auth.username);
  b.Secret("password", &auth.password);
  b.String("password_file", &auth.password_file);
  b.Unsupported("username_file");
  if (!auth.password.empty() && !auth.password_file.empty()) {
    b.Error("password_file", "at most one of password and password_file must be configured");
  }
  CheckFile(b, "password_file", auth.password_file);
  b.Finish();
  *out = std::move(auth);
}

void ReadAuthorization(MapReader& m, std::optional<Authorization>* out) {
  if (!m.Has("authorization")) return;
  MapReader a = m.Map("authorization");
  Authorization auth;
  a.String("type", &auth.type);
  a.Secret("credentials", &auth.credentials);
  a.String("credentials_file", &auth.credentials_file);
  if (absl::EqualsIgnoreCase(auth.type, "basic")) {
    a.ValueError("type", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
  }
  if (!auth.credentials.empty() && !auth.credentials_file.empty()) {
    a.Error("credentials_file", "at most one of credentials and credentials_file must be configured");
  }
  CheckFile(a, "credentials_file", auth.credentials_file);
  a.Finish();
  *out = std::move(auth);
}

namespace {

// oauth2 (prometheus/common config/http_config.go OAuth2 and
// HTTPClientConfig.Validate).
void ReadOAuth2(MapReader& m, OAuth2Config* out) {
  m.String("client_id", &out->client_id);
  m.Secret("client_secret", &out->client_secret);
  m.String("client_secret_file", &out->client_secret_file);
  m.StringList("scopes", &out->scopes);
  m.String("token_url", &out->token_url);
  m.StringMap("endpoint_params", &out->endpoint_params);
  if (m.Has("tls_config")) {
    MapReader t = m.Map("tls_config");
    ReadTls(t, &out->tls_config);
  }
  m.String("proxy_url", &out->proxy_url);
  m.Unsupported("client_secret_ref");
  if (out->client_id.empty()) m.Error("", "oauth2 client_id must be configured");
  if (out->client_secret.empty() && out->client_secret_file.empty()) {
    m.Error("", "either oauth2 client_secret or client_secret_file must be configured");
  }
  if (!out->client_secret.empty() && !out->client_secret_file.empty()) {
    m.Error("client_secret_file",
            "at most one of oauth2 client_secret & client_secret_file must be configured");
  }
  CheckFile(m, "client_secret_file", out->client_secret_file);
  if (out->token_url.empty()) {
    m.Error("", "oauth2 token_url must be configured");
  } else {
    CheckHttpUrl(m, "token_url", out->token_url);
  }
  if (!out->proxy_url.empty()) CheckHttpUrl(m, "proxy_url", out->proxy_url);
  m.Finish();
}

}  // namespace

// Both inline Prometheus' HTTPClientConfig; its keys outpost has not built
// are rejected by name.
void ReadClientAuth(MapReader& m, RemoteWriteConfig* rw) {
  ReadBasicAuth(m, &rw->basic_auth);
  ReadAuthorization(m, &rw->authorization);
  m.Secret("bearer_token", &rw->bearer_token);
  m.String("bearer_token_file", &rw->bearer_token_file);
  CheckFile(m, "bearer_token_file", rw->bearer_token_file);
  const bool bearer = !rw->bearer_token.empty() || !rw->bearer_token_file.empty();
  if (!rw->bearer_token.empty() && !rw->bearer_token_file.empty()) {
    m.Error("bearer_token_file", "at most one of bearer_token and bearer_token_file must be configured");
  }
  if (int(rw->basic_auth.has_value()) + int(rw->authorization.has_value()) + int(bearer) > 1) {
    m.Error("", "at most one of basic_auth, authorization and bearer_token/bearer_token_file "
                "must be configured");
  }
  // A bare `oauth2:` (null) means "not set", as in Go's yaml.
  if (m.Has("oauth2") && !m.node()["oauth2"].IsNull()) {
    MapReader o = m.Map("oauth2");
    OAuth2Config oauth2;
    ReadOAuth2(o, &oauth2);
    rw->oauth2 = std::move(oauth2);
    if (rw->basic_auth || rw->authorization || bearer) {
      m.Error("oauth2", "at most one of basic_auth, oauth2 & authorization must be configured");
    }
  } else {
    m.Consume("oauth2");
  }
  if (m.Has("tls_config")) {
    MapReader t = m.Map("tls_config");
    ReadTls(t, &rw->tls_config);
  }
  m.String("proxy_url", &rw->proxy_url);
  if (!rw->proxy_url.empty()) CheckHttpUrl(m, "proxy_url", rw->proxy_url);
  m.Bool("follow_redirects", &rw->follow_redirects);
  for (std::string_view k : {"enable_http2", "no_proxy", "proxy_from_environment",
                             "proxy_connect_header", "http_headers"}) {
    m.Unsupported(k);
  }
}

void ReadHttpClient(MapReader& m, HttpClientConfig* out) {
  ReadBasicAuth(m, &out->basic_auth);
  ReadAuthorization(m, &out->authorization);
  // The deprecated bearer_token keys are an authorization of type Bearer.
  Secret bearer;
  std::string bearer_file;
  m.Secret("bearer_token", &bearer);
  m.String("bearer_token_file", &bearer_file);
  CheckFile(m, "bearer_token_file", bearer_file);
  const bool has_bearer = !bearer.empty() || !bearer_file.empty();
  if (!bearer.empty() && !bearer_file.empty()) {
    m.Error("bearer_token_file", "at most one of bearer_token & bearer_token_file must be configured");
  }
  if (int(out->basic_auth.has_value()) + int(out->authorization.has_value()) + int(has_bearer) > 1) {
    m.Error("", "at most one of basic_auth, authorization and bearer_token & bearer_token_file "
                "must be configured");
  } else if (has_bearer) {
    Authorization auth;
    auth.credentials = bearer;
    auth.credentials_file = bearer_file;
    out->authorization = std::move(auth);
  }
  if (m.Has("tls_config")) {
    MapReader t = m.Map("tls_config");
    ReadTls(t, &out->tls_config);
  }
  m.String("proxy_url", &out->proxy_url);
  if (!out->proxy_url.empty()) CheckHttpUrl(m, "proxy_url", out->proxy_url);
  m.Bool("follow_redirects", &out->follow_redirects);
  m.Bool("enable_http2", &out->enable_http2);
  for (std::string_view k : {"oauth2", "no_proxy", "proxy_from_environment",
                             "proxy_connect_header", "http_headers"}) {
    m.Unsupported(k);
  }
}

}  // namespace outpost::config::internal
