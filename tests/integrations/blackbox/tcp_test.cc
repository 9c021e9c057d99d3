// The tcp prober against servers the test starts: a line-protocol banner
// thread (query_response expect/send with group expansion), a closed
// port, a listener that never answers (ends inside the probe timeout),
// real redis-server (PING) and apache2 over TLS with the test CA.
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "integrations/blackbox/tls_metrics.h"
#include "tests/integrations/blackbox/probe_util.h"
#include "tests/support/apache_server.h"
#include "tests/support/free_port.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_certificates.h"

namespace outpost::integrations::blackbox {
namespace {

using testing::LineServer;
using testing::RunProbe;

constexpr char kSmtpish[] = R"yaml({prober: tcp, tcp: {query_response: [
  {expect: "^220 (?P<host>\\S+) ready", send: "HELO ${host} $1"},
  {expect: "^250 (\\w+)"},
  {send: "QUIT"}]}})yaml";

TEST(BlackboxTcp, QueryResponseExpandsGroups) {
  LineServer server(testing::SmtpishBanner);
  auto r = RunProbe(kSmtpish, server.addr());
  EXPECT_EQ(r->success(), 1) << r->app.Render();
  EXPECT_EQ(r->Get("probe_failed_due_to_regex"), 0);
  EXPECT_EQ(r->Get("probe_ip_protocol"), 4);
  EXPECT_EQ(r->Get("probe_ip_addr_hash"), 3668918509.0);
  EXPECT_FALSE(r->Has("probe_ssl_earliest_cert_expiry"));
  // Upstream's tcp_connect: six series.
  EXPECT_EQ(r->app.series_count(), 6u) << r->app.Render();
}

TEST(BlackboxTcp, ExpectNotMatchedIsFailedDueToRegex) {
  LineServer server([](int fd) { LineServer::Send(fd, "220 other\r\n"); });
  auto r = RunProbe(R"yaml({prober: tcp, tcp: {query_response: [{expect: "^SSH-2.0-"}]}})yaml",
                    server.addr());
  EXPECT_EQ(r->success(), 0);
  EXPECT_EQ(r->Get("probe_failed_due_to_regex"), 1);
}

