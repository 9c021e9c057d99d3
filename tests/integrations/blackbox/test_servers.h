// The apache2 servers the blackbox http tests and the parity tests share,
// started once per test binary: plain HTTP with a redirect (/old), a
// redirect loop (/loop), a 500 (/fail) and an X-Test header; and TLS with
// a certificate for localhost signed by the test CA (ca.crt in cert_dir).
#ifndef OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_TEST_SERVERS_H_
#define OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_TEST_SERVERS_H_

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/apache_server.h"
#include "tests/support/test_certificates.h"

namespace outpost::integrations::blackbox::testing {

struct TestServers {
  std::string cert_dir;
  std::unique_ptr<outpost::testing::ApacheServer> plain, tls;
  std::string error;  // why they did not start

  std::string PlainUrl(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(plain->port()) + path;
  }
  std::string TlsUrl(const std::string& path) const {
    return "https://localhost:" + std::to_string(tls->port()) + path;
  }
  ~TestServers() {
    plain.reset();
    tls.reset();
    if (!cert_dir.empty()) std::filesystem::remove_all(cert_dir);
  }
};

inline const TestServers& SharedServers() {
  // A static object: its destructor stops the servers at exit.
  static TestServers shared;
  static const bool started = [](TestServers* s) {
    const std::string m = "/usr/lib/apache2/modules/";
    outpost::testing::ApacheServer::Options plain;
    plain.extra_config = "LoadModule alias_module " + m + "mod_alias.so\n" +
                         "LoadModule rewrite_module " + m + "mod_rewrite.so\n" +
                         "LoadModule headers_module " + m + "mod_headers.so\n" +
                         "Redirect 302 /old /index.html\n"
                         "Redirect 301 /loop /loop\n"
                         "RewriteEngine On\n"
                         "RewriteRule ^/fail$ - [R=500]\n"
                         "Header set X-Test \"hello\"\n";
    s->plain = std::make_unique<outpost::testing::ApacheServer>(plain);
    if (!s->plain->Start()) {
      s->error = "plain apache2: " + s->plain->error();
      return false;
    }
    std::string dir = (std::filesystem::temp_directory_path() / "outpost-bbcerts-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) {
      s->error = "mkdtemp failed";
      return false;
    }
    s->cert_dir = dir;
    if (!outpost::testing::MakeTestCertificates(dir, &s->error)) return false;
    outpost::testing::ApacheServer::Options tls;
    tls.tls = true;
    tls.cert_file = dir + "/server.crt";
    tls.key_file = dir + "/server.key";
    s->tls = std::make_unique<outpost::testing::ApacheServer>(tls);
    if (!s->tls->Start()) {
      s->error = "TLS apache2: " + s->tls->error();
      return false;
    }
    return true;
  }(&shared);
  (void)started;
  return shared;
}

}  // namespace outpost::integrations::blackbox::testing

#endif  // OUTPOST_TESTS_INTEGRATIONS_BLACKBOX_TEST_SERVERS_H_
