// OAuth2 client credentials: token response parsing, and the real
// QueueManager shipping through a loopback token endpoint whose tokens
// expire in 2 s to a receiver that rejects missing/expired tokens with 401.
#include "core/http/oauth2.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/http/auth.h"
#include "remote_write/http_protocol.h"
#include "remote_write/queue_manager.h"
#include "tests/remote_write/support/stub_server.h"

namespace outpost::remote_write {
namespace {

using http::AuthOptions;
using http::HttpClient;
using http::MakeRequestAuth;
using http::OAuth2TokenSource;
using http::ParseTokenResponse;
using http::RequestAuth;
using http::SendOutcome;
using http::SendResult;

using testing::StubRequest;
using testing::StubResponse;
using testing::StubServer;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST(OAuth2ParseTest, JsonAndForm) {
  auto t = ParseTokenResponse(
      R"({"access_token":"a\"b\u0041","token_type":"bearer","expires_in":3600,"x":{"y":[1,{}]}})",
      "application/json", kT0);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->access_token, "a\"bA");
  EXPECT_EQ(t->HeaderValue(), "Bearer a\"bA");
  EXPECT_EQ(t->expiry, kT0 + absl::Hours(1));
  t = ParseTokenResponse(R"({"access_token":"x","expires_in":"20","token_type":"mac"})", "", kT0);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->token_type, "MAC");
  EXPECT_EQ(t->expiry, kT0 + absl::Seconds(20));
  t = ParseTokenResponse(R"({"access_token":"x"})", "application/json", kT0);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->expiry.has_value());
  t = ParseTokenResponse("access_token=a%2Bb&token_type=bearer&expires_in=5",
                         "application/x-www-form-urlencoded; charset=utf-8", kT0);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->access_token, "a+b");
  EXPECT_EQ(t->expiry, kT0 + absl::Seconds(5));
}

TEST(OAuth2ParseTest, MalformedIsAnError) {
  for (const char* bad :
       {"", "{", "[]", "{\"access_token\":}", "{\"access_token\":\"x\"", "{\"a\":1}",
        "{\"access_token\":\"x\",\"expires_in\":-1}", "{\"access_token\":\"x\"} trailing",
        "{\"access_token\":\"\\uZZZZ\"}", "{\"access_token\":\"x\",\"expires_in\":\"soon\"}",
        "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"}) {
    EXPECT_FALSE(ParseTokenResponse(bad, "application/json", kT0).ok()) << bad;
  }
}

// A token endpoint and a remote-write receiver sharing the set of tokens.
struct OAuthWorld {
  absl::Mutex mu;
  absl::Duration lifetime = absl::Seconds(2);
  bool basic_only = true;  // reject client credentials in the body
  int token_requests = 0;
  std::map<std::string, absl::Time> tokens;  // token -> expiry
  std::string secret = "s3cr3t:/&";
  long samples = 0;
  int unauthorized = 0;
  std::vector<std::string> errors;

  StubResponse Token(const StubRequest& r) {
    absl::MutexLock l(&mu);
    ++token_requests;
    const std::string want_basic =
        "Basic " + absl::Base64Escape("my-client:s3cr3t%3A%2F%26");  // url-escaped
    const bool by_header = r.Header("Authorization") == want_basic;
    const bool by_body = r.body.find("client_id=my-client") != std::string::npos &&
                         r.body.find("client_secret=s3cr3t%3A%2F%26") != std::string::npos;
    if (!(by_header || (!basic_only && by_body))) {
      return {401, "application/json", R"({"error":"invalid_client"})"};
    }
    for (const char* want : {"grant_type=client_credentials", "scope=read+write", "audience=rw"}) {
      if (r.body.find(want) == std::string::npos) errors.push_back("token body lacks " + std::string(want));
    }
    const std::string tok = absl::StrCat("tok-", token_requests);
    tokens[tok] = absl::Now() + lifetime;
    return {200, "application/json",
            absl::StrCat(R"({"access_token":")", tok, R"(","token_type":"bearer","expires_in":)",
                         absl::ToInt64Seconds(lifetime), "}")};
  }
  StubResponse Write(const StubRequest& r) {
    absl::MutexLock l(&mu);
    const std::string auth = r.Header("Authorization");
    auto it = auth.rfind("Bearer ", 0) == 0 ? tokens.find(auth.substr(7)) : tokens.end();
    if (it == tokens.end() || it->second <= absl::Now()) {
      ++unauthorized;
      return {401, "text/plain", "expired or missing token"};
    }
    const long n = testing::CountRemoteWriteSamples(r.body);
    if (n < 0) errors.push_back("bad body");
    samples += std::max(n, 0L);
    return {204, "text/plain", ""};
  }
};

struct World {
  std::unique_ptr<StubServer> server;
  config::RemoteWriteConfig config;
};

