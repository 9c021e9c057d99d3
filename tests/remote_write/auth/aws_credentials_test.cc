// AWS credential and region resolution order, shared credentials file and
// STS response parsing.
#include "core/http/aws_credentials.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/http/auth.h"

namespace outpost::remote_write {
namespace {

using http::AuthOptions;
using http::AwsCredentials;
using http::AwsCredentialsOptions;
using http::AwsCredentialsProvider;
using http::MakeRequestAuth;
using http::ParseAssumeRoleResponse;

std::function<std::string(std::string_view)> Env(std::map<std::string, std::string> m) {
  return [m](std::string_view k) {
    auto it = m.find(std::string(k));
    return it == m.end() ? std::string() : it->second;
  };
}

std::string CredentialsFile() {
  const std::string path = ::testing::TempDir() + "/aws_credentials";
  std::ofstream(path) << "# comment\n[default]\naws_access_key_id = FILEDEFAULT\n"
                         "aws_secret_access_key=filesecret\n\n[ops]\n; other\n"
                         "aws_access_key_id=FILEOPS\naws_secret_access_key = opssecret\n"
                         "aws_session_token = opstoken\n[broken]\naws_access_key_id=X\n";
  return path;
}

absl::StatusOr<AwsCredentials> Resolve(config::Sigv4Config c,
                                       std::map<std::string, std::string> env) {
  AwsCredentialsOptions o;
  o.getenv = Env(std::move(env));
  auto p = AwsCredentialsProvider::Create(c, o);
  if (!p.ok()) return p.status();
  return (*p)->Get();
}

TEST(AwsCredentialsTest, ResolutionOrder) {
  const std::string file = CredentialsFile();
  const std::map<std::string, std::string> env = {
      {"AWS_REGION", "eu-west-1"}, {"AWS_ACCESS_KEY_ID", "ENVKEY"},
      {"AWS_SECRET_ACCESS_KEY", "envsecret"}, {"AWS_SESSION_TOKEN", "envtoken"},
      {"AWS_SHARED_CREDENTIALS_FILE", file}};
  // 1. config keys.
  auto c = Resolve({"", "CFGKEY", config::Secret("cfgsecret"), "", ""}, env);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "CFGKEY");
  EXPECT_EQ(c->session_token, "");
  // 2. an explicit profile beats the environment (aws-sdk-go#2727).
  c = Resolve({"", "", config::Secret(), "ops", ""}, env);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "FILEOPS");
  EXPECT_EQ(c->session_token, "opstoken");
  // 3. environment.
  c = Resolve({}, env);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "ENVKEY");
  EXPECT_EQ(c->session_token, "envtoken");
  // 4. file: AWS_PROFILE, else "default"; $HOME/.aws/credentials.
  c = Resolve({}, {{"AWS_REGION", "r"}, {"AWS_SHARED_CREDENTIALS_FILE", file}, {"AWS_PROFILE", "ops"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "FILEOPS");
  const std::string home = ::testing::TempDir() + "/aws_home";
  std::filesystem::create_directories(home + "/.aws");
  std::filesystem::copy_file(file, home + "/.aws/credentials",
                             std::filesystem::copy_options::overwrite_existing);
  c = Resolve({}, {{"AWS_DEFAULT_REGION", "r"}, {"HOME", home}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "FILEDEFAULT");
  EXPECT_EQ(c->secret_access_key, "filesecret");
}

TEST(AwsCredentialsTest, OneLineErrors) {
  const std::string file = CredentialsFile();
  auto c = Resolve({"", "K", config::Secret("S"), "", ""}, {});
  EXPECT_EQ(c.status().message(),
            "sigv4: region not configured in sigv4 or in default credentials chain (set "
            "sigv4.region, AWS_REGION or AWS_DEFAULT_REGION)");
  c = Resolve({"eu", "", config::Secret(), "", ""}, {{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}});
  EXPECT_EQ(c.status().message(),
            "sigv4: no AWS credentials: set sigv4.access_key/secret_key or "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a shared credentials file (cannot "
            "read \"/nonexistent\")");
  c = Resolve({"eu", "", config::Secret(), "broken", ""}, {{"AWS_SHARED_CREDENTIALS_FILE", file}});
  EXPECT_EQ(c.status().message(), "sigv4: " + file +
                                      ": profile \"broken\" has no "
                                      "aws_access_key_id/aws_secret_access_key");
  c = Resolve({"eu", "", config::Secret(), "nope", ""}, {{"AWS_SHARED_CREDENTIALS_FILE", file}});
  EXPECT_EQ(c.status().message(), "sigv4: " + file + ": profile \"nope\" not found");
  // MakeRequestAuth names the endpoint and never echoes a secret.
  config::RemoteWriteConfig rw;
  rw.name = "amp";
  rw.url = "https://aps.example/";
  rw.sigv4 = config::Sigv4Config{};
  AuthOptions ao;
  ao.getenv = Env({});
  auto a = MakeRequestAuth(rw, ao);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message().substr(0, 20), "remote_write \"amp\": ");
}

TEST(AwsCredentialsTest, AssumeRoleResponse) {
  auto c = ParseAssumeRoleResponse(
      "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>a</Arn></AssumedRoleUser>"
      "<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s/+</SecretAccessKey>"
      "<SessionToken>t&amp;&lt;</SessionToken><Expiration>2019-11-09T13:34:41Z</Expiration>"
      "</Credentials></AssumeRoleResult></AssumeRoleResponse>");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "ASIA1");
  EXPECT_EQ(c->secret_access_key, "s/+");
  EXPECT_EQ(c->session_token, "t&<");
  EXPECT_EQ(c->expiry, absl::FromUnixSeconds(1573306481));
  c = ParseAssumeRoleResponse(
      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not "
      "authorized</Message></Error></ErrorResponse>");
  EXPECT_EQ(c.status().message(), "sts AssumeRole: AccessDenied: not authorized");
  for (const char* bad : {"", "<Credentials>", "<Credentials><AccessKeyId>a</AccessKeyId></Credentials>",
                          "<Credentials><AccessKeyId>a</AccessKeyId><SecretAccessKey>b</SecretAccessKey>"
                          "<SessionToken>c</SessionToken><Expiration>soon</Expiration></Credentials>"}) {
    EXPECT_FALSE(ParseAssumeRoleResponse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace outpost::remote_write
