// SigV4 end to end: the real QueueManager/HttpClient sign remote-write
// requests, a loopback receiver checks every signature with its own
// computation (OpenSSL directly, not core/http/sigv4.h), and a fake STS
// hands out expiring temporary credentials for role_arn.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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
using http::SendOutcome;
using http::SendResult;

using testing::StubRequest;
using testing::StubResponse;
using testing::StubServer;

// ---- the receiver's own SigV4 check ----

std::string Hex(const unsigned char* p, size_t n) {
  std::string s;
  char b[3];
  for (size_t i = 0; i < n; ++i) {
    snprintf(b, sizeof b, "%02x", p[i]);
    s += b;
  }
  return s;
}
std::string Sha(const std::string& d) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(d.data()), d.size(), md);
  return Hex(md, sizeof md);
}
std::string Mac(const std::string& k, const std::string& d) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()),
       reinterpret_cast<const unsigned char*>(d.data()), d.size(), md, &n);
  return std::string(reinterpret_cast<char*>(md), n);
}
std::string Trim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

struct Secrets {
  std::string secret, token;
};

// "" when `r` carries a valid signature by a key in `keys` for
// region/service (and the required headers are signed), else why not.
std::string Verify(const StubRequest& r, const std::map<std::string, Secrets>& keys,
                   const std::string& region, const std::string& service,
                   const std::vector<std::string>& must_sign) {
  const std::string auth = r.Header("Authorization");
  const std::string prefix = "AWS4-HMAC-SHA256 Credential=";
  if (auth.rfind(prefix, 0) != 0) return "no AWS4 Authorization: " + auth;
  std::vector<std::string> parts = absl::StrSplit(auth.substr(prefix.size()), ", ");
  if (parts.size() != 3) return "bad Authorization " + auth;
  std::vector<std::string> cred = absl::StrSplit(parts[0], '/');
  if (cred.size() != 5 || cred[2] != region || cred[3] != service || cred[4] != "aws4_request") {
    return "bad credential scope " + parts[0];
  }
  auto key = keys.find(cred[0]);
  if (key == keys.end()) return "unknown access key " + cred[0];
  const std::string date = r.Header("X-Amz-Date");
  if (date.substr(0, 8) != cred[1]) return "scope date != X-Amz-Date";
  if (r.Header("X-Amz-Security-Token") != key->second.token) return "wrong session token";
  const std::string signed_list = parts[1].substr(std::string("SignedHeaders=").size());
  std::vector<std::string> names = absl::StrSplit(signed_list, ';');
  for (const std::string& m : must_sign) {
    if (std::find(names.begin(), names.end(), m) == names.end()) return m + " not signed";
  }
  std::string creq = r.method + "\n" + r.path + "\n" + r.query + "\n";
  for (const std::string& n : names) creq += n + ":" + Trim(r.Header(n)) + "\n";
  creq += "\n" + signed_list + "\n" + Sha(r.body);
  const std::string sts = "AWS4-HMAC-SHA256\n" + date + "\n" + cred[1] + "/" + region + "/" +
                          service + "/aws4_request\n" + Sha(creq);
  std::string k = Mac("AWS4" + key->second.secret, cred[1]);
  k = Mac(Mac(Mac(k, region), service), "aws4_request");
  const std::string sig = Mac(k, sts);
  const std::string want =
      Hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
  if (parts[2] != "Signature=" + want) return "signature mismatch";
  return "";
}

const std::vector<std::string> kRemoteWriteSigned = {
    "content-encoding", "content-type", "host", "x-amz-date", "x-prometheus-remote-write-version"};

// ---- a receiver and a sample feeder ----

struct Receiver {
  absl::Mutex mu;
  std::map<std::string, Secrets> keys;
  std::string region;
  long samples = 0;
  std::vector<std::string> errors, dates;
  std::vector<std::string> retry_attempts;
  int fail_next = 0;  // answer 500 to that many valid requests first

  StubResponse Handle(const StubRequest& r) {
    absl::MutexLock l(&mu);
    std::vector<std::string> must = kRemoteWriteSigned;
    if (!r.Header("X-Amz-Security-Token").empty()) must.push_back("x-amz-security-token");
    if (!r.Header("Retry-Attempt").empty()) must.push_back("retry-attempt");
    if (!r.Header("X-Scope-OrgID").empty()) must.push_back("x-scope-orgid");
    const std::string why = Verify(r, keys, region, "aps", must);
    if (!why.empty()) {
      errors.push_back(why);
      return {403, "text/plain", why};
    }
    dates.push_back(r.Header("X-Amz-Date"));
    retry_attempts.push_back(r.Header("Retry-Attempt"));
    if (fail_next > 0) {
      --fail_next;
      return {500, "text/plain", "try again"};
    }
    const long n = testing::CountRemoteWriteSamples(r.body);
    if (n < 0) errors.push_back("bad body");
    samples += std::max(n, 0L);
    return {204, "text/plain", ""};
  }
  long Samples() {
    absl::MutexLock l(&mu);
    return samples;
  }
};

