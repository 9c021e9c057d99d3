// remote_write sigv4 / oauth2 keys: reading, validation as Prometheus, and
// the dump (secrets masked).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/config/dump.h"
#include "core/config/loader_internal.h"
#include "core/config/loader.h"
#include "integrations/registry.h"
#include "tests/core/config/load_text.h"
#include "yaml-cpp/yaml.h"

namespace outpost::config {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Rw(const std::string& body) {
  return "metrics:\n  global:\n    remote_write:\n      - url: https://aps.example/api/v1/remote_write\n" +
         body;
}

class RemoteWriteAuthConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {  // the region check reads these
    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
  }
};

TEST_F(RemoteWriteAuthConfigTest, Sigv4IsReadAndDumpedMasked) {
  LoadResult r = LoadText(Rw("        sigv4:\n          region: eu-west-1\n"
                             "          access_key: AKID\n          secret_key: topsecret\n"
                             "          profile: ops\n          role_arn: arn:aws:iam::1:role/w\n"));
  ASSERT_THAT(r.errors.errors, IsEmpty());
  const RemoteWriteConfig& rw = r.config->metrics.global.remote_write.at(0);
  ASSERT_TRUE(rw.sigv4.has_value());
  EXPECT_EQ(rw.sigv4->region, "eu-west-1");
  EXPECT_EQ(rw.sigv4->access_key, "AKID");
  EXPECT_EQ(rw.sigv4->secret_key.reveal(), "topsecret");
  EXPECT_EQ(rw.sigv4->profile, "ops");
  EXPECT_EQ(rw.sigv4->role_arn, "arn:aws:iam::1:role/w");
  YAML::Emitter e;
  internal::EmitRemoteWrite(e, rw);
  const std::string dump = e.c_str();
  EXPECT_THAT(dump, Not(HasSubstr("topsecret")));
  EXPECT_THAT(dump, HasSubstr("secret_key: \"<secret>\""));
  EXPECT_THAT(dump, HasSubstr("role_arn: \"arn:aws:iam::1:role/w\""));
  // An empty block takes everything from the environment.
  setenv("AWS_REGION", "us-east-1", 1);
  r = LoadText(Rw("        sigv4: {}\n"));
  EXPECT_THAT(r.errors.errors, IsEmpty());
}

TEST_F(RemoteWriteAuthConfigTest, OAuth2IsReadAndDumpedMasked) {
  const std::string secret_file = ::testing::TempDir() + "/rw_oauth2_secret";
  std::ofstream(secret_file) << "s\n";
  LoadResult r = LoadText(Rw("        oauth2:\n          client_id: id\n"
                             "          client_secret: hunter2\n"
                             "          scopes: [read, write]\n"
                             "          token_url: https://login.example/oauth2/token\n"
                             "          endpoint_params: {audience: mimir}\n"
                             "          tls_config: {insecure_skip_verify: true}\n"
                             "          proxy_url: http://proxy:3128\n"));
  ASSERT_THAT(r.errors.errors, IsEmpty());
  const RemoteWriteConfig& rw = r.config->metrics.global.remote_write.at(0);
  ASSERT_TRUE(rw.oauth2.has_value());
  EXPECT_EQ(rw.oauth2->client_id, "id");
  EXPECT_EQ(rw.oauth2->client_secret.reveal(), "hunter2");
  EXPECT_THAT(rw.oauth2->scopes, ::testing::ElementsAre("read", "write"));
  EXPECT_EQ(rw.oauth2->endpoint_params.at("audience"), "mimir");
  EXPECT_TRUE(rw.oauth2->tls_config.insecure_skip_verify);
  EXPECT_EQ(rw.oauth2->proxy_url, "http://proxy:3128");
  YAML::Emitter e;
  internal::EmitRemoteWrite(e, rw);
  EXPECT_THAT(std::string(e.c_str()), Not(HasSubstr("hunter2")));
  EXPECT_THAT(std::string(e.c_str()), HasSubstr("client_secret: \"<secret>\""));
  r = LoadText(Rw("        oauth2: {client_id: id, client_secret_file: " + secret_file +
                  ", token_url: 'http://t/'}\n"));
  EXPECT_THAT(r.errors.errors, IsEmpty());
  // A bare key is "not set".
  r = LoadText(Rw("        oauth2:\n        sigv4:\n"));
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_FALSE(r.config->metrics.global.remote_write[0].oauth2.has_value());
  EXPECT_FALSE(r.config->metrics.global.remote_write[0].sigv4.has_value());
}