World Start(OAuthWorld* w) {
  World s;
  s.server = StubServer::Start({"/token", "/write"}, [w](const StubRequest& r) {
    return r.path == "/token" ? w->Token(r) : w->Write(r);
  });
  config::RemoteWriteConfig& c = s.config;
  c.url = s.server->url("/write");
  c.name = "oauth";
  c.queue_config.min_shards = 1;
  c.queue_config.max_shards = 1;
  c.queue_config.batch_send_deadline = absl::Milliseconds(10);
  c.queue_config.min_backoff = absl::Milliseconds(10);
  c.queue_config.max_backoff = absl::Milliseconds(100);
  config::OAuth2Config o;
  o.client_id = "my-client";
  o.client_secret = config::Secret(w->secret);
  o.scopes = {"read", "write"};
  o.token_url = s.server->url("/token");
  o.endpoint_params = {{"audience", "rw"}};
  c.oauth2 = o;
  return s;
}

// Feeds `rounds` batches of 4 samples, one every `every`.
long Ship(const config::RemoteWriteConfig& c, std::shared_ptr<RequestAuth> auth, int rounds,
          absl::Duration every) {
  prometheus::Registry reg;
  EndpointMetrics m(reg, c.name, c.url);
  AckTracker acks(Position{});
  QueueManager q(c, &acks, &m, std::move(auth));
  EXPECT_TRUE(q.Start().ok());
  SeriesLabels labels;
  EncodeLabels(Labels{{"__name__", "m"}}, &labels);
  int64_t t = 0;
  for (int r = 0; r < rounds; ++r) {
    const uint64_t seq = acks.Push(Position{0, static_cast<uint64_t>(r + 1)}, 4);
    std::vector<PendingSample> items;
    for (int i = 0; i < 4; ++i) items.push_back({&labels, ++t, 1.0, seq, 0});
    EXPECT_TRUE(q.Append(items));
    absl::SleepFor(every);
  }
  q.Stop(absl::Now() + absl::Seconds(10));
  return static_cast<long>(m.samples_failed_total.Value());
}

TEST(OAuth2ShippingTest, KeepsShippingAcrossTokenExpiryWithoutLoss) {
  OAuthWorld w;
  World s = Start(&w);
  ASSERT_NE(s.server, nullptr);
  AuthOptions ao;
  ao.oauth2_expiry_delta = absl::Milliseconds(300);  // tokens live 2 s
  auto auth = MakeRequestAuth(s.config, ao);
  ASSERT_TRUE(auth.ok());
  const long failed = Ship(s.config, *auth, 25, absl::Milliseconds(200));  // ~5 s
  absl::MutexLock l(&w.mu);
  EXPECT_EQ(w.samples, 100);
  EXPECT_EQ(failed, 0);
  EXPECT_GE(w.token_requests, 3);  // several expiries went by
  EXPECT_LE(w.token_requests, 8);  // but the token was cached
  EXPECT_TRUE(w.errors.empty()) << w.errors.front();
}

TEST(OAuth2ShippingTest, A401ForcesOneRefreshAndRetry) {
  OAuthWorld w;
  w.lifetime = absl::Hours(1);
  World s = Start(&w);
  ASSERT_NE(s.server, nullptr);
  auto auth = MakeRequestAuth(s.config);
  ASSERT_TRUE(auth.ok());
  auto client = HttpClient::Create(s.config, RemoteWriteProtocol(s.config), *auth);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->Send("x", 0).outcome, SendOutcome::kOk);
  {
    absl::MutexLock l(&w.mu);
    EXPECT_EQ(w.token_requests, 1);
    w.tokens.clear();  // the server revokes every token
  }
  const SendResult r = (*client)->Send("x", 0);
  EXPECT_EQ(r.outcome, SendOutcome::kOk) << r.detail;  // 401, new token, 204
  absl::MutexLock l(&w.mu);
  EXPECT_EQ(w.token_requests, 2);
  EXPECT_EQ(w.unauthorized, 1);
}

TEST(OAuth2ShippingTest, ClientCredentialsInBodyWhenBasicIsRejected) {
  OAuthWorld w;
  w.lifetime = absl::Hours(1);
  w.basic_only = false;
  World s = Start(&w);
  ASSERT_NE(s.server, nullptr);
  // The secret comes from a file, read when a token is fetched.
  const std::string path = ::testing::TempDir() + "/oauth2_secret";
  std::ofstream(path) << "wrong\n";
  s.config.oauth2->client_secret = config::Secret();
  s.config.oauth2->client_secret_file = path;
  OAuth2TokenSource src(*s.config.oauth2);
  EXPECT_FALSE(src.Token().ok());  // both styles tried, both rejected
  EXPECT_EQ(src.fetches(), 2);
  std::ofstream(path) << w.secret << "\n";
  ASSERT_TRUE(src.Token().ok());
  ASSERT_TRUE(src.Token().ok());  // cached
  EXPECT_EQ(src.fetches(), 3);    // basic worked at once
}

TEST(OAuth2ShippingTest, TokenEndpointDownIsARetryWithoutSecrets) {
  OAuthWorld w;
  World s = Start(&w);
  ASSERT_NE(s.server, nullptr);
  s.config.oauth2->token_url = "http://127.0.0.1:1/token";
  auto client = HttpClient::Create(s.config, RemoteWriteProtocol(s.config));
  ASSERT_TRUE(client.ok());
  const SendResult r = (*client)->Send("x", 0);
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_NE(r.detail.find("oauth2: cannot fetch token"), std::string::npos) << r.detail;
  EXPECT_EQ(r.detail.find(w.secret), std::string::npos);
}

}  // namespace
}  // namespace outpost::remote_write