class Feeder {
 public:
  explicit Feeder(QueueManager* q, AckTracker* acks) : q_(q), acks_(acks) {
    EncodeLabels(Labels{{"__name__", "m"}, {"job", "auth"}}, &labels_);
  }
  // Appends n samples of one series.
  void Push(int n) {
    const uint64_t seq = acks_->Push(Position{0, ++pos_}, static_cast<size_t>(n));
    std::vector<PendingSample> items;
    for (int i = 0; i < n; ++i) items.push_back({&labels_, ++t_, 1.0, seq, 0});
    ASSERT_TRUE(q_->Append(items));
  }

 private:
  QueueManager* q_;
  AckTracker* acks_;
  SeriesLabels labels_;
  uint64_t pos_ = 0;
  int64_t t_ = 0;
};

config::RemoteWriteConfig BaseConfig(const std::string& url) {
  config::RemoteWriteConfig c;
  c.url = url;
  c.name = "aps";
  c.queue_config.min_shards = c.queue_config.max_shards = 1;
  c.queue_config.batch_send_deadline = absl::Milliseconds(10);
  c.queue_config.min_backoff = absl::Milliseconds(10);
  c.queue_config.max_backoff = absl::Milliseconds(50);
  c.metadata_config.send = false;
  return c;
}

std::function<std::string(std::string_view)> Env(std::map<std::string, std::string> m) {
  return [m](std::string_view k) {
    auto it = m.find(std::string(k));
    return it == m.end() ? std::string() : it->second;
  };
}

TEST(SigV4ReceiverTest, EveryRequestAndRetryIsSignedAnew) {
  Receiver rx;
  rx.keys["AKIDTEST"] = {"secret/key+1", ""};
  rx.region = "eu-west-1";
  rx.fail_next = 1;
  auto server = StubServer::Start({"/workspaces/ws-1/api/v1/remote_write"},
                                  [&rx](const StubRequest& r) { return rx.Handle(r); });
  ASSERT_NE(server, nullptr);
  config::RemoteWriteConfig c = BaseConfig(server->url("/workspaces/ws-1/api/v1/remote_write"));
  c.headers["X-Scope-OrgID"] = "tenant-1";
  c.sigv4 = config::Sigv4Config{"eu-west-1", "AKIDTEST", config::Secret("secret/key+1"), "", ""};
  // A fixed clock that ticks one second per reading: each signature has its
  // own, known date.
  std::atomic<int> ticks{0};
  AuthOptions ao;
  ao.clock = [&ticks] { return absl::FromUnixSeconds(1440938160 + ticks.fetch_add(1)); };
  ao.getenv = Env({});
  auto auth = MakeRequestAuth(c, ao);
  ASSERT_TRUE(auth.ok()) << auth.status();
  prometheus::Registry reg;
  EndpointMetrics m(reg, c.name, c.url);
  AckTracker acks(Position{});
  QueueManager q(c, &acks, &m, *auth);
  ASSERT_TRUE(q.Start().ok());
  Feeder f(&q, &acks);
  f.Push(10);
  for (int i = 0; i < 100 && rx.Samples() < 10; ++i) absl::SleepFor(absl::Milliseconds(20));
  f.Push(5);
  q.Stop(absl::Now() + absl::Seconds(10));
  absl::MutexLock l(&rx.mu);
  EXPECT_EQ(rx.samples, 15);
  EXPECT_TRUE(rx.errors.empty()) << rx.errors.front();
  ASSERT_GE(rx.dates.size(), 3u);
  // Request 1 (answered 500), its retry, then the second batch: each with
  // the clock's next reading.
  EXPECT_EQ(rx.dates[0], "20150830T123600Z");
  EXPECT_EQ(rx.dates[1], "20150830T123601Z");
  EXPECT_EQ(rx.dates[2], "20150830T123602Z");
  EXPECT_EQ(rx.retry_attempts[0], "");
  EXPECT_EQ(rx.retry_attempts[1], "1");
}

