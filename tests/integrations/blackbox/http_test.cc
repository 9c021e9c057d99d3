// The http prober against real apache2 servers the test starts (plain,
// redirect, redirect loop, 500, TLS with the test CA), a fake server
// thread that records the request, and a listener that never answers.
#include <mutex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integrations/blackbox/tls_metrics.h"
#include "tests/integrations/blackbox/probe_util.h"
#include "tests/integrations/blackbox/test_servers.h"

namespace outpost::integrations::blackbox {
namespace {

using ::testing::HasSubstr;
using testing::RunProbe;
using testing::SharedServers;

#define REQUIRE_SERVERS() ASSERT_TRUE(SharedServers().error.empty()) << SharedServers().error

Labels Phase(const char* p) { return Labels{{"phase", p}}; }

TEST(BlackboxHttp, PlainGet) {
  REQUIRE_SERVERS();
  auto r = RunProbe("{prober: http}", SharedServers().PlainUrl("/index.html"));
  EXPECT_EQ(r->success(), 1) << r->app.Render();
  EXPECT_EQ(r->Get("probe_http_status_code"), 200);
  EXPECT_EQ(r->Get("probe_http_content_length"), 18);  // "outpost test page\n"
  EXPECT_EQ(r->Get("probe_http_uncompressed_body_length"), 18);
  EXPECT_EQ(r->Get("probe_http_version"), 1.1);
  EXPECT_EQ(r->Get("probe_http_redirects"), 0);
  EXPECT_EQ(r->Get("probe_http_ssl"), 0);
  EXPECT_EQ(r->Get("probe_failed_due_to_regex"), 0);
  EXPECT_EQ(r->Get("probe_ip_protocol"), 4);  // ip6 preferred, fallback to ip4
  EXPECT_EQ(r->Get("probe_ip_addr_hash"), 3668918509.0);
  EXPECT_GT(r->Get("probe_http_last_modified_timestamp_seconds"), 1.6e9);
  for (const char* p : {"resolve", "connect", "tls", "processing", "transfer"}) {
    EXPECT_GE(r->Get("probe_http_duration_seconds", Phase(p)), 0) << p;
  }
  EXPECT_EQ(r->Get("probe_http_duration_seconds", Phase("tls")), 0);
  EXPECT_GT(r->Get("probe_http_duration_seconds", Phase("connect")), 0);
  EXPECT_FALSE(r->Has("probe_ssl_earliest_cert_expiry"));
}

TEST(BlackboxHttp, Redirects) {
  REQUIRE_SERVERS();
  auto r = RunProbe("{prober: http}", SharedServers().PlainUrl("/old"));
  EXPECT_EQ(r->success(), 1) << r->app.Render();
  EXPECT_EQ(r->Get("probe_http_redirects"), 1);
  EXPECT_EQ(r->Get("probe_http_status_code"), 200);
  EXPECT_EQ(r->Get("probe_http_content_length"), 18);

  // Not followed: the redirect answer itself, its body unread.
  auto nf = RunProbe("{prober: http, http: {follow_redirects: false}}",
                     SharedServers().PlainUrl("/old"));
  EXPECT_EQ(nf->success(), 0);
  EXPECT_EQ(nf->Get("probe_http_redirects"), 1);
  EXPECT_EQ(nf->Get("probe_http_status_code"), 302);
  EXPECT_EQ(nf->Get("probe_http_uncompressed_body_length"), 0);
  auto ok302 = RunProbe("{prober: http, http: {follow_redirects: false, valid_status_codes: [302]}}",
                        SharedServers().PlainUrl("/old"));
  EXPECT_EQ(ok302->success(), 1);

  // Go's client stops after 10 redirects.
  auto loop = RunProbe("{prober: http}", SharedServers().PlainUrl("/loop"));
  EXPECT_EQ(loop->success(), 0);
  EXPECT_EQ(loop->Get("probe_http_redirects"), 11);
  EXPECT_EQ(loop->Get("probe_http_status_code"), 301);
}

TEST(BlackboxHttp, StatusCodes) {
  REQUIRE_SERVERS();
  auto r = RunProbe("{prober: http}", SharedServers().PlainUrl("/fail"));
  EXPECT_EQ(r->success(), 0);
  EXPECT_EQ(r->Get("probe_http_status_code"), 500);
  auto ok = RunProbe("{prober: http, http: {valid_status_codes: [500]}}",
                     SharedServers().PlainUrl("/fail"));
  EXPECT_EQ(ok->success(), 1);
  auto missing = RunProbe("{prober: http}", SharedServers().PlainUrl("/nothing-here"));
  EXPECT_EQ(missing->Get("probe_http_status_code"), 404);
  EXPECT_EQ(missing->success(), 0);
  auto version = RunProbe("{prober: http, http: {valid_http_versions: [HTTP/2.0]}}",
                          SharedServers().PlainUrl("/index.html"));
  EXPECT_EQ(version->success(), 0);
}

TEST(BlackboxHttp, BodyAndHeaderRegexes) {
  REQUIRE_SERVERS();
  const std::string url = SharedServers().PlainUrl("/index.html");
  auto body_bad = RunProbe("{prober: http, http: {fail_if_body_matches_regexp: ['test page']}}", url);
  EXPECT_EQ(body_bad->success(), 0);
  EXPECT_EQ(body_bad->Get("probe_failed_due_to_regex"), 1);
  EXPECT_EQ(body_bad->Get("probe_http_uncompressed_body_length"), 18);
  auto body_ok = RunProbe("{prober: http, http: {fail_if_body_not_matches_regexp: ['^outpost']}}", url);
  EXPECT_EQ(body_ok->success(), 1);
  EXPECT_EQ(body_ok->Get("probe_failed_due_to_regex"), 0);
  auto hdr_ok = RunProbe(
      "{prober: http, http: {fail_if_header_not_matches: [{header: x-test, regexp: '^hello$'}]}}", url);
  EXPECT_EQ(hdr_ok->success(), 1) << hdr_ok->app.Render();
  auto hdr_bad = RunProbe(
      "{prober: http, http: {fail_if_header_matches: [{header: X-Test, regexp: 'hell'}]}}", url);
  EXPECT_EQ(hdr_bad->success(), 0);
  EXPECT_EQ(hdr_bad->Get("probe_failed_due_to_regex"), 1);
  auto limited = RunProbe("{prober: http, http: {body_size_limit: 10}}", url);
  EXPECT_EQ(limited->success(), 0);
  EXPECT_EQ(limited->Get("probe_http_uncompressed_body_length"), 10);
  auto head = RunProbe("{prober: http, http: {method: HEAD}}", url);
  EXPECT_EQ(head->success(), 1);
  EXPECT_EQ(head->Get("probe_http_content_length"), 18);
  EXPECT_EQ(head->Get("probe_http_uncompressed_body_length"), 0);
  auto not_ssl = RunProbe("{prober: http, http: {fail_if_not_ssl: true}}", url);
  EXPECT_EQ(not_ssl->success(), 0);
}

double ChainInfo(const testing::ProbeResult& r, std::string* subject, std::string* issuer,
                 std::string* san) {
  for (const CollectedSample& s : r.app.Samples()) {
    if (s.name != "probe_ssl_last_chain_info") continue;
    *subject = s.labels.Get("subject");
    *issuer = s.labels.Get("issuer");
    *san = s.labels.Get("subjectalternative");
    return s.value;
  }
  return 0;
}

TEST(BlackboxHttp, TlsWithTheTestCa) {
  REQUIRE_SERVERS();
  const std::string ca = SharedServers().cert_dir + "/ca.crt";
  const std::string url = SharedServers().TlsUrl("/index.html");
  auto r = RunProbe("{prober: http, http: {preferred_ip_protocol: ip4, tls_config: {ca_file: " +
                        ca + "}}}",
                    url);
  EXPECT_EQ(r->success(), 1) << r->app.Render();
  EXPECT_EQ(r->Get("probe_http_ssl"), 1);
  EXPECT_EQ(r->Get("probe_http_status_code"), 200);
  EXPECT_GT(r->Get("probe_http_duration_seconds", Phase("tls")), 0);
  const double expiry = r->Get("probe_ssl_earliest_cert_expiry");
  EXPECT_GT(expiry, absl::ToUnixSeconds(absl::Now() + absl::Hours(24)));
  EXPECT_LT(expiry, absl::ToUnixSeconds(absl::Now() + absl::Hours(72)));
  // The verified chain holds the CA too (made first: it expires first).
  EXPECT_LE(r->Get("probe_ssl_last_chain_expiry_timestamp_seconds"), expiry);
  EXPECT_GT(r->Get("probe_ssl_last_chain_expiry_timestamp_seconds"),
            absl::ToUnixSeconds(absl::Now()));
  std::string subject, issuer, san;
  EXPECT_EQ(ChainInfo(*r, &subject, &issuer, &san), 1);
  EXPECT_EQ(subject, "CN=localhost");
  EXPECT_EQ(issuer, "CN=outpost-test-ca");
  EXPECT_EQ(san, "localhost");
  EXPECT_TRUE(r->Has("probe_tls_version_info"));

  auto fail_ssl = RunProbe("{prober: http, http: {preferred_ip_protocol: ip4, fail_if_ssl: true, "
                           "tls_config: {ca_file: " + ca + "}}}",
                           url);
  EXPECT_EQ(fail_ssl->success(), 0);
  // Unknown CA: no response at all.
  auto untrusted = RunProbe("{prober: http, http: {preferred_ip_protocol: ip4}}", url);
  EXPECT_EQ(untrusted->success(), 0);
  EXPECT_EQ(untrusted->Get("probe_http_status_code"), 0);
  EXPECT_EQ(untrusted->Get("probe_http_ssl"), 0);
  // Skipping verification: no verified chain, Go's zero time.
  auto skip = RunProbe("{prober: http, http: {preferred_ip_protocol: ip4, tls_config: "
                       "{insecure_skip_verify: true}}}",
                       url);
  EXPECT_EQ(skip->success(), 1);
  EXPECT_EQ(skip->Get("probe_ssl_last_chain_expiry_timestamp_seconds"), kGoZeroTimeUnix);
  // The target by IP with server_name: SNI and verification use the name.
  auto by_ip = RunProbe("{prober: http, http: {tls_config: {ca_file: " + ca +
                            ", server_name: localhost}}}",
                        "https://127.0.0.1:" + std::to_string(SharedServers().tls->port()) +
                            "/index.html");
  EXPECT_EQ(by_ip->success(), 1) << by_ip->app.Render();
}

TEST(BlackboxHttp, RequestAsConfigured) {
  std::mutex mu;
  std::vector<std::string> request;
  testing::LineServer server([&](int fd) {
    std::vector<std::string> lines;
    for (std::string l = testing::LineServer::ReadLine(fd); l != "\r" && !l.empty();
         l = testing::LineServer::ReadLine(fd)) {
      lines.push_back(l);
    }
    lines.push_back("body:" + testing::LineServer::ReadLine(fd));
    {
      // Kept before answering: the probe may end as soon as it has the answer.
      std::lock_guard<std::mutex> lock(mu);
      request = lines;
    }
    testing::LineServer::Send(fd, "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n"
                                  "Last-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n"
                                  "3\r\nabc\r\n0\r\n\r\n");
  });
  auto r = RunProbe(
      "{prober: http, http: {method: PUT, body: \"hello\\n\", valid_status_codes: [201], "
      "headers: {Host: example.test, X-A: b}, basic_auth: {username: u, password: p}}}",
      "127.0.0.1:" + std::to_string(server.port()) + "/path?q=1");
  EXPECT_EQ(r->success(), 1) << r->app.Render();
  EXPECT_EQ(r->Get("probe_http_content_length"), -1);
  EXPECT_EQ(r->Get("probe_http_uncompressed_body_length"), 3);
  EXPECT_EQ(r->Get("probe_http_last_modified_timestamp_seconds"), 1445412480);
  std::lock_guard<std::mutex> lock(mu);
  std::string all;
  for (const std::string& l : request) all += l + "\n";
  EXPECT_THAT(all, HasSubstr("PUT /path?q=1 HTTP/1.1\r\n"));
  EXPECT_THAT(all, HasSubstr("Host: example.test\r\n"));
  EXPECT_THAT(all, HasSubstr("X-A: b\r\n"));
  EXPECT_THAT(all, HasSubstr("Authorization: Basic dTpw\r\n"));
  EXPECT_THAT(all, HasSubstr("User-Agent: Blackbox Exporter/"));
  EXPECT_THAT(all, HasSubstr("body:hello"));
  EXPECT_THAT(all, ::testing::Not(HasSubstr("Accept")));
}

TEST(BlackboxHttp, SilentServerEndsInsideTheProbeTimeout) {
  testing::SilentServer silent;
  auto r = RunProbe("{prober: http, timeout: 1s}",
                    "http://127.0.0.1:" + std::to_string(silent.port()) + "/",
                    absl::Seconds(10));
  EXPECT_EQ(r->success(), 0);
  EXPECT_EQ(r->Get("probe_http_status_code"), 0);
  EXPECT_EQ(r->Get("probe_http_content_length"), 0);
  EXPECT_LT(r->took, absl::Milliseconds(1900));
  // The scrape timeout minus the offset bounds it too.
  auto short_scrape = RunProbe("{prober: http}",
                               "http://127.0.0.1:" + std::to_string(silent.port()) + "/",
                               absl::Milliseconds(1500));
  EXPECT_EQ(short_scrape->success(), 0);
  EXPECT_LT(short_scrape->took, absl::Milliseconds(1400));
}

}  // namespace
}  // namespace outpost::integrations::blackbox
