// AwsCredentialsProvider: the credentials and region SigV4 signs with, found
// as aws-sdk-go v1's session does for Prometheus' sigv4 (prometheus/common
// sigv4/sigv4.go NewSigV4RoundTripper):
//
//  1. sigv4.access_key / secret_key from the config;
//  2. with sigv4.profile set: that profile of the shared credentials file;
//  3. environment: AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY),
//     AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY), AWS_SESSION_TOKEN;
//  4. shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
//     $HOME/.aws/credentials), profile AWS_PROFILE or "default".
// (EC2/ECS instance roles and SSO are not supported.)
//
// With sigv4.role_arn, those are only the source credentials of an STS
// AssumeRole call (POST https://sts.<region>.amazonaws.com/, itself SigV4
// signed for service "sts", 15-minute sessions); the temporary credentials
// it returns are cached and renewed `expiry_window` before they expire. The
// STS endpoint can be overridden with AWS_ENDPOINT_URL_STS (then
// AWS_ENDPOINT_URL), the AWS SDKs' variables for it.
//
// Region: sigv4.region, else AWS_REGION, else AWS_DEFAULT_REGION.
//
// Thread-safety: Get() may be called from any thread; concurrent callers
// wait for one STS call. Errors never contain secrets.
#ifndef OUTPOST_CORE_HTTP_AWS_CREDENTIALS_H_
#define OUTPOST_CORE_HTTP_AWS_CREDENTIALS_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/config/config.h"
#include "core/http/sigv4.h"

namespace outpost::http {

struct AwsCredentialsOptions {
  // Clock for signing STS requests and for expiry; default absl::Now.
  std::function<absl::Time()> clock;
  // Environment lookup ("" when unset); default: the process environment.
  std::function<std::string(std::string_view)> getenv;
  absl::Duration expiry_window = absl::Minutes(1);
  absl::Duration sts_timeout = absl::Seconds(30);
};

// The credentials of `profile` in an AWS shared credentials file (INI:
// [profile], key = value, '#'/';' comments). NotFound when the profile or
// its keys are missing.
absl::StatusOr<AwsCredentials> ParseSharedCredentials(std::string_view text,
                                                      std::string_view profile);

// The <Credentials> of an STS AssumeRoleResponse (AccessKeyId,
// SecretAccessKey, SessionToken, Expiration in ISO 8601). An ErrorResponse
// gives its Code and Message.
absl::StatusOr<AwsCredentials> ParseAssumeRoleResponse(std::string_view xml);

class AwsCredentialsProvider {
 public:
  // Resolves the region and the source credentials (no network). Fails
  // with a one-line message when either is missing.
  static absl::StatusOr<std::unique_ptr<AwsCredentialsProvider>> Create(
      const config::Sigv4Config& config, AwsCredentialsOptions options = {});

  const std::string& region() const { return region_; }
  absl::Time Now() const { return options_.clock(); }

  // The credentials to sign with now (may call STS).
  absl::StatusOr<AwsCredentials> Get();

 private:
  AwsCredentialsProvider() = default;
  absl::StatusOr<AwsCredentials> AssumeRole(const AwsCredentials& source);

  AwsCredentialsOptions options_;
  std::string region_;
  std::string role_arn_;
  std::string sts_url_;
  AwsCredentials source_;
  absl::Mutex mu_;
  std::optional<AwsCredentials> assumed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace outpost::http

#endif  // OUTPOST_CORE_HTTP_AWS_CREDENTIALS_H_