TEST(SigV4ReceiverTest, WrongSecretIsRejectedByTheVerifier) {
  Receiver rx;
  rx.keys["AKIDTEST"] = {"right", ""};
  rx.region = "eu-west-1";
  auto server = StubServer::Start({"/w"}, [&rx](const StubRequest& r) { return rx.Handle(r); });
  ASSERT_NE(server, nullptr);
  config::RemoteWriteConfig c = BaseConfig(server->url("/w"));
  c.sigv4 = config::Sigv4Config{"eu-west-1", "AKIDTEST", config::Secret("wrong"), "", ""};
  auto client = HttpClient::Create(c, RemoteWriteProtocol(c));
  ASSERT_TRUE(client.ok()) << client.status();
  const SendResult r = (*client)->Send("x", 0);
  EXPECT_EQ(r.http_status, 403);
  EXPECT_EQ(r.outcome, SendOutcome::kDrop);
  absl::MutexLock l(&rx.mu);
  ASSERT_EQ(rx.errors.size(), 1u);
  EXPECT_EQ(rx.errors[0], "signature mismatch");
}

// role_arn: source credentials from the environment sign an AssumeRole call
// to the fake STS (AWS_ENDPOINT_URL_STS); its short-lived credentials sign
// the remote-write requests and are renewed before they expire.
TEST(SigV4ReceiverTest, AssumeRoleThroughFakeStsAndRenewal) {
  Receiver rx;
  rx.region = "us-west-2";
  absl::Mutex sts_mu;
  int issued = 0;
  std::vector<std::string> sts_errors;
  const std::map<std::string, Secrets> source = {{"AKIDSOURCE", {"source-secret", "src-token"}}};
  auto sts = StubServer::Start({"/sts"}, [&](const StubRequest& r) -> StubResponse {
    absl::MutexLock l(&sts_mu);
    const std::string why =
        Verify(r, source, "us-west-2", "sts", {"content-type", "host", "x-amz-date"});
    if (!why.empty()) {
      sts_errors.push_back(why);
      return {403, "text/xml", "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
                               "<Message>no</Message></Error></ErrorResponse>"};
    }
    if (r.body.find("Action=AssumeRole") == std::string::npos ||
        r.body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fwriter") ==
            std::string::npos) {
      sts_errors.push_back("bad body " + r.body);
    }
    ++issued;
    const std::string id = absl::StrCat("ASIATEMP", issued);
    const std::string secret = absl::StrCat("temp/secret+", issued);
    const std::string token = absl::StrCat("tok&", issued);  // XML-escaped below
    {
      absl::MutexLock k(&rx.mu);
      rx.keys[id] = {secret, token};
    }
    const std::string exp = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() + absl::Seconds(3),
                                             absl::UTCTimeZone());
    return {200, "text/xml",
            absl::StrCat("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                         "<AssumeRoleResult><Credentials><AccessKeyId>", id,
                         "</AccessKeyId><SecretAccessKey>", secret,
                         "</SecretAccessKey><SessionToken>tok&amp;", issued,
                         "</SessionToken><Expiration>", exp,
                         "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>")};
  });
  auto server = StubServer::Start({"/w"}, [&rx](const StubRequest& r) { return rx.Handle(r); });
  ASSERT_NE(sts, nullptr);
  ASSERT_NE(server, nullptr);
  config::RemoteWriteConfig c = BaseConfig(server->url("/w"));
  c.sigv4 = config::Sigv4Config{"", "", config::Secret(), "",
                                "arn:aws:iam::123456789012:role/writer"};
  AuthOptions ao;
  ao.getenv = Env({{"AWS_REGION", "us-west-2"},
                   {"AWS_ACCESS_KEY_ID", "AKIDSOURCE"},
                   {"AWS_SECRET_ACCESS_KEY", "source-secret"},
                   {"AWS_SESSION_TOKEN", "src-token"},
                   {"AWS_ENDPOINT_URL_STS", sts->url("/sts")}});
  ao.aws_expiry_window = absl::Seconds(2);  // renew ~1 s after issue
  auto auth = MakeRequestAuth(c, ao);
  ASSERT_TRUE(auth.ok()) << auth.status();
  prometheus::Registry reg;
  EndpointMetrics m(reg, c.name, c.url);
  AckTracker acks(Position{});
  QueueManager q(c, &acks, &m, *auth);
  ASSERT_TRUE(q.Start().ok());
  Feeder f(&q, &acks);
  for (int round = 0; round < 8; ++round) {  // ~1.6 s
    f.Push(3);
    absl::SleepFor(absl::Milliseconds(200));
  }
  q.Stop(absl::Now() + absl::Seconds(10));
  {
    absl::MutexLock l(&sts_mu);
    EXPECT_TRUE(sts_errors.empty()) << sts_errors.front();
    EXPECT_GE(issued, 2);  // renewed at least once
  }
  absl::MutexLock l(&rx.mu);
  EXPECT_EQ(rx.samples, 24);
  EXPECT_TRUE(rx.errors.empty()) << rx.errors.front();
}

}  // namespace
}  // namespace outpost::remote_write