TEST_F(RemoteWriteAuthConfigTest, OneLineErrors) {
  EXPECT_EQ(OnlyError(Rw("        basic_auth: {username: u, password: p}\n"
                         "        sigv4: {region: eu-west-1}\n")),
            "agent.yaml:6:9: metrics.global.remote_write[0].sigv4: at most one of basic_auth, "
            "authorization, oauth2, sigv4, & azuread must be configured");
  EXPECT_EQ(OnlyError(Rw("        bearer_token: t\n        sigv4: {region: eu-west-1}\n")),
            "agent.yaml:6:9: metrics.global.remote_write[0].sigv4: at most one of basic_auth, "
            "authorization, oauth2, sigv4, & azuread must be configured");
  EXPECT_EQ(OnlyError(Rw("        sigv4: {}\n")),
            "agent.yaml:5:16: metrics.global.remote_write[0].sigv4: region not configured in "
            "sigv4 or in default credentials chain (set sigv4.region, AWS_REGION or "
            "AWS_DEFAULT_REGION)");
  EXPECT_EQ(OnlyError(Rw("        sigv4: {region: eu, access_key: A}\n")),
            "agent.yaml:5:29: metrics.global.remote_write[0].sigv4.access_key: must provide a "
            "AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 "
            "config");
  EXPECT_EQ(OnlyError(Rw("        sigv4: {region: eu, secret: x}\n")),
            "agent.yaml:5:29: metrics.global.remote_write[0].sigv4.secret: unknown key");
  LoadResult lazy = LoadText(Rw("        oauth2: {client_id: i, client_secret_file: "
                                "/nonexistent/s, token_url: 'http://t/'}\n"));
  EXPECT_TRUE(lazy.errors.ok());
  ASSERT_EQ(lazy.errors.warnings.size(), 1u);
  EXPECT_NE(lazy.errors.warnings[0].find("metrics.global.remote_write[0].oauth2.client_secret_file: "
                                         "cannot read file \"/nonexistent/s\" now"),
            std::string::npos);
  EXPECT_EQ(OnlyError(Rw("        oauth2: {client_secret: s, token_url: 'http://t/'}\n")),
            "agent.yaml:5:17: metrics.global.remote_write[0].oauth2: oauth2 client_id must be "
            "configured");
  EXPECT_EQ(OnlyError(Rw("        oauth2: {client_id: i, client_secret: s}\n")),
            "agent.yaml:5:17: metrics.global.remote_write[0].oauth2: oauth2 token_url must be "
            "configured");
  EXPECT_EQ(OnlyError(Rw("        oauth2: {client_id: i, token_url: 'http://t/'}\n")),
            "agent.yaml:5:17: metrics.global.remote_write[0].oauth2: either oauth2 "
            "client_secret or client_secret_file must be configured");
  EXPECT_EQ(OnlyError(Rw("        authorization: {credentials: c}\n"
                         "        oauth2: {client_id: i, client_secret: s, token_url: 'http://t/'}\n")),
            "agent.yaml:6:9: metrics.global.remote_write[0].oauth2: at most one of basic_auth, "
            "oauth2 & authorization must be configured");
  EXPECT_EQ(OnlyError(Rw("        oauth2: {client_id: i, client_secret: s, token_url: 'http://t/'}\n"
                         "        sigv4: {region: eu}\n")),
            "agent.yaml:6:9: metrics.global.remote_write[0].sigv4: at most one of basic_auth, "
            "authorization, oauth2, sigv4, & azuread must be configured");
}

}  // namespace
}  // namespace outpost::config
