#include "core/http/auth.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/http/aws_credentials.h"
#include "core/http/oauth2.h"

namespace outpost::http {
namespace {

// Prometheus' sigv4 round tripper signs for Amazon Managed Service for
// Prometheus (prometheus/common sigv4/sigv4.go: service "aps").
constexpr std::string_view kApsService = "aps";

class SigV4Auth final : public RequestAuth {
 public:
  explicit SigV4Auth(std::unique_ptr<AwsCredentialsProvider> creds) : creds_(std::move(creds)) {}

  absl::StatusOr<HeaderList> Headers(const AuthRequest& r) override {
    auto c = creds_->Get();
    if (!c.ok()) return c.status();
    SigV4Request req;
    req.method = std::string(r.method);
    req.host = std::string(r.host);
    req.path = std::string(r.path);
    req.query = std::string(r.query);
    if (r.headers != nullptr) req.headers = *r.headers;
    req.payload = r.body;
    return SignV4(req, *c, creds_->region(), kApsService, creds_->Now()).headers;
  }

 private:
  std::unique_ptr<AwsCredentialsProvider> creds_;
};

class OAuth2Auth final : public RequestAuth {
 public:
  explicit OAuth2Auth(std::unique_ptr<OAuth2TokenSource> source) : source_(std::move(source)) {}

  absl::StatusOr<HeaderList> Headers(const AuthRequest&) override {
    auto t = source_->Token();
    if (!t.ok()) return t.status();
    return HeaderList{{"Authorization", t->HeaderValue()}};
  }

  bool OnUnauthorized(const HeaderList& sent) override {
    for (const auto& [name, value] : sent) {
      if (!absl::EqualsIgnoreCase(name, "authorization")) continue;
      const size_t space = value.find(' ');
      return source_->Invalidate(space == std::string::npos ? value : value.substr(space + 1));
    }
    return false;
  }

 private:
  std::unique_ptr<OAuth2TokenSource> source_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<RequestAuth>> MakeRequestAuth(
    const config::RemoteWriteConfig& config, AuthOptions options) {
  if (config.sigv4) {
    AwsCredentialsOptions o;
    o.clock = options.clock;
    o.getenv = options.getenv;
    o.expiry_window = options.aws_expiry_window;
    auto creds = AwsCredentialsProvider::Create(*config.sigv4, std::move(o));
    if (!creds.ok()) {
      return absl::Status(creds.status().code(),
                          absl::StrCat("remote_write \"", config.name, "\": ",
                                       creds.status().message()));
    }
    return std::shared_ptr<RequestAuth>(std::make_shared<SigV4Auth>(std::move(*creds)));
  }
  if (config.oauth2) {
    OAuth2Options o;
    o.clock = options.clock;
    o.expiry_delta = options.oauth2_expiry_delta;
    o.timeout = config.remote_timeout;
    return std::shared_ptr<RequestAuth>(std::make_shared<OAuth2Auth>(
        std::make_unique<OAuth2TokenSource>(*config.oauth2, std::move(o))));
  }
  return std::shared_ptr<RequestAuth>();
}

}  // namespace outpost::http
