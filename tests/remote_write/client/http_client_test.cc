// HttpClient against the FaultReceiver: headers, auth, classification.
#include "core/http/http_client.h"

#include <cstdio>
#include <fstream>

#include "gtest/gtest.h"
#include "remote_write/encoder.h"
#include "remote_write/http_protocol.h"
#include "tests/remote_write/support/fault_receiver.h"

namespace outpost::remote_write {
namespace {

using http::HttpClient;
using http::ParseRetryAfter;
using http::SendOutcome;
using http::SendResult;

using testing::Action;
using testing::FaultReceiver;

std::string OneSample(BatchEncoder* enc, SeriesLabels* lb) {
  EncodeLabels(Labels{{"__name__", "up"}, {"job", "j"}}, lb);
  std::vector<PendingSample> s = {{lb, 1000, 1, 0}};
  return std::string(enc->EncodeSamples(s));
}

config::RemoteWriteConfig Config(const std::string& url) {
  config::RemoteWriteConfig c;
  c.url = url;
  c.name = "test";
  c.remote_timeout = absl::Seconds(5);
  return c;
}

TEST(RetryAfterTest, SecondsAndHttpDate) {
  const absl::Time now = absl::FromUnixSeconds(1445412480);  // 2015-10-21 07:28:00 UTC
  EXPECT_EQ(ParseRetryAfter(" 2 ", now), absl::Seconds(2));
  EXPECT_EQ(ParseRetryAfter("0", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), absl::Seconds(30));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-3", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
}

TEST(ReservedHeaderTest, ProtocolHeadersAreReserved) {
  EXPECT_TRUE(IsReservedHeader("content-encoding"));
  EXPECT_TRUE(IsReservedHeader("X-Prometheus-Remote-Write-Version"));
  EXPECT_TRUE(IsReservedHeader("User-Agent"));
  EXPECT_FALSE(IsReservedHeader("X-Scope-OrgID"));
}

TEST(HttpClientTest, RejectsBadUrl) {
  EXPECT_FALSE(HttpClient::Create(Config("ftp://x/"), RemoteWriteProtocol(Config("ftp://x/"))).ok());
  EXPECT_FALSE(HttpClient::Create(Config("nohost"), RemoteWriteProtocol(Config("nohost"))).ok());
}

TEST(HttpClientTest, ClassifiesAnswers) {
  auto rx = FaultReceiver::Start();
  ASSERT_NE(rx, nullptr);
  auto cfg = Config(rx->url());
  cfg.headers["Content-Type"] = "text/plain";  // must be ignored
  cfg.headers["X-Scope-OrgID"] = "tenant";
  auto client = HttpClient::Create(cfg, RemoteWriteProtocol(cfg));
  ASSERT_TRUE(client.ok()) << client.status();
  BatchEncoder enc;
  SeriesLabels lb;
  const std::string body = OneSample(&enc, &lb);

  EXPECT_EQ((*client)->Send(body, 0).outcome, SendOutcome::kOk);
  rx->Push({500, "", absl::ZeroDuration(), "boom"});
  SendResult r = (*client)->Send(body, 0);
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_EQ(r.http_status, 500);
  rx->Push({429, "2", absl::ZeroDuration(), ""});
  r = (*client)->Send(body, 1);
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_EQ(r.retry_after, absl::Seconds(2));
  rx->Push({400, "", absl::ZeroDuration(), std::string(5000, 'e')});
  r = (*client)->Send(body, 2);
  EXPECT_EQ(r.outcome, SendOutcome::kDrop);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.detail.size(), 1024u);

  auto reqs = rx->requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].retry_attempt, 0);
  EXPECT_EQ(reqs[2].retry_attempt, 1);
  EXPECT_EQ(reqs[3].retry_attempt, 2);
  EXPECT_EQ(reqs[0].samples, 1u);
  EXPECT_TRUE(rx->errors().empty()) << rx->errors()[0];
}

TEST(HttpClientTest, Http429DroppedWhenRetryDisabled) {
  auto rx = FaultReceiver::Start();
  auto cfg = Config(rx->url());
  cfg.queue_config.retry_on_http_429 = false;
  auto client = HttpClient::Create(cfg, RemoteWriteProtocol(cfg));
  ASSERT_TRUE(client.ok());
  BatchEncoder enc;
  SeriesLabels lb;
  rx->Push({429, "1", absl::ZeroDuration(), ""});
  EXPECT_EQ((*client)->Send(OneSample(&enc, &lb), 0).outcome, SendOutcome::kDrop);
}

