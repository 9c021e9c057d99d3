// The HTTP side of the config shared by remote_write, scrape_configs and
// the logs clients: auth, TLS, proxy (Prometheus' prometheus/common
// config/http_config.go and config.RemoteWriteConfig), as plain data.
#ifndef OUTPOST_CORE_CONFIG_HTTP_CONFIG_H_
#define OUTPOST_CORE_CONFIG_HTTP_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/config/secret.h"
#include "core/relabel/relabel.h"

namespace outpost::config {

struct BasicAuth {
  std::string username;
  Secret password;
  std::string password_file;
};

struct Authorization {
  std::string type = "Bearer";
  Secret credentials;
  std::string credentials_file;
};

struct TlsConfig {
  std::string ca_file, cert_file, key_file, server_name;
  bool insecure_skip_verify = false;
};

struct QueueConfig {
  int capacity = 10000;
  int max_shards = 50;
  int min_shards = 1;
  int max_samples_per_send = 2000;
  absl::Duration batch_send_deadline = absl::Seconds(5);
  absl::Duration min_backoff = absl::Milliseconds(30);
  absl::Duration max_backoff = absl::Seconds(5);
  bool retry_on_http_429 = true;  // static mode's default (grafana/agent#4901)
  absl::Duration sample_age_limit = absl::ZeroDuration();
};

struct MetadataConfig {
  bool send = true;
  absl::Duration send_interval = absl::Minutes(1);
  int max_samples_per_send = 2000;
};

// AWS Signature Version 4 for remote write (prometheus/common sigv4
// SigV4Config). Empty access_key/secret_key: credentials come from the
// environment, the shared credentials file (profile) and, with role_arn,
// STS AssumeRole (core/http/aws_credentials.h).
struct Sigv4Config {
  std::string region;  // empty: AWS_REGION / AWS_DEFAULT_REGION
  std::string access_key;
  Secret secret_key;
  std::string profile;
  std::string role_arn;
};

// OAuth 2.0 client-credentials grant (prometheus/common config OAuth2).
struct OAuth2Config {
  std::string client_id;
  Secret client_secret;
  std::string client_secret_file;  // read on every token request
  std::vector<std::string> scopes;
  std::string token_url;
  std::map<std::string, std::string> endpoint_params;
  TlsConfig tls_config;   // for the token endpoint
  std::string proxy_url;  // for the token endpoint
};

struct RemoteWriteConfig {
  std::string url;
  std::string name;  // derived from the config hash when empty
  absl::Duration remote_timeout = absl::Seconds(30);
  std::map<std::string, std::string> headers;
  std::vector<relabel::Config> write_relabel_configs;
  bool send_exemplars = true;  // static mode's default
  std::optional<BasicAuth> basic_auth;
  std::optional<Authorization> authorization;
  Secret bearer_token;
  std::string bearer_token_file;
  std::optional<OAuth2Config> oauth2;
  std::optional<Sigv4Config> sigv4;  // signs for service "aps"
  TlsConfig tls_config;
  std::string proxy_url;
  bool follow_redirects = true;
  QueueConfig queue_config;
  MetadataConfig metadata_config;
};

// Prometheus' HTTPClientConfig subset shared by scrape configs
// (prometheus/common config/http_config.go).
struct HttpClientConfig {
  std::optional<BasicAuth> basic_auth;
  std::optional<Authorization> authorization;  // bearer_token(_file) map here
  TlsConfig tls_config;
  std::string proxy_url;
  bool follow_redirects = true;
  bool enable_http2 = true;
};

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_HTTP_CONFIG_H_
