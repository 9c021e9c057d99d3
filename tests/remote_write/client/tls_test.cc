// HTTPS with a CA and server certificate made by the openssl CLI.
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/http/http_client.h"
#include "gtest/gtest.h"
#include "remote_write/encoder.h"
#include "remote_write/http_protocol.h"
#include "tests/remote_write/support/fault_receiver.h"
#include "tests/remote_write/support/tls_proxy.h"

namespace outpost::remote_write {
namespace {

using http::HttpClient;
using http::SendOutcome;
using http::SendResult;

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A directory of this process's own: ctest runs each test as its own
    // process, in parallel.
    std::string tmpl = ::testing::TempDir() + "/rw_tls_XXXXXX";
    dir_ = new std::string(mkdtemp(tmpl.data()));
    const std::string d = *dir_;
    std::ofstream(d + "/ext.cnf") << "subjectAltName=DNS:outpost.test,IP:127.0.0.1\n";
    const std::string cmd =
        "cd " + d + " && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
        "-subj /CN=outpost-test-ca >/dev/null 2>&1 && "
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
        "-subj /CN=outpost.test >/dev/null 2>&1 && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
        "-out server.crt -days 2 -extfile ext.cnf >/dev/null 2>&1 && "
        "cat server.crt server.key > server.pem";
    ok_ = std::system(cmd.c_str()) == 0;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override {
    // The openssl CLI is required (tests/run.sh installs it): fail, never skip.
    ASSERT_TRUE(ok_) << "openssl could not make certificates in " << *dir_;
    // Debian's civetweb crashes with OpenSSL 3, so TLS is terminated by a
    // small OpenSSL proxy in front of the plain receiver.
    rx_ = testing::FaultReceiver::Start();
    ASSERT_NE(rx_, nullptr);
    proxy_ = testing::TlsProxy::Start(*dir_ + "/server.crt", *dir_ + "/server.key", rx_->port());
    ASSERT_NE(proxy_, nullptr);
    EncodeLabels(Labels{{"__name__", "up"}}, &lb_);
    std::vector<PendingSample> s = {{&lb_, 1000, 1, 0, 0}};
    body_ = std::string(enc_.EncodeSamples(s));
  }

  SendResult Send(const config::TlsConfig& tls) {
    config::RemoteWriteConfig c;
    c.url = proxy_->url();
    c.name = "tls";
    c.remote_timeout = absl::Seconds(5);
    c.tls_config = tls;
    auto client = HttpClient::Create(c, RemoteWriteProtocol(c));
    EXPECT_TRUE(client.ok());
    return (*client)->Send(body_, 0);
  }

  static std::string* dir_;
  static bool ok_;
  std::unique_ptr<testing::FaultReceiver> rx_;
  std::unique_ptr<testing::TlsProxy> proxy_;
  BatchEncoder enc_;
  SeriesLabels lb_;
  std::string body_;
};
std::string* TlsTest::dir_ = nullptr;
bool TlsTest::ok_ = false;

TEST_F(TlsTest, VerifiedWithCa) {
  config::TlsConfig tls;
  tls.ca_file = *dir_ + "/ca.pem";
  SendResult r = Send(tls);
  EXPECT_EQ(r.outcome, SendOutcome::kOk) << r.detail;
  EXPECT_EQ(rx_->accepted_samples(), 1u);
}

TEST_F(TlsTest, UnknownCaIsRefusedByDefault) {
  SendResult r = Send(config::TlsConfig{});
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(rx_->accepted_samples(), 0u);
}

TEST_F(TlsTest, InsecureSkipVerify) {
  config::TlsConfig tls;
  tls.insecure_skip_verify = true;
  EXPECT_EQ(Send(tls).outcome, SendOutcome::kOk);
}

TEST_F(TlsTest, ServerNameIsVerifiedInsteadOfUrlHost) {
  config::TlsConfig tls;
  tls.ca_file = *dir_ + "/ca.pem";
  tls.server_name = "outpost.test";
  SendResult r = Send(tls);
  EXPECT_EQ(r.outcome, SendOutcome::kOk) << r.detail;
  tls.server_name = "other.test";  // not in the certificate
  EXPECT_EQ(Send(tls).outcome, SendOutcome::kRetry);
}

}  // namespace
}  // namespace outpost::remote_write