TEST(HttpClientTest, TimeoutAndRefusedAreRecoverable) {
  auto rx = FaultReceiver::Start();
  auto cfg = Config(rx->url());
  cfg.remote_timeout = absl::Milliseconds(300);
  auto client = HttpClient::Create(cfg, RemoteWriteProtocol(cfg));
  ASSERT_TRUE(client.ok());
  BatchEncoder enc;
  SeriesLabels lb;
  const std::string body = OneSample(&enc, &lb);
  rx->Push({204, "", absl::Seconds(1), ""});
  SendResult r = (*client)->Send(body, 0);
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_EQ(r.http_status, 0);
  rx->Down();
  r = (*client)->Send(body, 1);
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_FALSE(r.detail.empty());
  rx->Up();
  EXPECT_EQ((*client)->Send(body, 2).outcome, SendOutcome::kOk);
}

TEST(HttpClientTest, BearerTokenFile) {
  testing::ReceiverOptions opts;
  opts.expect_authorization = "Bearer s3cret";
  auto rx = FaultReceiver::Start(opts);
  auto cfg = Config(rx->url());
  const std::string path = ::testing::TempDir() + "/bearer_token";
  std::ofstream(path) << "s3cret\n";
  cfg.bearer_token_file = path;
  auto client = HttpClient::Create(cfg, RemoteWriteProtocol(cfg));
  ASSERT_TRUE(client.ok());
  BatchEncoder enc;
  SeriesLabels lb;
  EXPECT_EQ((*client)->Send(OneSample(&enc, &lb), 0).outcome, SendOutcome::kOk);
  EXPECT_TRUE(rx->errors().empty()) << rx->errors()[0];
}

// A secret file that does not exist yet (it was a warning at load) fails
// each send as retryable, naming the file, so nothing is dropped; once it
// exists the next send carries it.
TEST(HttpClientTest, MissingSecretFileIsRetriedUntilItAppears) {
  testing::ReceiverOptions opts;
  opts.expect_authorization = "Basic dXNlcjpwYXNz";  // user:pass
  auto rx = FaultReceiver::Start(opts);
  auto cfg = Config(rx->url());
  const std::string path = ::testing::TempDir() + "/late_password";
  std::remove(path.c_str());
  cfg.basic_auth = config::BasicAuth{"user", config::Secret(), path};
  auto client = HttpClient::Create(cfg, RemoteWriteProtocol(cfg));
  ASSERT_TRUE(client.ok());
  BatchEncoder enc;
  SeriesLabels lb;
  SendResult r = (*client)->Send(OneSample(&enc, &lb), 0);
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(r.detail, "unable to read file " + path);
  std::ofstream(path) << "pass\n";
  EXPECT_EQ((*client)->Send(OneSample(&enc, &lb), 1).outcome, SendOutcome::kOk);
  EXPECT_TRUE(rx->errors().empty()) << rx->errors()[0];
  std::remove(path.c_str());
}

TEST(HttpClientTest, BasicAuthAndAuthorization) {
  testing::ReceiverOptions opts;
  opts.expect_authorization = "Basic dXNlcjpwYXNz";  // user:pass
  auto rx = FaultReceiver::Start(opts);
  auto cfg = Config(rx->url());
  cfg.basic_auth = config::BasicAuth{"user", config::Secret("pass"), ""};
  auto client = HttpClient::Create(cfg, RemoteWriteProtocol(cfg));
  ASSERT_TRUE(client.ok());
  BatchEncoder enc;
  SeriesLabels lb;
  EXPECT_EQ((*client)->Send(OneSample(&enc, &lb), 0).outcome, SendOutcome::kOk);
  EXPECT_TRUE(rx->errors().empty()) << rx->errors()[0];

  testing::ReceiverOptions opts2;
  opts2.expect_authorization = "Token abc";
  auto rx2 = FaultReceiver::Start(opts2);
  auto cfg2 = Config(rx2->url());
  cfg2.authorization = config::Authorization{"Token", config::Secret("abc"), ""};
  auto client2 = HttpClient::Create(cfg2, RemoteWriteProtocol(cfg2));
  ASSERT_TRUE(client2.ok());
  EXPECT_EQ((*client2)->Send(OneSample(&enc, &lb), 0).outcome, SendOutcome::kOk);
  EXPECT_TRUE(rx2->errors().empty()) << rx2->errors()[0];
}

}  // namespace
}  // namespace outpost::remote_write