TEST(BlackboxTcp, ClosedPortFails) {
  const int port = outpost::testing::FreePort();
  auto r = RunProbe("{prober: tcp}", "127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(r->success(), 0);
  EXPECT_EQ(r->Get("probe_failed_due_to_regex"), 0);
  EXPECT_EQ(r->Get("probe_ip_protocol"), 4);
}

TEST(BlackboxTcp, MissingPortFailsBeforeResolving) {
  auto r = RunProbe("{prober: tcp}", "127.0.0.1");
  EXPECT_EQ(r->success(), 0);
  EXPECT_FALSE(r->Has("probe_ip_protocol"));
  EXPECT_EQ(r->Get("probe_failed_due_to_regex"), 0);
}

TEST(BlackboxTcp, SilentServerEndsInsideTheProbeTimeout) {
  testing::SilentServer silent;
  auto r = RunProbe(R"yaml({prober: tcp, timeout: 1s, tcp: {query_response: [{expect: "^x"}]}})yaml",
                    "127.0.0.1:" + std::to_string(silent.port()), absl::Seconds(10));
  EXPECT_EQ(r->success(), 0);
  EXPECT_EQ(r->Get("probe_failed_due_to_regex"), 0);  // a read error, not a mismatch
  EXPECT_LT(r->took, absl::Milliseconds(1900));
}

TEST(BlackboxTcp, RedisPing) {
  outpost::testing::RedisServer redis;
  ASSERT_TRUE(redis.Start()) << redis.error();
  auto r = RunProbe(R"yaml({prober: tcp, tcp: {query_response: [{send: "PING"}, {expect: "^\\+PONG"}]}})yaml",
                    redis.addr());
  EXPECT_EQ(r->success(), 1) << r->app.Render();
  auto bad = RunProbe(R"yaml({prober: tcp, tcp: {query_response: [{send: "PING"}, {send: "QUIT"}, {expect: "^\\+PANG"}]}})yaml",
                      redis.addr());
  EXPECT_EQ(bad->success(), 0);
  EXPECT_EQ(bad->Get("probe_failed_due_to_regex"), 1);
}

TEST(BlackboxTcp, TlsWithTheTestCa) {
  std::string dir = ::testing::TempDir() + "/bbtcp-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  std::string error;
  ASSERT_TRUE(outpost::testing::MakeTestCertificates(dir, &error)) << error;
  outpost::testing::ApacheServer::Options o;
  o.tls = true;
  o.cert_file = dir + "/server.crt";
  o.key_file = dir + "/server.key";
  outpost::testing::ApacheServer httpd(o);
  ASSERT_TRUE(httpd.Start()) << httpd.error();
  const std::string target = "localhost:" + std::to_string(httpd.port());
  auto r = RunProbe("{prober: tcp, tcp: {preferred_ip_protocol: ip4, tls: true, tls_config: "
                    "{ca_file: " + dir + "/ca.crt}}}",
                    target);
  EXPECT_EQ(r->success(), 1) << r->app.Render();
  EXPECT_EQ(r->Get("probe_ip_protocol"), 4);
  EXPECT_GT(r->Get("probe_ssl_earliest_cert_expiry"), absl::ToUnixSeconds(absl::Now()));
  // The verified chain holds the CA too (made first: it expires first).
  EXPECT_LE(r->Get("probe_ssl_last_chain_expiry_timestamp_seconds"),
            r->Get("probe_ssl_earliest_cert_expiry"));
  EXPECT_GT(r->Get("probe_ssl_last_chain_expiry_timestamp_seconds"),
            absl::ToUnixSeconds(absl::Now()));
  bool info = false;
  for (const CollectedSample& s : r->app.Samples()) {
    if (s.name != "probe_ssl_last_chain_info") continue;
    info = true;
    EXPECT_EQ(s.labels.Get("subject"), "CN=localhost");
    EXPECT_EQ(s.labels.Get("issuer"), "CN=outpost-test-ca");
    EXPECT_EQ(s.labels.Get("subjectalternative"), "localhost");
    EXPECT_EQ(s.labels.Get("fingerprint_sha256").size(), 64u);
  }
  EXPECT_TRUE(info) << r->app.Render();
  // Another CA: the handshake fails; no TLS gauges.
  auto other = RunProbe("{prober: tcp, tcp: {preferred_ip_protocol: ip4, tls: true, tls_config: {ca_file: " + dir +
                            "/other-ca.crt}}}",
                        target);
  EXPECT_EQ(other->success(), 0);
  EXPECT_FALSE(other->Has("probe_ssl_earliest_cert_expiry"));
  // insecure_skip_verify: no verified chain, Go's zero time.
  auto skip = RunProbe("{prober: tcp, tcp: {preferred_ip_protocol: ip4, tls: true, tls_config: {insecure_skip_verify: true}}}",
                       target);
  EXPECT_EQ(skip->success(), 1);
  EXPECT_EQ(skip->Get("probe_ssl_last_chain_expiry_timestamp_seconds"), kGoZeroTimeUnix);
  httpd.Stop();
  std::filesystem::remove_all(dir);
}

// STARTTLS: plain banner and command, then TLS (an OpenSSL server with
// the test CA's localhost certificate) for the rest of the conversation.
TEST(BlackboxTcp, StartTls) {
  std::string dir = ::testing::TempDir() + "/bbstarttls-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  std::string error;
  ASSERT_TRUE(outpost::testing::MakeTestCertificates(dir, &error)) << error;
  // Freed after the server thread (declared before it).
  std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)> owner(SSL_CTX_new(TLS_server_method()),
                                                      SSL_CTX_free);
  SSL_CTX* ctx = owner.get();
  ASSERT_EQ(SSL_CTX_use_certificate_chain_file(ctx, (dir + "/server.crt").c_str()), 1);
  ASSERT_EQ(SSL_CTX_use_PrivateKey_file(ctx, (dir + "/server.key").c_str(), SSL_FILETYPE_PEM), 1);
  LineServer server([ctx](int fd) {
    LineServer::Send(fd, "220 ready\r\n");
    if (LineServer::ReadLine(fd) != "STARTTLS") return;
    LineServer::Send(fd, "220 go ahead\r\n");
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      SSL_write(ssl, "250 secure\r\n", 12);
      char buf[64];
      SSL_read(ssl, buf, sizeof(buf));  // until the client goes
    }
    SSL_free(ssl);
  });
  const std::string module = "{prober: tcp, tcp: {tls_config: {ca_file: " + dir +
                             "/ca.crt, server_name: localhost}, query_response: ["
                             "{expect: '^220 ready', send: STARTTLS},"
                             "{expect: '^220 go', starttls: true},"
                             "{expect: '^250 secure'}]}}";
  auto r = RunProbe(module, server.addr());
  EXPECT_EQ(r->success(), 1) << r->app.Render();
  EXPECT_EQ(r->Get("probe_failed_due_to_regex"), 0);
  EXPECT_GT(r->Get("probe_ssl_earliest_cert_expiry"), absl::ToUnixSeconds(absl::Now()));
  EXPECT_TRUE(r->Has("probe_tls_version_info"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace outpost::integrations::blackbox
