// DNS over TLS (dns_over_tls with tls_config): a TLS DNS server on
// loopback, started by the test with a certificate of a test CA
// (tests/support/test_certificates.h), answering every query with one A
// record. The server name defaults to the target's host, as upstream's
// (prober/dns.go sets tlsConfig.ServerName to the target address).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/dns_prober.h"
#include "tests/integrations/blackbox/dns_icmp_parity.h"
#include "tests/integrations/blackbox/dns_icmp_util.h"
#include "tests/support/test_certificates.h"

namespace outpost::integrations::blackbox {
namespace {

// Answers each framed query of each TLS connection with the question and
// "<qname> 5 IN A 127.0.0.1".
class TlsDnsServer {
 public:
  TlsDnsServer(const std::string& cert, const std::string& key) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (ctx_ == nullptr || SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1) {
      ADD_FAILURE() << "cannot load " << cert;
      return;
    }
    fd_ = testutil::LoopbackSocket(SOCK_STREAM, &port_);
    if (fd_ < 0) return;
    thread_ = std::thread([this] { Serve(); });
  }
  ~TlsDnsServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  int port() const { return port_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      timeval tv{2, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, c);
      if (SSL_accept(ssl) == 1) Answer(ssl);
      SSL_free(ssl);
      ::close(c);
      ERR_clear_error();
    }
  }
  static void Answer(SSL* ssl) {
    unsigned char len[2];
    if (SSL_read(ssl, len, 2) != 2) return;
    std::string q(static_cast<size_t>(len[0] << 8 | len[1]), '\0');
    for (size_t got = 0; got < q.size();) {
      const int n = SSL_read(ssl, q.data() + got, static_cast<int>(q.size() - got));
      if (n <= 0) return;
      got += static_cast<size_t>(n);
    }
    if (q.size() < 12) return;
    std::string r = q.substr(0, 2) + std::string("\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00", 10) +
                    q.substr(12) +
                    std::string("\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x05\x00\x04\x7f\x00\x00\x01", 16);
    const std::string framed =
        std::string(1, static_cast<char>(r.size() >> 8)) + static_cast<char>(r.size() & 0xff) + r;
    SSL_write(ssl, framed.data(), static_cast<int>(framed.size()));
  }

  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class DnsTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/outpost-dot-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::string error;
    ASSERT_TRUE(testing::MakeTestCertificates(dir_, &error)) << error;
    server_ = std::make_unique<TlsDnsServer>(dir_ + "/server.crt", dir_ + "/server.key");
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  // The dns block (flow style) for `tls_config`.
  static std::string Block(const std::string& tls_config) {
    return absl::StrCat(
        "{query_name: www.test, query_type: A, transport_protocol: tcp, dns_over_tls: true, "
        "preferred_ip_protocol: ip4, tls_config: ",
        tls_config, "}");
  }
  testutil::Outcome Probe(const std::string& host, const std::string& tls_config) {
    std::unique_ptr<ProberSettings> s = testutil::MustParse(DnsProber(), Block(tls_config));
    return testutil::RunProbe(DnsProber(), *s, absl::StrCat(host, ":", server_->port()),
                              absl::Seconds(3));
  }
  std::string Ca(const std::string& name) { return absl::StrCat("{ca_file: ", dir_, "/", name); }

  std::string dir_;
  std::unique_ptr<TlsDnsServer> server_;
};

TEST_F(DnsTlsTest, VerifiesAgainstTheTargetHost) {
  testutil::Outcome ip = Probe("127.0.0.1", Ca("ca.crt") + "}");
  EXPECT_TRUE(ip.success) << ip.reason;
  EXPECT_EQ(ip.Value("probe_dns_answer_rrs"), 1);
  testutil::Outcome name = Probe("localhost", Ca("ca.crt") + "}");
  EXPECT_TRUE(name.success) << name.reason;
}

TEST_F(DnsTlsTest, ServerNameAndTrust) {
  testutil::Outcome named = Probe("127.0.0.1", Ca("ca.crt") + ", server_name: localhost}");
  EXPECT_TRUE(named.success) << named.reason;
  testutil::Outcome wrong = Probe("127.0.0.1", Ca("ca.crt") + ", server_name: other.example}");
  EXPECT_FALSE(wrong.success);
  EXPECT_EQ(wrong.Value("probe_dns_query_succeeded"), 0);
  testutil::Outcome untrusted = Probe("127.0.0.1", Ca("other-ca.crt") + "}");
  EXPECT_FALSE(untrusted.success);
  testutil::Outcome skip =
      Probe("127.0.0.1", Ca("other-ca.crt") + ", insecure_skip_verify: true}");
  EXPECT_TRUE(skip.success) << skip.reason;
}

TEST_F(DnsTlsTest, ParityWithBlackboxExporter) {
  const std::pair<const char*, std::string> modules[] = {
      {"dot", Ca("ca.crt") + "}"},
      {"dot_named", Ca("ca.crt") + ", server_name: localhost}"},
      {"dot_wrong_name", Ca("ca.crt") + ", server_name: other.example}"},
      {"dot_untrusted", Ca("other-ca.crt") + "}"},
      {"dot_skip", Ca("other-ca.crt") + ", insecure_skip_verify: true}"},
  };
  std::string yaml;
  for (const auto& m : modules) yaml += testutil::ModuleYaml("dns", m.first, Block(m.second));
  testutil::BlackboxExporter exporter(yaml);
  ASSERT_TRUE(exporter.ready());
  const std::string target = absl::StrCat("127.0.0.1:", server_->port());
  for (const auto& m : modules) {
    const std::string theirs = exporter.Probe(m.first, target);
    testutil::ExpectParity(theirs, Probe("127.0.0.1", m.second), m.first);
  }
}

}  // namespace
}  // namespace outpost::integrations::blackbox
